//! HTTP plumbing shared by both simulated services: the buffered request, JSON and byte
//! responses, `Range` handling, ids and encodings.

use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;

/// A request with its body already read: handlers are plain synchronous functions of it.
#[derive(Debug)]
pub(crate) struct SimRequest {
    pub(crate) method: Method,
    /// The raw (percent-encoded) path.
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    /// Empty when the body was spooled.
    pub(crate) body: Bytes,
    /// An upload's body, on disk (the upload routes only).
    pub(crate) spooled: Option<crate::spool::Spooled>,
}

impl SimRequest {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The first value of a query parameter, decoded.
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// The media type without parameters, lowercase (`multipart/form-data; boundary=x` → `multipart/form-data`).
    pub(crate) fn media_type(&self) -> Option<String> {
        let value = self.header("content-type")?;
        Some(
            value
                .split(';')
                .next()
                .unwrap_or(value)
                .trim()
                .to_ascii_lowercase(),
        )
    }
}

pub(crate) fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = Response::new(Body::from(body.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

pub(crate) fn empty_response(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// An error answer: its status and JSON body, in the shape of the service that gives it (Azure's
/// `{"error":{"code","message"}}`, OpenAI's `{"error":{"message","type","param","code"}}`).
/// Each service's constructors are in its `errors` module.
#[derive(Debug)]
pub(crate) struct ErrorAnswer {
    pub(crate) status: StatusCode,
    pub(crate) body: serde_json::Value,
}

impl ErrorAnswer {
    pub(crate) fn new(status: StatusCode, body: serde_json::Value) -> Self {
        Self { status, body }
    }

    pub(crate) fn into_response(self) -> Response {
        json_response(self.status, &self.body)
    }
}

/// What a `Range` header asks of a body of a given length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeAnswer {
    /// No usable range (absent, malformed, several ranges, or another unit): send everything, 200.
    Full,
    /// Inclusive byte range, 206.
    Partial { start: u64, end: u64 },
    /// 416 with `Content-Range: bytes */len`.
    Unsatisfiable,
}

/// Reads `bytes=a-b`, `bytes=a-` and `bytes=-n` (RFC 9110 §14.1.2). Syntax it does not know is
/// ignored, as servers commonly do, rather than refused.
pub(crate) fn parse_range(value: Option<&str>, len: u64) -> RangeAnswer {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return RangeAnswer::Full;
    };
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAnswer::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // Suffix range: the last n bytes.
        return match last.parse::<u64>() {
            Ok(0) => RangeAnswer::Unsatisfiable,
            Ok(_) if len == 0 => RangeAnswer::Unsatisfiable,
            Ok(n) => RangeAnswer::Partial {
                start: len.saturating_sub(n),
                end: len - 1,
            },
            Err(_) => RangeAnswer::Full,
        };
    }
    let Ok(start) = first.parse::<u64>() else {
        return RangeAnswer::Full;
    };
    let end = if last.is_empty() {
        len.saturating_sub(1)
    } else {
        match last.parse::<u64>() {
            Ok(end) if end >= start => end.min(len.saturating_sub(1)),
            Ok(_) => return RangeAnswer::Full,
            Err(_) => return RangeAnswer::Full,
        }
    };
    if start >= len {
        RangeAnswer::Unsatisfiable
    } else {
        RangeAnswer::Partial { start, end }
    }
}

/// A byte body answered with `Range` support: 200 with the whole body, 206 with a slice and
/// `Content-Range`, or 416. The caller adds its own headers (content type, validators...).
/// HEAD needs no special case: the HTTP server drops the body and keeps `content-length`.
pub(crate) fn ranged_bytes(request: &SimRequest, data: &Bytes) -> Response {
    ranged_body(request, data.len() as u64, |start, len| {
        // Both bounds are <= the length, which came from a usize.
        Body::from(data.slice(start as usize..(start + len) as usize))
    })
}

/// [`ranged_bytes`] for content of `len` bytes that `body(start, count)` produces (a file read
/// as it is sent): `Content-Length` is set, since such a body does not know its own length.
pub(crate) fn ranged_body(
    request: &SimRequest,
    len: u64,
    body: impl FnOnce(u64, u64) -> Body,
) -> Response {
    let (mut response, count) = match parse_range(request.header("range"), len) {
        RangeAnswer::Full => {
            let mut response = Response::new(body(0, len));
            *response.status_mut() = StatusCode::OK;
            (response, len)
        }
        RangeAnswer::Partial { start, end } => {
            let mut response = Response::new(body(start, end - start + 1));
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            insert_header(
                response.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{len}"),
            );
            (response, end - start + 1)
        }
        RangeAnswer::Unsatisfiable => {
            let mut response = empty_response(StatusCode::RANGE_NOT_SATISFIABLE);
            insert_header(
                response.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{len}"),
            );
            return response;
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(count));
    response
}

/// Inserts a header whose value we built ourselves; a value that is not a valid header
/// (cannot happen for the ASCII we format) is skipped rather than panicking.
pub(crate) fn insert_header(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// Lowercase Crockford base32, the alphabet of the ULID-like ids Azure hands out (`task_01k7…`).
const BASE32: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// `prefix` + 26 chars: 10 of millisecond time (so ids sort by creation) and 16 random.
pub(crate) fn ulid_like(prefix: &str, at: SystemTime) -> String {
    let millis = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut id = String::with_capacity(prefix.len() + 26);
    id.push_str(prefix);
    for i in (0..10).rev() {
        id.push(BASE32[((millis >> (5 * i)) & 31) as usize] as char);
    }
    for _ in 0..16 {
        id.push(BASE32[fastrand::usize(..32)] as char);
    }
    id
}

/// A random version-4 UUID in its usual text form.
pub(crate) fn uuid_v4() -> String {
    let mut bytes: [u8; 16] = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The MD5 of `data` in lowercase hex: Supabase's `ETag` (quoted), which a client may compare
/// with its own hash of what it uploaded. Not for security.
pub(crate) fn md5_hex(data: &[u8]) -> String {
    use md5::Digest as _;
    hex(&md5::Md5::digest(data))
}

/// Base64url without padding (the JWT encoding).
pub(crate) fn base64url(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// The bytes [`percent_encode`] escapes: all but ASCII letters, digits and `*-._` (the
/// form-urlencoded set, where Storage writes a space as `%20`, not `+`).
const ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');

/// `text` with every byte outside ASCII letters, digits and `*-._` as `%XX`: a path segment of a
/// signed URL, or the `filename*` of a `Content-Disposition`.
pub(crate) fn percent_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, ESCAPED).to_string()
}

/// Decodes `%XX` escapes; `None` if an escape is malformed or the result is not UTF-8. The real
/// servers refuse a malformed escape (`decodeURIComponent` throws), where `percent-encoding`
/// would pass it through as text, so the escapes are checked first.
pub(crate) fn percent_decode(raw: &str) -> Option<String> {
    let well_formed = raw.split('%').skip(1).all(|after| {
        after
            .as_bytes()
            .get(..2)
            .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return None;
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(std::borrow::Cow::into_owned)
}

/// ISO 8601 with milliseconds and `Z`, as Supabase writes timestamps.
pub(crate) fn iso_millis(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10), RangeAnswer::Full);
        assert_eq!(
            parse_range(Some("bytes=0-3"), 10),
            RangeAnswer::Partial { start: 0, end: 3 }
        );
        assert_eq!(
            parse_range(Some("bytes=4-"), 10),
            RangeAnswer::Partial { start: 4, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=5-100"), 10),
            RangeAnswer::Partial { start: 5, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=-3"), 10),
            RangeAnswer::Partial { start: 7, end: 9 }
        );
        assert_eq!(
            parse_range(Some("bytes=10-"), 10),
            RangeAnswer::Unsatisfiable
        );
        assert_eq!(parse_range(Some("bytes=0-1,3-4"), 10), RangeAnswer::Full);
        assert_eq!(parse_range(Some("items=0-1"), 10), RangeAnswer::Full);
    }

    #[test]
    fn ids_and_encodings() {
        let id = ulid_like("task_", SystemTime::now());
        assert_eq!(id.len(), 31);
        assert!(id[5..].bytes().all(|b| BASE32.contains(&b)));
        let uuid = uuid_v4();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_eq!(base64url(b"hello?"), "aGVsbG8_");
        assert_eq!(base64url(b"ab"), "YWI");
        assert_eq!(percent_decode("a%20b/c%2Fd").as_deref(), Some("a b/c/d"));
        assert_eq!(percent_decode("bad%2"), None);
        assert_eq!(percent_encode("a b/ü*-._~+"), "a%20b%2F%C3%BC*-._%7E%2B");
    }

    #[test]
    fn md5_rfc_1321_vectors() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            md5_hex(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            ),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
    }

    #[test]
    fn a_malformed_escape_is_refused() {
        // `%+1` is no escape (two hex digits must follow `%`); decodeURIComponent refuses it too.
        assert_eq!(percent_decode("a%+1"), None);
        assert_eq!(percent_decode("a%-1b"), None);
        assert_eq!(percent_decode("a%zz"), None);
        assert_eq!(percent_decode("%E2%82%AC").as_deref(), Some("€"));
        assert_eq!(percent_decode("%FF"), None);
    }
}
