//! Helpers shared by the engine's tests: the simulator's own assets to compare downloads against,
//! and a succeeded Azure job to download from.

pub mod azure;
pub mod http_server;

pub const SAMPLE_MP4: &[u8] = include_bytes!("../../../../../assets/sample.mp4");
pub const THUMBNAIL_JPG: &[u8] = include_bytes!("../../../../../assets/thumbnail.jpg");
