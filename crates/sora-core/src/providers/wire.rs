//! Sending a request and reading the answer, shared by the clients: any non-2xx becomes an
//! [`ApiError`] carrying the service's own message, request id and `Retry-After`.

use std::time::{Duration, SystemTime};

use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use url::Url;

use super::error::{ApiError, ProviderError, body_excerpt, parse_retry_after};

/// Longest wait for a whole JSON answer (create, poll, list, delete).
pub const API_TIMEOUT: Duration = Duration::from_secs(60);

/// The largest JSON answer read: a wrong endpoint streaming a large file must not fill memory.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// The body, cut at `max` bytes (enough for any job, list or error answer).
async fn read_capped(
    response: reqwest::Response,
    max: usize,
) -> Result<bytes::Bytes, reqwest::Error> {
    use futures_util::StreamExt;
    let mut stream = response.bytes_stream();
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        let room = max.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= max {
            break;
        }
    }
    Ok(body.freeze())
}

/// A successful answer's headers and body.
pub struct Answer {
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    /// `openai-poll-after-ms`: how long the service asks pollers to wait.
    pub fn poll_after(&self) -> Option<Duration> {
        crate::http::header_text(&self.headers, "openai-poll-after-ms")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_millis)
    }
}

/// Send, and turn any non-2xx answer into an [`ApiError`]. Any 2xx is success: the Azure spec
/// says 200 for create where the live service answers 201.
pub async fn send(
    service: &str,
    request: RequestBuilder,
    url: &Url,
) -> Result<Answer, ProviderError> {
    let network = |e: reqwest::Error| ProviderError::Network {
        service: service.into(),
        url: crate::http::redact_url(url),
        reason: crate::http::error_chain(&e),
    };
    // JSON calls are small: a server that accepts and then goes quiet must not hang a job.
    let response = request.timeout(API_TIMEOUT).send().await.map_err(network)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_capped(response, MAX_BODY).await.map_err(network)?;
    if status.is_success() {
        return Ok(Answer { headers, body });
    }
    let mut error = ApiError::from_body(status.as_u16(), &body);
    error.request_id = crate::http::request_id(&headers);
    error.retry_after = crate::http::header_text(&headers, "retry-after")
        .and_then(|v| parse_retry_after(&v, SystemTime::now()))
        .or_else(|| {
            crate::http::header_text(&headers, "retry-after-ms")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_millis)
        });
    Err(ProviderError::Api {
        service: service.into(),
        error: Box::new(error),
    })
}

/// Decode a JSON body, or say what arrived instead.
pub fn decode<T: serde::de::DeserializeOwned>(
    service: &str,
    body: &[u8],
) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|e| ProviderError::Decode {
        service: service.into(),
        reason: e.to_string(),
        excerpt: body_excerpt(body),
    })
}

/// Unix seconds to a time; negative or absurd values (after the year 9999) are dropped.
pub fn unix_time(secs: i64) -> Option<SystemTime> {
    const LATEST: u64 = 253_402_300_799; // 9999-12-31T23:59:59Z
    u64::try_from(secs)
        .ok()
        .filter(|s| *s <= LATEST)
        .and_then(|s| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(s)))
}

/// Read a reference image for upload: its bytes, file name and MIME type from its content.
pub async fn read_image(
    path: &std::path::Path,
) -> Result<(Vec<u8>, String, &'static str), ProviderError> {
    let owned = path.to_path_buf();
    let bytes = tokio::task::spawn_blocking(move || super::profile::read_image_file(&owned))
        .await
        .map_err(|e| ProviderError::Input(format!("cannot read image {}: {e}", path.display())))?
        .map_err(|e| ProviderError::Input(e.to_string()))?;
    let kind = super::profile::image_kind(&bytes).ok_or_else(|| {
        ProviderError::Input(format!(
            "{} is not a JPEG, PNG or WebP image",
            path.display()
        ))
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    Ok((bytes, name, kind.mime()))
}
