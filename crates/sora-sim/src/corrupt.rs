//! Bodies the transport cannot tell from good ones: a length that under-reports the content, a
//! body with no length that ends early, bytes that changed under the same validator, an error
//! page dressed as an MP4. Only a client that checks what it saved (the structure of the file,
//! a checksum) notices; these faults prove sora-tui does. Also the checksum headers of
//! [`SimConfig::content_digests`](crate::SimConfig::content_digests).

use axum::body::Body;
use axum::http::response::Parts;
use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use sha2::Digest;

use super::faults::Fault;
use super::wire;

/// The corrupt body of `fault` in place of `data` (the whole body the service would have sent),
/// with `parts` adjusted to match; `None` for the other faults.
pub(crate) fn body(parts: &mut Parts, data: &Bytes, fault: &Fault) -> Option<Body> {
    match fault {
        Fault::UnderReportedLength { missing } => {
            let keep = data
                .len()
                .saturating_sub(usize::try_from(*missing).unwrap_or(usize::MAX));
            wire::insert_header(
                &mut parts.headers,
                header::CONTENT_LENGTH,
                &keep.to_string(),
            );
            Some(Body::from(data.slice(..keep)))
        }
        Fault::NoLength { bytes } => {
            let keep = usize::try_from(*bytes)
                .unwrap_or(usize::MAX)
                .min(data.len());
            parts.headers.remove(header::CONTENT_LENGTH);
            // A stream of unknown length: sent chunked, and its end looks like any other end.
            let head = data.slice(..keep);
            Some(Body::from_stream(futures_util::stream::iter([Ok::<
                Bytes,
                std::io::Error,
            >(
                head
            )])))
        }
        Fault::ChangedBytes => {
            let changed: Vec<u8> = data.iter().map(|b| b ^ 0x5a).collect();
            Some(Body::from(changed))
        }
        _ => None,
    }
}

/// `200 OK`, `video/mp4`: an HTML page behind a 24-byte `ftyp` box, as a broken proxy may
/// serve it.
pub(crate) fn fake_mp4_response() -> Response {
    let mut body = Vec::new();
    body.extend_from_slice(&24u32.to_be_bytes());
    body.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    body.extend_from_slice(
        b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1><p>The upstream server sent an invalid response.</p></body></html>\n",
    );
    let mut response = Response::new(Body::from(body));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    response
}

/// The answer with `Repr-Digest: sha-256=:…:` and `Content-MD5` of its (whole) body.
pub(crate) async fn with_digests(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(data) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let sha = sha2::Sha256::digest(&data);
    wire::insert_header(
        &mut parts.headers,
        HeaderName::from_static("repr-digest"),
        &format!(
            "sha-256=:{}:",
            base64::engine::general_purpose::STANDARD.encode(sha)
        ),
    );
    wire::insert_header(
        &mut parts.headers,
        HeaderName::from_static("content-md5"),
        &base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&data)),
    );
    Response::from_parts(parts, Body::from(data))
}
