//! Checks that a downloaded body is what it claims to be, before it gets its final name.

use crate::providers::ContentVariant;

/// Does the start of the body look like the media type we asked for? A 200 whose body is an
/// HTML or JSON error page must not be saved as `video.mp4`.
pub fn looks_like(variant: ContentVariant, head: &[u8]) -> bool {
    match variant {
        // ISO base media (MP4): a box size, then the `ftyp` box type at offset 4.
        ContentVariant::Video => head.len() >= 8 && &head[4..8] == b"ftyp",
        ContentVariant::Thumbnail | ContentVariant::Spritesheet => is_image(head),
    }
}

fn is_image(head: &[u8]) -> bool {
    head.starts_with(&[0xFF, 0xD8, 0xFF]) // JPEG
        || head.starts_with(b"\x89PNG\r\n\x1a\n")
        || (head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_mp4_jpeg_webp_and_refuses_html() {
        assert!(looks_like(
            ContentVariant::Video,
            b"\0\0\0\x20ftypisom\0\0\x02\0"
        ));
        assert!(!looks_like(ContentVariant::Video, b"<html><body>error"));
        assert!(looks_like(
            ContentVariant::Thumbnail,
            &[0xFF, 0xD8, 0xFF, 0xE0]
        ));
        assert!(looks_like(
            ContentVariant::Thumbnail,
            b"RIFF\0\0\0\0WEBPVP8 "
        ));
        assert!(!looks_like(ContentVariant::Thumbnail, b"{\"error\":1}"));
    }
}
