//! Resuming an interrupted transfer: pure functions of what the server answered to a
//! `Range: bytes=<have>-` request sent with `If-Range: <validator>`.

use reqwest::header::HeaderMap;

/// `Content-Range: bytes <start>-<end>/<total>` (total may be `*`), or `bytes */<total>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    /// `None` for the unsatisfied form `bytes */total`.
    pub range: Option<(u64, u64)>,
    pub total: Option<u64>,
}

pub fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (span, total) = rest.split_once('/')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    let range = match span.trim() {
        "*" => None,
        s => {
            let (a, b) = s.split_once('-')?;
            let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            if b < a || total.is_some_and(|t| b >= t) {
                return None;
            }
            Some((a, b))
        }
    };
    Some(ContentRange { range, total })
}

/// What to do with the answer to a (possibly ranged) request, given `have` bytes on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resume {
    /// 206 continuing exactly where the partial ends: append; the whole file is `total` bytes.
    Append { total: Option<u64> },
    /// 200 (the validator no longer matched, or the server ignores ranges): start over.
    StartOver { total: Option<u64> },
    /// 416 and the partial already has every byte: verify it as it is.
    AlreadyComplete,
    /// A 206 that does not continue the partial, or a 416 that does not match it: the partial
    /// is useless; drop it and try again from byte 0.
    Discard { why: &'static str },
}

/// Decide from the status, the `Content-Range` header, `Content-Length` and the bytes `have`.
pub fn decide(
    status: u16,
    content_range: Option<&str>,
    content_length: Option<u64>,
    have: u64,
) -> Resume {
    let parsed = content_range.and_then(parse_content_range);
    match status {
        206 => match parsed {
            Some(ContentRange {
                range: Some((start, _)),
                total,
            }) if start == have => Resume::Append { total },
            _ => Resume::Discard {
                why: "the server answered a different range than asked",
            },
        },
        416 => match parsed {
            Some(ContentRange {
                total: Some(total), ..
            }) if total == have && have > 0 => Resume::AlreadyComplete,
            _ => Resume::Discard {
                why: "the server refused the range (416): the partial is longer than the content",
            },
        },
        _ => Resume::StartOver {
            total: content_length,
        },
    }
}

/// The validator to send back in `If-Range`: the strong `ETag` if any, else `Last-Modified`.
/// A weak ETag (`W/"…"`) may not be used with `If-Range` (RFC 9110 13.1.5).
pub fn validator(headers: &HeaderMap) -> Option<String> {
    let text = |n: &str| crate::http::header_text(headers, n).filter(|v| !v.trim().is_empty());
    text("etag")
        .filter(|e| !e.starts_with("W/"))
        .or_else(|| text("last-modified"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_forms() {
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some(ContentRange {
                range: Some((100, 199)),
                total: Some(1000)
            })
        );
        assert_eq!(
            parse_content_range("bytes */1000"),
            Some(ContentRange {
                range: None,
                total: Some(1000)
            })
        );
        assert_eq!(
            parse_content_range("bytes 0-9/*"),
            Some(ContentRange {
                range: Some((0, 9)),
                total: None
            })
        );
        assert_eq!(parse_content_range("bytes 9-0/10"), None);
        assert_eq!(parse_content_range("bytes 0-10/10"), None);
        assert_eq!(parse_content_range("items 0-1/2"), None);
        assert_eq!(parse_content_range("bytes x-1/2"), None);
    }

    #[test]
    fn resume_decisions() {
        assert_eq!(
            decide(206, Some("bytes 100-999/1000"), Some(900), 100),
            Resume::Append { total: Some(1000) }
        );
        assert!(matches!(
            decide(206, Some("bytes 0-999/1000"), None, 100),
            Resume::Discard { .. }
        ));
        assert!(matches!(
            decide(206, None, None, 100),
            Resume::Discard { .. }
        ));
        assert_eq!(
            decide(200, None, Some(1000), 100),
            Resume::StartOver { total: Some(1000) }
        );
        assert_eq!(
            decide(416, Some("bytes */1000"), None, 1000),
            Resume::AlreadyComplete
        );
        assert!(matches!(
            decide(416, Some("bytes */1000"), None, 1200),
            Resume::Discard { .. }
        ));
    }

    #[test]
    fn strong_etag_before_last_modified() {
        let mut h = HeaderMap::new();
        h.insert(
            "last-modified",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("v"),
        );
        assert_eq!(
            validator(&h).as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        h.insert("etag", "W/\"weak\"".parse().expect("v"));
        assert_eq!(
            validator(&h).as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        h.insert("etag", "\"abc\"".parse().expect("v"));
        assert_eq!(validator(&h).as_deref(), Some("\"abc\""));
    }
}
