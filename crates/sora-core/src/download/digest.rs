//! Checksums a service may send with content, and the check of a finished file against one.
//! Only used when present: none of the video services documents one, but the storage behind a
//! CDN often adds one (Google Cloud Storage's `x-goog-hash`, Azure Blob's `Content-MD5` and
//! `x-ms-blob-content-md5`, RFC 9530's `Repr-Digest`/`Content-Digest`, RFC 3230's `Digest`).
//!
//! A digest of the whole representation is valid on any answer, ranged or not; a digest of the
//! body as sent (`Content-MD5`, `Content-Digest`) covers the whole file only on a full `200`.
//! The digest learned from the first answer is kept beside the partial, so a file completed by a
//! resume is checked against what the first answer promised.

use std::io::Read;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use md5::Digest as _;
use reqwest::header::HeaderMap;

/// How these headers' base64 is read: padding optional and non-zero pad bits allowed (RFC 8941
/// §4.2.7 asks parsers not to fail on either).
const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
/// Some servers write the URL-safe alphabet; its digest is as good.
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

fn base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    STANDARD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Algorithm {
    Md5,
    Sha256,
    Sha512,
}

impl Algorithm {
    fn len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha256 => "sha-256",
            Algorithm::Sha512 => "sha-512",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "md5" => Some(Algorithm::Md5),
            "sha-256" => Some(Algorithm::Sha256),
            "sha-512" => Some(Algorithm::Sha512),
            _ => None,
        }
    }
}

/// What the whole file must hash to, and which header said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub algorithm: Algorithm,
    pub value: Vec<u8>,
    pub source: String,
}

impl Expected {
    fn new(algorithm: Algorithm, value: Vec<u8>, source: &str) -> Option<Self> {
        (value.len() == algorithm.len()).then(|| Self {
            algorithm,
            value,
            source: source.to_string(),
        })
    }

    /// One line to keep beside the partial: `<algorithm> <hex> <header>`.
    pub fn to_line(&self) -> String {
        format!(
            "{} {} {}",
            self.algorithm.label(),
            hex(&self.value),
            self.source
        )
    }

    pub fn from_line(line: &str) -> Option<Self> {
        let mut parts = line.split_whitespace();
        let algorithm = Algorithm::parse(parts.next()?)?;
        let value = unhex(parts.next()?)?;
        Self::new(algorithm, value, parts.next().unwrap_or("saved"))
    }
}

/// The strongest whole-file digest the answer states. `whole_body`: the answer is a `200`
/// carrying the whole content, so digests of the body count too.
pub fn expected(headers: &HeaderMap, whole_body: bool) -> Option<Expected> {
    let mut found: Vec<Expected> = Vec::new();
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    };
    for v in values("repr-digest") {
        found.extend(structured(&v, "repr-digest"));
    }
    for v in values("digest") {
        for (name, value) in pairs(&v) {
            if let (Some(a), Some(bytes)) = (Algorithm::parse(name), base64(value)) {
                found.extend(Expected::new(a, bytes, "digest"));
            }
        }
    }
    for v in values("x-goog-hash") {
        for (name, value) in pairs(&v) {
            if name.trim().eq_ignore_ascii_case("md5")
                && let Some(bytes) = base64(value)
            {
                found.extend(Expected::new(Algorithm::Md5, bytes, "x-goog-hash"));
            }
        }
    }
    for v in values("x-ms-blob-content-md5") {
        if let Some(bytes) = base64(&v) {
            found.extend(Expected::new(
                Algorithm::Md5,
                bytes,
                "x-ms-blob-content-md5",
            ));
        }
    }
    if whole_body {
        for v in values("content-digest") {
            found.extend(structured(&v, "content-digest"));
        }
        for v in values("content-md5") {
            if let Some(bytes) = base64(&v) {
                found.extend(Expected::new(Algorithm::Md5, bytes, "content-md5"));
            }
        }
    }
    found.into_iter().max_by_key(|e| e.algorithm)
}

/// `name=value` items of a comma-separated list.
fn pairs(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(',').filter_map(|item| item.split_once('='))
}

/// RFC 9530 dictionary members `sha-256=:<base64>:`.
fn structured(value: &str, source: &str) -> Vec<Expected> {
    pairs(value)
        .filter_map(|(name, value)| {
            let a = Algorithm::parse(name)?;
            let inner = value.trim().strip_prefix(':')?.strip_suffix(':')?;
            Expected::new(a, base64(inner)?, source)
        })
        .collect()
}

/// Hash everything `reader` yields (a file, from its start), in blocks.
pub fn hash(algorithm: Algorithm, mut reader: impl Read) -> std::io::Result<Vec<u8>> {
    fn run<D: md5::Digest>(mut d: D, reader: &mut impl Read) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 1 << 20];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => d.update(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(d.finalize().to_vec())
    }
    match algorithm {
        Algorithm::Md5 => run(md5::Md5::new(), &mut reader),
        Algorithm::Sha256 => run(sha2::Sha256::new(), &mut reader),
        Algorithm::Sha512 => run(sha2::Sha512::new(), &mut reader),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().expect("header value"));
        }
        h
    }

    // "hello": md5 5d41402abc4b2a76b9719d911017c592
    const MD5_B64: &str = "XUFAKrxLKna5cZ2REBfFkg==";
    const SHA256_B64: &str = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";

    #[test]
    fn every_header_form_is_read_and_the_strongest_wins() {
        let md5 = |h: &HeaderMap, whole| expected(h, whole).map(|e| hex(&e.value));
        let want_md5 = Some("5d41402abc4b2a76b9719d911017c592".to_string());
        assert_eq!(md5(&headers(&[("content-md5", MD5_B64)]), true), want_md5);
        assert_eq!(
            md5(&headers(&[("content-md5", MD5_B64)]), false),
            None,
            "a ranged answer's Content-MD5 covers only the part"
        );
        assert_eq!(
            md5(
                &headers(&[("x-goog-hash", &format!("crc32c=n03x6A==,md5={MD5_B64}"))]),
                false
            ),
            want_md5
        );
        assert_eq!(
            md5(&headers(&[("x-ms-blob-content-md5", MD5_B64)]), false),
            want_md5
        );
        let both = headers(&[
            ("digest", &format!("MD5={MD5_B64}")),
            ("repr-digest", &format!("sha-256=:{SHA256_B64}:")),
        ]);
        let e = expected(&both, false).expect("digest");
        assert_eq!(e.algorithm, Algorithm::Sha256);
        assert_eq!(e.source, "repr-digest");
        assert_eq!(
            hash(Algorithm::Sha256, &b"hello"[..]).expect("hash"),
            e.value
        );
        let content = headers(&[("content-digest", &format!("sha-256=:{SHA256_B64}:"))]);
        assert!(expected(&content, true).is_some());
        assert!(expected(&content, false).is_none());
    }

    #[test]
    fn malformed_or_unknown_digests_are_ignored() {
        for (k, v) in [
            ("content-md5", "not base64!"),
            ("content-md5", "AAAA"),
            ("repr-digest", "sha-256=notcolons"),
            ("repr-digest", "crc32=:AAAAAA==:"),
            ("digest", "UNIXsum=30637"),
            ("x-goog-hash", "crc32c=n03x6A=="),
        ] {
            assert_eq!(expected(&headers(&[(k, v)]), true), None, "{k}: {v}");
        }
    }

    #[test]
    fn a_saved_digest_reads_back() {
        let e = expected(&headers(&[("content-md5", MD5_B64)]), true).expect("md5");
        assert_eq!(Expected::from_line(&e.to_line()), Some(e));
        assert_eq!(Expected::from_line("md5 zz"), None);
        assert_eq!(Expected::from_line(""), None);
    }

    #[test]
    fn hashes_match_known_vectors() {
        assert_eq!(
            hex(&hash(Algorithm::Md5, &b"hello"[..]).expect("md5")),
            "5d41402abc4b2a76b9719d911017c592"
        );
        assert_eq!(hash(Algorithm::Sha512, &b""[..]).expect("sha512").len(), 64);
    }
}
