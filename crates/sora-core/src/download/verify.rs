//! Checks that a downloaded body is what it claims to be, before it gets its final name: its
//! first bytes while it streams (an error page is stopped at once), then, once complete, its
//! structure (an MP4's boxes from start to end, an image's end marker) and, when the service
//! sent one, its checksum.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use tokio::io::AsyncReadExt;

use super::digest::{self, Expected};
use super::{
    AttemptDone, AttemptError, DownloadError, DownloadSpec, HEAD_LEN, discard_partial, files, mp4,
    partial_path, validator_path,
};
use crate::providers::ContentVariant;

/// The answer is complete on disk: check its length, kind, structure and (when the service sent
/// one) checksum, then give it its final name. A file that fails stays `.partial`, and the next
/// attempt starts over rather than resume it.
pub(super) async fn finish(
    spec: &DownloadSpec,
    written: u64,
    total: Option<u64>,
    expected: Option<&Expected>,
) -> Result<AttemptDone, AttemptError> {
    let partial = partial_path(&spec.target);
    if let Some(total) = total {
        if written < total {
            return Err(AttemptError::Body(format!(
                "body ended after {written} of {total} bytes"
            )));
        }
        if written > total {
            discard_partial(&spec.target).await;
            return Err(AttemptError::Body(format!(
                "got {written} bytes where {total} were announced; starting over"
            )));
        }
    }
    let disk = |source| {
        AttemptError::Disk(DownloadError::Disk {
            path: partial.clone(),
            source,
        })
    };
    let mut file = tokio::fs::OpenOptions::from(files::private_options())
        .read(true)
        .open(&partial)
        .await
        .map_err(disk)?;
    let mut head = vec![0u8; HEAD_LEN];
    let n = file.read(&mut head).await.unwrap_or(0);
    head.truncate(n);
    if !looks_like(spec.key.variant, &head) {
        discard_partial(&spec.target).await;
        return Err(not_media(spec, &head, &[]));
    }
    let file = file.into_std().await;
    let variant = spec.key.variant;
    let expected = expected.cloned();
    let checked =
        tokio::task::spawn_blocking(move || verify_file(&file, variant, expected.as_ref()))
            .await
            .unwrap_or_else(|e| Err(format!("the check stopped: {e}")));
    if let Err(why) = checked {
        // Kept for a look, but never resumed: what it holds is not a prefix of the video.
        let _ = tokio::fs::remove_file(validator_path(&spec.target)).await;
        return Err(AttemptError::Body(format!(
            "the {written}-byte body is not a complete {}: {why}. It stays in {} and is not saved as {}; the next attempt starts over",
            variant.file_extension(),
            partial.display(),
            spec.target.display()
        )));
    }
    let target = with_sniffed_extension(&spec.target, &head);
    tokio::fs::rename(&partial, &target)
        .await
        .map_err(|source| {
            AttemptError::Disk(DownloadError::Disk {
                path: target.clone(),
                source,
            })
        })?;
    let _ = tokio::fs::remove_file(validator_path(&spec.target)).await;
    Ok(AttemptDone {
        bytes: written,
        path: target,
    })
}

pub(super) fn not_media(
    spec: &DownloadSpec,
    head: &[u8],
    headers: &[(String, String)],
) -> AttemptError {
    let ctype = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .map(|(_, v)| format!(" (content-type {v})"))
        .unwrap_or_default();
    AttemptError::Body(format!(
        "the body is not a {} file{ctype}, it starts with {:?}: an error page served as 200? Nothing was saved",
        spec.key.variant.file_extension(),
        String::from_utf8_lossy(head)
    ))
}

/// The target with its extension corrected to what the body is: OpenAI's thumbnail is a WebP
/// where Azure's is a JPEG, and a file named for the wrong type opens in the wrong viewer.
pub fn with_sniffed_extension(target: &Path, head: &[u8]) -> PathBuf {
    let ext = match crate::providers::profile::image_kind(head) {
        Some(crate::providers::profile::ImageKind::Png) => "png",
        Some(crate::providers::profile::ImageKind::Webp) => "webp",
        Some(crate::providers::profile::ImageKind::Jpeg) => "jpg",
        None => return target.to_path_buf(),
    };
    target.with_extension(ext)
}

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

/// Check a complete file. `Err` says why it is not the media asked for. Blocking: reads the box
/// headers (or an image's last bytes) and, to compare a checksum, the whole file.
pub fn verify_file(
    file: &File,
    variant: ContentVariant,
    expected: Option<&Expected>,
) -> Result<(), String> {
    let len = file
        .metadata()
        .map_err(|e| format!("it could not be read back: {e}"))?
        .len();
    let read_at = |offset: u64, buf: &mut [u8]| -> Result<(), String> {
        let mut f = file;
        f.seek(SeekFrom::Start(offset))
            .and_then(|_| f.read_exact(buf))
            .map_err(|e| e.to_string())
    };
    match variant {
        ContentVariant::Video => mp4::check(len, read_at).map_err(|e| e.to_string())?,
        ContentVariant::Thumbnail | ContentVariant::Spritesheet => image_complete(len, read_at)?,
    }
    if let Some(expected) = expected {
        let mut f = file;
        f.seek(SeekFrom::Start(0))
            .map_err(|e| format!("it could not be read back: {e}"))?;
        let got = digest::hash(expected.algorithm, f)
            .map_err(|e| format!("it could not be read back: {e}"))?;
        if got != expected.value {
            return Err(format!(
                "its {} checksum is {}, but the service's {} header says {}",
                expected.algorithm.label(),
                digest::hex(&got),
                expected.source,
                digest::hex(&expected.value)
            ));
        }
    }
    Ok(())
}

/// An image ends where its format says: JPEG with the end-of-image marker, PNG with its `IEND`
/// chunk, WebP where its RIFF header's size says.
fn image_complete(
    len: u64,
    mut read_at: impl FnMut(u64, &mut [u8]) -> Result<(), String>,
) -> Result<(), String> {
    let mut head = [0u8; 12];
    let n = usize::try_from(len.min(12)).unwrap_or(12);
    read_at(0, &mut head[..n])?;
    let head = &head[..n];
    let mut tail = [0u8; 8];
    let tail_at = |k: u64| len.checked_sub(k);
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        let at = tail_at(2).ok_or("it is too short for a JPEG")?;
        read_at(at, &mut tail[..2])?;
        if tail[..2] != [0xFF, 0xD9] {
            return Err(
                "it does not end with the JPEG end-of-image marker (FF D9): it is cut short".into(),
            );
        }
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        let at = tail_at(8).ok_or("it is too short for a PNG")?;
        read_at(at, &mut tail)?;
        if &tail != b"IEND\xAE\x42\x60\x82" {
            return Err("it does not end with the PNG IEND chunk: it is cut short".into());
        }
    } else if head.len() == 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        let riff = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]])) + 8;
        if riff != len {
            return Err(format!(
                "its RIFF header says {riff} bytes, but the file has {len}"
            ));
        }
    } else {
        return Err("it is not a JPEG, PNG or WebP image".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_with(bytes: &[u8]) -> File {
        use std::io::Write;
        let mut f = tempfile::tempfile().expect("temp file");
        f.write_all(bytes).expect("write");
        f
    }

    #[test]
    fn image_extensions_follow_the_bytes() {
        let t = Path::new("/d/video_1.thumbnail.jpg");
        assert_eq!(
            with_sniffed_extension(t, b"RIFF\0\0\0\0WEBPVP8 "),
            PathBuf::from("/d/video_1.thumbnail.webp")
        );
        assert_eq!(
            with_sniffed_extension(t, &[0xFF, 0xD8, 0xFF, 0xE0]),
            t.to_path_buf()
        );
        let v = Path::new("/d/gen_1.mp4");
        assert_eq!(
            with_sniffed_extension(v, b"\0\0\0\x20ftypisom"),
            v.to_path_buf()
        );
    }

    #[test]
    fn images_must_end_where_their_format_says() {
        let check = |bytes: &[u8]| verify_file(&temp_with(bytes), ContentVariant::Thumbnail, None);
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0; 100], &[0xFF, 0xD9]].concat();
        assert_eq!(check(&jpeg), Ok(()));
        let err = check(&jpeg[..60]).expect_err("cut JPEG");
        assert!(err.contains("FF D9"), "{err}");
        let mut webp = b"RIFF\x10\0\0\0WEBPVP8 ".to_vec();
        webp.extend_from_slice(&[0; 8]);
        assert_eq!(check(&webp), Ok(()));
        assert!(check(&webp[..18]).is_err());
        let png = [
            &b"\x89PNG\r\n\x1a\n"[..],
            &[0; 20],
            b"\0\0\0\0IEND\xAE\x42\x60\x82",
        ]
        .concat();
        assert_eq!(check(&png), Ok(()));
        assert!(check(&png[..30]).is_err());
        assert!(check(b"<html></html>").is_err());
    }

    #[test]
    fn a_checksum_that_does_not_match_is_named() {
        let body = b"hello";
        let good = Expected {
            algorithm: digest::Algorithm::Md5,
            value: digest::hash(digest::Algorithm::Md5, &body[..]).expect("md5"),
            source: "content-md5".into(),
        };
        let jpeg = [&[0xFF, 0xD8, 0xFF, 0xE0][..], body, &[0xFF, 0xD9]].concat();
        let file = temp_with(&jpeg);
        let err = verify_file(&file, ContentVariant::Thumbnail, Some(&good)).expect_err("differs");
        assert!(err.contains("content-md5"), "{err}");
        let right = Expected {
            value: digest::hash(digest::Algorithm::Md5, &jpeg[..]).expect("md5"),
            ..good
        };
        assert_eq!(
            verify_file(&file, ContentVariant::Thumbnail, Some(&right)),
            Ok(())
        );
    }

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
