//! What the Runway and fal.ai clients share: outputs on CDN hosts fetched with no provider key,
//! local images sent as data URIs within a size limit, and polling and retry pacing.

use std::path::Path;

use base64::Engine as _;
use std::time::Duration;

use reqwest::header::HeaderMap;
use url::Url;

use super::{ContentRequest, ProviderError};

/// A signed CDN URL as a download: no header at all, so no provider key can reach the CDN.
pub fn cdn_request(service: &str, url: &str) -> Result<ContentRequest, ProviderError> {
    let url = Url::parse(url).map_err(|e| ProviderError::Decode {
        service: service.into(),
        reason: format!("its output URL is not a URL ({e})"),
        excerpt: String::new(),
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(ProviderError::Decode {
            service: service.into(),
            reason: format!("its output URL uses {}:, not https", url.scheme()),
            excerpt: crate::http::redact_url(&url),
        });
    }
    Ok(ContentRequest {
        url,
        headers: HeaderMap::new(),
    })
}

/// How an image reaches the service: inline as a data URI, or by a URL it fetches (an image
/// too large to go inline, stored in the input bucket first).
#[derive(Debug, Clone, Copy)]
pub enum ImageSource<'a> {
    File(&'a Path),
    Url(&'a str),
}

impl ImageSource<'_> {
    /// The value of the model's image field.
    pub async fn value(&self, service: &str, max_inline: usize) -> Result<String, ProviderError> {
        match self {
            ImageSource::File(path) => image_data_uri(service, path, max_inline).await,
            ImageSource::Url(url) => Ok(url.to_string()),
        }
    }
}

/// The length of a file's data URI (`data:<mime>;base64,` and the encoded bytes), from its size.
pub fn data_uri_len(file_bytes: u64) -> u64 {
    // The longest MIME type among JPEG, PNG and WebP is 10 bytes.
    "data:;base64,".len() as u64 + 10 + file_bytes.div_ceil(3) * 4
}

/// A local JPEG, PNG or WebP as `data:<mime>;base64,...`, refused when the encoded string is
/// longer than `max` bytes (what the service takes as a data URI).
pub async fn image_data_uri(
    service: &str,
    path: &Path,
    max: usize,
) -> Result<String, ProviderError> {
    let (bytes, _, mime) = super::wire::read_image(path).await?;
    let encoded_len = "data:;base64,".len() + mime.len() + bytes.len().div_ceil(3) * 4;
    if encoded_len > max {
        return Err(ProviderError::Input(format!(
            "image {} is {} as a data URI; {service} takes at most {} that way. \
             Use a smaller image (about {} before encoding), or store it in the \
             input-images bucket and pass its URL",
            path.display(),
            crate::present::bytes(encoded_len as u64),
            crate::present::bytes(max as u64),
            crate::present::bytes((max / 4 * 3) as u64),
        )));
    }
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    ))
}

/// The wait before retry `attempt` (0-based) after a 429 or 5xx: the server's `Retry-After` when
/// it is at most a minute, otherwise exponential from 0.5 s capped at 8 s (as the official SDKs
/// do), plus a random delay of up to 50 % (Runway's guidance).
pub fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after.filter(|w| *w <= Duration::from_secs(60)) {
        return wait;
    }
    let base = Duration::from_millis(500)
        .saturating_mul(2u32.saturating_pow(attempt.min(8)))
        .min(Duration::from_secs(8));
    base + base.mul_f64(fastrand::f64() * 0.5)
}

/// The wait between two polls: at least `min` (Runway: a task changes no faster than every
/// 5 s), plus up to 20 % jitter so many jobs do not poll in step.
pub fn poll_interval(min: Duration) -> Duration {
    min + min.mul_f64(fastrand::f64() * 0.2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_honours_retry_after() {
        for attempt in 0..20 {
            let d = backoff(attempt, None);
            assert!(
                d >= Duration::from_millis(500) && d <= Duration::from_secs(12),
                "{d:?}"
            );
        }
        assert_eq!(
            backoff(3, Some(Duration::from_secs(7))),
            Duration::from_secs(7)
        );
        assert!(backoff(0, Some(Duration::from_secs(3600))) < Duration::from_secs(1));
        let p = poll_interval(Duration::from_secs(5));
        assert!(p >= Duration::from_secs(5) && p <= Duration::from_secs(6));
    }

    #[test]
    fn a_cdn_download_carries_no_header() {
        let r = cdn_request("Runway", "https://d.cloudfront.net/v.mp4?_jwt=abc").expect("ok");
        assert!(r.headers.is_empty());
        assert!(cdn_request("Runway", "file:///etc/passwd").is_err());
    }
}
