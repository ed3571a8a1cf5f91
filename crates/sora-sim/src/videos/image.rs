//! The pixel size of a PNG, JPEG or WebP from its header, without decoding it: enough to check
//! that a reference image matches the requested video size.

/// `(width, height)`, or `None` when the format is not recognised or the header is cut short.
pub(crate) fn dimensions(data: &[u8]) -> Option<(u32, u32)> {
    png(data).or_else(|| jpeg(data)).or_else(|| webp(data))
}

fn be16(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        data.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le16(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        data.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le24(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at + 3)?;
    Some(u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16))
}

/// The IHDR chunk comes first: width and height are big-endian at offsets 16 and 20.
fn png(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(b"\x89PNG\r\n\x1a\n") || data.get(12..16)? != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(data.get(16..20)?.try_into().ok()?);
    let height = u32::from_be_bytes(data.get(20..24)?.try_into().ok()?);
    Some((width, height))
}

/// Walks the marker segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
fn jpeg(data: &[u8]) -> Option<(u32, u32)> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF) may precede a marker.
        while *data.get(at)? == 0xFF && *data.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *data.get(at)? != 0xFF {
            return None;
        }
        let marker = *data.get(at + 1)?;
        at += 2;
        match marker {
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => continue,
            0xD9 | 0xDA => return None,
            _ => {}
        }
        let length = usize::try_from(be16(data, at)?).ok()?;
        if matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            let height = be16(data, at + 3)?;
            let width = be16(data, at + 5)?;
            return Some((width, height));
        }
        if length < 2 {
            return None;
        }
        at += length;
    }
}

/// `RIFF....WEBP` then a `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended) chunk.
fn webp(data: &[u8]) -> Option<(u32, u32)> {
    if data.get(0..4)? != b"RIFF" || data.get(8..12)? != b"WEBP" {
        return None;
    }
    match data.get(12..16)? {
        b"VP8 " => {
            // Frame tag (3 bytes), start code (3 bytes), then 14-bit width and height.
            if data.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(data, 26)? & 0x3FFF, le16(data, 28)? & 0x3FFF))
        }
        b"VP8L" => {
            if *data.get(20)? != 0x2F {
                return None;
            }
            let bits = u32::from_le_bytes(data.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(data, 24)? + 1, le24(data, 27)? + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assets;

    #[test]
    fn reads_the_assets() {
        assert_eq!(dimensions(assets::THUMBNAIL_JPG), Some((480, 480)));
        assert_eq!(dimensions(assets::SPRITESHEET_JPG), Some((480, 160)));
        assert_eq!(dimensions(assets::THUMBNAIL_WEBP), Some((480, 480)));
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend_from_slice(&720u32.to_be_bytes());
        png.extend_from_slice(&1280u32.to_be_bytes());
        assert_eq!(dimensions(&png), Some((720, 1280)));
        assert_eq!(dimensions(b"not an image"), None);
    }
}
