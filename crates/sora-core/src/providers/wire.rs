//! Sending a request and reading the answer, shared by the clients: any non-2xx becomes an
//! [`ApiError`] carrying the service's own message, request id and `Retry-After`.

use std::time::{Duration, SystemTime};

use reqwest::RequestBuilder;
use reqwest::header::HeaderMap;
use url::Url;

use super::error::{ApiError, ProviderError, body_excerpt, parse_retry_after};
use crate::http::{Call, Http, HttpError};

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

/// Send under the policy's JSON rules (one deadline, a capped answer), and turn any non-2xx
/// answer into an [`ApiError`]. Any 2xx is success: the Azure spec says 200 for create where the
/// live service answers 201.
pub async fn send(
    http: &Http,
    service: &str,
    request: RequestBuilder,
    url: &Url,
) -> Result<Answer, ProviderError> {
    let failed = |e: HttpError| match e {
        HttpError::TooLarge { .. } => ProviderError::Decode {
            service: service.into(),
            reason: e.to_string(),
            excerpt: String::new(),
        },
        e => ProviderError::Network {
            service: service.into(),
            url: crate::http::redact_url(url),
            reason: e.to_string(),
        },
    };
    let response = http.send(request, Call::Json).await.map_err(failed)?;
    let status = response.status();
    let headers = response.headers().clone();
    if status.is_success() {
        let body = response.json_body().await.map_err(failed)?;
        return Ok(Answer { headers, body });
    }
    let body = response.error_body().await;
    let mut error = ApiError::from_body(status.as_u16(), &body);
    error.message = http.policy().screen_text(&error.message);
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
