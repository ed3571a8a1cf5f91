//! Media the simulator serves as generated output (see `assets/README.md`).

/// A 3 s, 480x480 H.264 MP4.
pub static SAMPLE_MP4: &[u8] = include_bytes!("../../assets/sample.mp4");
/// A 480x480 JPEG frame of the sample.
pub static THUMBNAIL_JPG: &[u8] = include_bytes!("../../assets/thumbnail.jpg");
