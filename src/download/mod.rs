//! The download engine: fetches one piece of content to disk, retrying what time can fix,
//! recording every attempt, and never leaving a partial file at the final path.
//!
//! The body streams to `<target>.partial` beside the target (same filesystem, so the final
//! `rename` is atomic) and is renamed only once it is complete and verified.

mod schedule;
mod verify;

pub use schedule::{RetrySchedule, Verdict, explain_persistent_404, judge_status};
pub use verify::looks_like;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::engine::{Attempt, AttemptOutcome, DownloadKey, EngineEvent};
use crate::providers::ContentRequest;
use crate::providers::error::parse_retry_after;

/// Progress events are sent at most this often, so a fast transfer cannot flood the UI.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// One piece of content to fetch.
#[derive(Debug, Clone)]
pub struct DownloadSpec {
    pub key: DownloadKey,
    pub request: ContentRequest,
    pub target: PathBuf,
    /// When the service deletes the content, if known.
    pub expires_at: Option<SystemTime>,
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("download of {url} failed: {why}")]
    GaveUp { url: String, why: String },
    #[error(
        "cannot write {path}: {source}. Check free space and permissions of the download directory."
    )]
    Disk {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("download cancelled")]
    Cancelled,
}

/// What a finished download produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The partial file that receives the body while it streams.
pub fn partial_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    target.with_file_name(name)
}

/// Fetch `spec` with retries on `schedule`, reporting every attempt on `events`.
pub async fn download(
    http: &reqwest::Client,
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    events: &UnboundedSender<EngineEvent>,
    cancel: &CancellationToken,
) -> Result<Downloaded, DownloadError> {
    let url_text = spec.request.display_url();
    let mut retries = 0usize;
    loop {
        let number = u32::try_from(retries + 1).unwrap_or(u32::MAX);
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let result = tokio::select! {
            r = attempt(http, spec, events) => r,
            () = cancel.cancelled() => return Err(DownloadError::Cancelled),
        };
        let mut record = Attempt {
            key: spec.key.clone(),
            number,
            method: "GET",
            url: url_text.clone(),
            status: None,
            bytes: 0,
            started_at,
            duration: clock.elapsed(),
            outcome: AttemptOutcome::GaveUp,
            detail: String::new(),
            next_retry_in: None,
            request_id: None,
        };
        let (verdict, retry_after) = match result {
            Ok(done) => {
                record.status = Some(done.status);
                record.bytes = done.bytes;
                record.request_id = done.request_id;
                record.outcome = AttemptOutcome::Saved;
                record.detail = done.path.display().to_string();
                let _ = events.send(EngineEvent::DownloadAttempt(record));
                return Ok(Downloaded {
                    path: done.path,
                    bytes: done.bytes,
                });
            }
            Err(AttemptError::Disk(e)) => {
                record.detail = e.to_string();
                let _ = events.send(EngineEvent::DownloadAttempt(record));
                return Err(e);
            }
            Err(AttemptError::Http {
                status,
                bytes,
                request_id,
                retry_after,
                body,
            }) => {
                record.status = Some(status);
                record.bytes = bytes;
                record.request_id = request_id;
                let expired = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
                let mut verdict = judge_status(status, expired);
                let (Verdict::Retry { why } | Verdict::Stop { why }) = &mut verdict;
                if !body.is_empty() {
                    why.push_str(&format!(" (service: {body})"));
                }
                (verdict, retry_after)
            }
            Err(AttemptError::Body { status, bytes, why }) => {
                record.status = Some(status);
                record.bytes = bytes;
                (Verdict::Retry { why }, None)
            }
            Err(AttemptError::Network(why)) => (Verdict::Retry { why }, None),
        };
        let why = match verdict {
            Verdict::Stop { why } => {
                record.detail = why.clone();
                let _ = events.send(EngineEvent::DownloadAttempt(record));
                return Err(DownloadError::GaveUp { url: url_text, why });
            }
            Verdict::Retry { why } => why,
        };
        let Some(delay) = schedule.delay(retries) else {
            let expired = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
            let final_why = if record.status == Some(404) {
                explain_persistent_404(spec.request.url.path(), expired)
            } else {
                format!("{why}; gave up after {number} attempts")
            };
            record.detail = final_why.clone();
            let _ = events.send(EngineEvent::DownloadAttempt(record));
            return Err(DownloadError::GaveUp {
                url: url_text,
                why: final_why,
            });
        };
        // The server's Retry-After wins when it asks for longer than the schedule.
        let delay = retry_after.map_or(delay, |ra| ra.max(delay));
        record.outcome = AttemptOutcome::WillRetry;
        record.detail = why;
        record.next_retry_in = Some(delay);
        let _ = events.send(EngineEvent::DownloadAttempt(record));
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = cancel.cancelled() => return Err(DownloadError::Cancelled),
        }
        retries += 1;
    }
}

struct AttemptDone {
    status: u16,
    bytes: u64,
    request_id: Option<String>,
    /// The final path: the target, with the extension the bytes call for.
    path: PathBuf,
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

enum AttemptError {
    /// No HTTP answer: connection refused, reset, DNS, TLS...
    Network(String),
    /// An error status; `body` is a short excerpt of what the service said.
    Http {
        status: u16,
        bytes: u64,
        request_id: Option<String>,
        retry_after: Option<Duration>,
        body: String,
    },
    /// A 2xx whose body was cut short or is not the media we asked for.
    Body {
        status: u16,
        bytes: u64,
        why: String,
    },
    Disk(DownloadError),
}

/// One GET: stream a 2xx body into the partial file, verify it, rename it into place.
async fn attempt(
    http: &reqwest::Client,
    spec: &DownloadSpec,
    events: &UnboundedSender<EngineEvent>,
) -> Result<AttemptDone, AttemptError> {
    let response = http
        .get(spec.request.url.clone())
        .headers(spec.request.headers.clone())
        .send()
        .await
        .map_err(|e| AttemptError::Network(crate::http::error_chain(&e)))?;
    let status = response.status().as_u16();
    let request_id = crate::http::request_id(response.headers());
    if !response.status().is_success() {
        let retry_after = crate::http::header_text(response.headers(), "retry-after")
            .and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let body = response.bytes().await.unwrap_or_default();
        let api = crate::providers::ApiError::from_body(status, &body);
        return Err(AttemptError::Http {
            status,
            bytes: body.len() as u64,
            request_id,
            retry_after,
            body: api.message,
        });
    }
    let total = response.content_length();
    let partial = partial_path(&spec.target);
    let disk = |source| {
        AttemptError::Disk(DownloadError::Disk {
            path: partial.clone(),
            source,
        })
    };
    if let Some(dir) = spec.target.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(disk)?;
    }
    let mut file = tokio::fs::File::create(&partial).await.map_err(disk)?;
    let mut stream = response.bytes_stream();
    let mut written: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(16);
    let mut last_progress = Instant::now();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                return Err(AttemptError::Body {
                    status,
                    bytes: written,
                    why: format!(
                        "connection broke after {written} bytes: {}",
                        crate::http::error_chain(&e)
                    ),
                });
            }
        };
        if head.len() < 16 {
            let take = (16 - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        file.write_all(&chunk).await.map_err(disk)?;
        written += chunk.len() as u64;
        if last_progress.elapsed() >= PROGRESS_EVERY {
            last_progress = Instant::now();
            let _ = events.send(EngineEvent::DownloadProgress {
                key: spec.key.clone(),
                bytes: written,
                total,
            });
        }
    }
    file.flush().await.map_err(disk)?;
    file.sync_all().await.map_err(disk)?;
    drop(file);
    if let Some(total) = total
        && written != total
    {
        return Err(AttemptError::Body {
            status,
            bytes: written,
            why: format!("body ended after {written} of {total} bytes"),
        });
    }
    if !looks_like(spec.key.variant, &head) {
        let _ = tokio::fs::remove_file(&partial).await;
        return Err(AttemptError::Body {
            status,
            bytes: written,
            why: format!(
                "the body is not a {} file (starts with {:?}): an error page served as 200?",
                spec.key.variant.file_extension(),
                String::from_utf8_lossy(&head)
            ),
        });
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
    Ok(AttemptDone {
        status,
        bytes: written,
        request_id,
        path: target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/d/gen_1.mp4")),
            PathBuf::from("/d/gen_1.mp4.partial")
        );
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
}
