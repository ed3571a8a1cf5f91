//! Media the simulator serves as generated output (see `assets/README.md`).

/// A 3 s, 480x480 H.264 MP4.
pub static SAMPLE_MP4: &[u8] = include_bytes!("../../../assets/sample.mp4");
/// A 480x480 JPEG frame of the sample (Azure Sora's `content/thumbnail`).
pub static THUMBNAIL_JPG: &[u8] = include_bytes!("../../../assets/thumbnail.jpg");
/// The same frame as WebP (the Videos API's `variant=thumbnail`).
pub static THUMBNAIL_WEBP: &[u8] = include_bytes!("../../../assets/thumbnail.webp");
/// Three frames of the sample tiled into one 480x160 JPEG (`variant=spritesheet`).
pub static SPRITESHEET_JPG: &[u8] = include_bytes!("../../../assets/spritesheet.jpg");
