//! The download engine: fetches one piece of content to disk, retrying what time can fix,
//! recording every attempt, and never leaving a partial file at the final path.
//!
//! The body streams to `<target>.partial` beside the target (same filesystem, so the final
//! `rename` is atomic) and is renamed only once it is complete and verified (see [`verify`]).
//! Partials are opened without following symbolic links, and created 0600 (see [`files`]).

pub mod diagnose;
pub mod digest;
pub mod files;
pub mod mp4;
mod partial;
mod resume;
mod schedule;
mod verify;
mod writer;

pub use diagnose::{diagnostic_urls, find_url_fields};
pub use partial::partial_path;
use partial::{discard_partial, file_len, saved_state, validator_path};
pub use resume::{ContentRange, Resume, decide as decide_resume, parse_content_range};
pub use schedule::{
    RetrySchedule, Verdict, explain_persistent_404, jittered, judge_status, says_expired,
};
pub use verify::{looks_like, verify_file, with_sniffed_extension};

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use crate::engine::{Attempt, AttemptOutcome, DownloadKey, EngineEvent};
use crate::http::{Call, Direction, Http, Pace};
use crate::providers::ContentRequest;
use crate::providers::error::parse_retry_after;

/// A server asking to wait longer than this is not waited for: the download gives up and says
/// when to try again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);
/// Bytes of the body checked against the media signature.
const HEAD_LEN: usize = 16;

/// One piece of content to fetch.
#[derive(Debug, Clone)]
pub struct DownloadSpec {
    pub key: DownloadKey,
    pub request: ContentRequest,
    pub target: PathBuf,
    /// When the service deletes the content, if known.
    pub expires_at: Option<SystemTime>,
}

/// How the transfer itself behaves; the defaults suit real services.
#[derive(Debug, Clone)]
pub struct DownloadOptions {
    /// An attempt that receives no byte for this long is abandoned (and resumed).
    pub stall_timeout: Duration,
    /// Add ±20 % jitter to the schedule's waits.
    pub jitter: bool,
    /// Progress events are sent at most this often, so a fast transfer cannot flood the UI.
    pub progress_every: Duration,
    /// Received chunks are coalesced into writes of at most this size; whatever has arrived is
    /// handed to the disk writer as soon as the network has nothing more, so a stalled
    /// transfer keeps every received byte in the partial.
    pub write_buffer: usize,
    /// `fdatasync` the file before renaming it into place, so a crash right after "saved"
    /// cannot leave a truncated video under the final name. On Linux, writeback is also started
    /// every few MiB during the transfer (`sync_file_range`), so the final sync has little left
    /// and the transfer runs at the speed of the slower of network and disk, not their sum.
    pub sync: bool,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            stall_timeout: Duration::from_secs(30),
            jitter: true,
            progress_every: Duration::from_millis(250),
            write_buffer: 1 << 20,
            sync: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("download of {url} failed: {why}")]
    GaveUp {
        url: String,
        why: String,
        /// The HTTP status of the last attempt, if one answered.
        last_status: Option<u16>,
    },
    #[error("cannot write {path}: {source}. {hint}", hint = disk_hint(.source))]
    Disk {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("download cancelled; the partial file is kept and the next download resumes it")]
    Cancelled,
}

/// What to do about a disk error, said plainly.
pub fn disk_hint(e: &std::io::Error) -> &'static str {
    if files::is_symlink_refusal(e) {
        return "It is a symbolic link, and following it could overwrite another file: sora-tui refuses. Remove the link (nothing of the download is in it) and download again, or use a download directory only you can write to.";
    }
    match e.kind() {
        std::io::ErrorKind::StorageFull => {
            "The disk is full: free some space, then download again; the bytes received so far are kept in the .partial file and the transfer resumes from there."
        }
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            "Permission denied: choose a download directory you can write to (download.dir or --download-dir)."
        }
        _ => "Check free space and permissions of the download directory.",
    }
}

/// What a finished download produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded {
    pub path: PathBuf,
    pub bytes: u64,
}

/// The headers worth showing in an attempt log: what the body is, how long, which part, which
/// version, when to come back, and the ids a support ticket asks for.
pub fn useful_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    const USEFUL: [&str; 12] = [
        "content-type",
        "content-length",
        "content-range",
        "accept-ranges",
        "etag",
        "last-modified",
        "retry-after",
        "apim-request-id",
        "x-request-id",
        "x-ms-request-id",
        "sb-request-id",
        "openai-processing-ms",
    ];
    USEFUL
        .iter()
        .filter_map(|name| {
            let value = headers.get(*name)?.to_str().ok()?;
            Some(((*name).to_string(), value.chars().take(200).collect()))
        })
        .collect()
}

/// Fetch `spec` with retries on `schedule`, reporting every attempt on `events`.
pub async fn download(
    http: &Http,
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    events: &UnboundedSender<EngineEvent>,
    cancel: &CancellationToken,
) -> Result<Downloaded, DownloadError> {
    download_with(
        http,
        spec,
        schedule,
        &DownloadOptions::default(),
        events,
        cancel,
    )
    .await
}

/// What one attempt saw, filled in as it goes, so a cancelled or failed attempt still reports it.
#[derive(Debug, Default)]
struct Seen {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    request_id: Option<String>,
    /// Body bytes received by this attempt.
    bytes: u64,
    /// The attempt continued a partial of this many bytes.
    resumed_from: Option<u64>,
    /// The attempt's disk writer, awaited even when the attempt is dropped (cancel), so the
    /// partial is closed, and no write lands, after the attempt is over.
    writer: Option<tokio::task::JoinHandle<writer::Written>>,
}

/// [`download`] with explicit transfer options.
pub async fn download_with(
    http: &Http,
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    options: &DownloadOptions,
    events: &UnboundedSender<EngineEvent>,
    cancel: &CancellationToken,
) -> Result<Downloaded, DownloadError> {
    let url_text = spec.request.display_url();
    let mut retries = 0usize;
    loop {
        let number = u32::try_from(retries + 1).unwrap_or(u32::MAX);
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let mut seen = Seen::default();
        let result = tokio::select! {
            r = attempt(http, spec, options, events, &mut seen) => Some(r),
            () = cancel.cancelled() => None,
        };
        if let Some(w) = seen.writer.take() {
            // Cancelled mid-body: the feeder is gone, the writer drains what was handed over.
            let _ = w.await;
        }
        let mut record = Attempt {
            key: spec.key.clone(),
            number,
            method: "GET",
            url: url_text.clone(),
            status: seen.status,
            bytes: seen.bytes,
            started_at,
            duration: clock.elapsed(),
            outcome: AttemptOutcome::GaveUp,
            detail: String::new(),
            next_retry_in: None,
            request_id: seen.request_id.take(),
            headers: std::mem::take(&mut seen.headers),
        };
        let resumed = seen
            .resumed_from
            .map(|n| format!(" (resumed at byte {n})"))
            .unwrap_or_default();
        let Some(result) = result else {
            record.outcome = AttemptOutcome::Cancelled;
            record.detail = format!("cancelled; partial kept for resume{resumed}");
            let _ = events.send(EngineEvent::DownloadAttempt(record));
            return Err(DownloadError::Cancelled);
        };
        let expired_by_clock = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
        let (verdict, retry_after) = match result {
            Ok(done) => {
                record.outcome = AttemptOutcome::Saved;
                record.detail = format!("{} verified{resumed}", done.path.display());
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
                retry_after,
                body,
            }) => {
                let expired = expired_by_clock || (status == 404 && says_expired(&body));
                let mut verdict = judge_status(status, expired);
                let (Verdict::Retry { why } | Verdict::Stop { why }) = &mut verdict;
                if !body.is_empty() {
                    why.push_str(&format!(" (service: {body})"));
                }
                (verdict, retry_after)
            }
            Err(AttemptError::Body(why)) => (
                Verdict::Retry {
                    why: why + &resumed,
                },
                None,
            ),
            Err(AttemptError::Network(why)) => (Verdict::Retry { why }, None),
        };
        let why = match verdict {
            Verdict::Stop { why } => {
                record.detail = why.clone();
                let _ = events.send(EngineEvent::DownloadAttempt(record));
                return Err(DownloadError::GaveUp {
                    url: url_text,
                    why,
                    last_status: seen.status,
                });
            }
            Verdict::Retry { why } => why,
        };
        let give_up = |record: &mut Attempt, final_why: String| {
            record.detail = final_why.clone();
            let _ = events.send(EngineEvent::DownloadAttempt(record.clone()));
            Err(DownloadError::GaveUp {
                url: url_text.clone(),
                why: final_why,
                last_status: seen.status,
            })
        };
        let Some(delay) = schedule.delay(retries) else {
            let final_why = if record.status == Some(404) {
                explain_persistent_404(spec.request.url.path(), expired_by_clock)
            } else {
                format!("{why}; gave up after {number} attempts")
            };
            return give_up(&mut record, final_why);
        };
        let delay = if options.jitter {
            jittered(delay, fastrand::f64())
        } else {
            delay
        };
        // The server's Retry-After wins when it asks for longer than the schedule.
        let delay = match retry_after {
            Some(ra) if ra > MAX_RETRY_AFTER => {
                let final_why = format!(
                    "{why}; the service asks to wait {}s, longer than sora-tui waits: run the download again later",
                    ra.as_secs()
                );
                return give_up(&mut record, final_why);
            }
            Some(ra) => ra.max(delay),
            None => delay,
        };
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
    bytes: u64,
    /// The final path: the target, with the extension the bytes call for.
    path: PathBuf,
}

enum AttemptError {
    /// No HTTP answer: connection refused, reset, DNS, TLS...
    Network(String),
    /// An error status; `body` is a short excerpt of what the service said.
    Http {
        status: u16,
        retry_after: Option<Duration>,
        body: String,
    },
    /// A 2xx whose body was cut short, stalled, or is not the media we asked for.
    Body(String),
    Disk(DownloadError),
}

/// One GET: stream a 2xx body into the partial file (appending when the server continues a
/// partial), verify it, rename it into place.
async fn attempt(
    http: &Http,
    spec: &DownloadSpec,
    options: &DownloadOptions,
    events: &UnboundedSender<EngineEvent>,
    seen: &mut Seen,
) -> Result<AttemptDone, AttemptError> {
    let partial = partial_path(&spec.target);
    let disk = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AttemptError::Disk(DownloadError::Disk { path, source })
    };
    // Resume only what can be checked: a partial with the validator of the answer it came from.
    let saved = saved_state(&spec.target).await;
    let have = match &saved {
        Some(_) => file_len(&partial).await,
        None => 0,
    };
    let mut request = http
        .get(spec.request.url.clone())
        .headers(spec.request.headers.clone());
    if let (Some(s), true) = (&saved, have > 0) {
        request = request
            .header(reqwest::header::RANGE, format!("bytes={have}-"))
            .header(reqwest::header::IF_RANGE, s.validator.as_str());
    }
    let saved_digest = saved.and_then(|s| s.digest);
    // The policy bounds the wait for the answer (time to first byte) and follows redirects; one
    // to another origin (a CDN) carries none of the service's keys.
    let response = http
        .send(request, Call::Transfer)
        .await
        .map_err(|e| AttemptError::Network(e.to_string()))?;
    let status = response.status().as_u16();
    seen.status = Some(status);
    seen.headers = useful_headers(response.headers());
    seen.request_id = crate::http::request_id(response.headers());
    let content_range = crate::http::header_text(response.headers(), "content-range");
    if !response.status().is_success() && status != 416 {
        let retry_after = crate::http::header_text(response.headers(), "retry-after")
            .and_then(|v| parse_retry_after(&v, SystemTime::now()));
        let body = response.error_body().await;
        seen.bytes = body.len() as u64;
        let api = crate::providers::ApiError::from_body(status, &body);
        return Err(AttemptError::Http {
            status,
            retry_after,
            body: http.policy().screen_text(&api.message),
        });
    }
    let decision = resume::decide(
        status,
        content_range.as_deref(),
        response.content_length(),
        have,
    );
    let (file, mut written, total, expected) = match decision {
        resume::Resume::AlreadyComplete => {
            seen.resumed_from = Some(have);
            return verify::finish(spec, have, Some(have), saved_digest.as_ref()).await;
        }
        resume::Resume::Discard { why } => {
            discard_partial(&spec.target).await;
            return Err(AttemptError::Body(format!("{why}; starting over")));
        }
        resume::Resume::Append { total } => {
            seen.resumed_from = Some(have);
            let stated = digest::expected(response.headers(), false);
            if let (Some(before), Some(now)) = (&saved_digest, &stated)
                && before.algorithm == now.algorithm
                && before.value != now.value
            {
                // Same validator, other bytes: appending would make a file of two versions.
                discard_partial(&spec.target).await;
                return Err(AttemptError::Body(format!(
                    "the content changed since the partial was written (its {} checksum differs, though its validator is the same); starting over",
                    now.algorithm.label()
                )));
            }
            let file = tokio::fs::OpenOptions::from(files::private_options())
                .append(true)
                .open(&partial)
                .await
                .map_err(disk(&partial))?;
            (file, have, total, stated.or(saved_digest))
        }
        resume::Resume::StartOver { total } => {
            if let Some(dir) = spec.target.parent() {
                files::create_private_dir(dir).map_err(disk(dir))?;
            }
            let file = tokio::fs::OpenOptions::from(files::private_options())
                .write(true)
                .create(true)
                .truncate(true)
                .open(&partial)
                .await
                .map_err(disk(&partial))?;
            let stated = digest::expected(response.headers(), status == 200);
            // Remember what this partial is a prefix of, for a later `If-Range`, and the
            // checksum of the whole, to check the file a resume completes.
            let validator = resume::validator(response.headers());
            partial::save_state(&spec.target, validator, stated.as_ref())
                .await
                .map_err(|(path, e)| disk(&path)(e))?;
            (file, 0, total, stated)
        }
    };
    let start_len = written;
    let from_start = written == 0;
    let file = file.into_std().await;
    let (mut feeder, handle) = writer::spawn(file, written, options.write_buffer, options.sync);
    seen.writer = Some(handle);
    let mut stream = response.into_inner().bytes_stream();
    // A trickle (a byte every few seconds) never stalls: the minimum rate ends it.
    let mut pace = Pace::new(http.policy(), tokio::time::Instant::now(), 0);
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_LEN);
    let mut head_checked = !from_start;
    let mut last_progress = Instant::now();
    // One stall timer for the whole body, pushed back only when it fires: no timer
    // registration per chunk.
    let stall = tokio::time::sleep(options.stall_timeout);
    tokio::pin!(stall);
    let broken = loop {
        let next: Option<Result<bytes::Bytes, Broke>> =
            match futures_util::FutureExt::now_or_never(stream.next()) {
                Some(next) => next.map(|r| r.map_err(Broke::Http)),
                None => {
                    // The network has nothing right now: hand the gathered bytes to the disk.
                    if feeder.flush().await.is_err() {
                        break None;
                    }
                    let waiting_since = tokio::time::Instant::now();
                    loop {
                        tokio::select! {
                            biased;
                            next = stream.next() => break next.map(|r| r.map_err(Broke::Http)),
                            () = &mut stall => {
                                let quiet_until = waiting_since + options.stall_timeout;
                                if tokio::time::Instant::now() < quiet_until {
                                    stall.as_mut().reset(quiet_until);
                                } else {
                                    break Some(Err(Broke::Stalled));
                                }
                            }
                        }
                    }
                }
            };
        let chunk = match next {
            None => break None,
            Some(Err(Broke::Stalled)) => {
                break Some(format!(
                    "stalled: no byte for {}s after {written} bytes",
                    options.stall_timeout.as_secs_f64()
                ));
            }
            Some(Err(Broke::Http(e))) => {
                break Some(format!(
                    "connection broke after {written} bytes: {}",
                    crate::http::error_chain(&e.without_url())
                ));
            }
            Some(Ok(c)) => c,
        };
        if !head_checked {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() >= HEAD_LEN {
                head_checked = true;
                if !looks_like(spec.key.variant, &head) {
                    drop(feeder);
                    if let Some(w) = seen.writer.take() {
                        let _ = w.await;
                    }
                    discard_partial(&spec.target).await;
                    return Err(verify::not_media(spec, &head, &seen.headers));
                }
            }
        }
        let len = chunk.len() as u64;
        if feeder.push(chunk).await.is_err() {
            break None;
        }
        written += len;
        seen.bytes += len;
        let now = tokio::time::Instant::now();
        if let Err(slow) = pace.check(now, seen.bytes, Direction::Answer) {
            break Some(format!("{slow}; {written} bytes so far"));
        }
        if last_progress.elapsed() >= options.progress_every {
            last_progress = Instant::now();
            let _ = events.send(EngineEvent::DownloadProgress {
                key: spec.key.clone(),
                bytes: written,
                total,
            });
        }
    };
    // Whatever arrived stays on disk, so the next attempt continues from it.
    let _ = feeder.flush().await;
    drop(feeder);
    let done = match seen.writer.take() {
        Some(w) => w.await.map_err(|e| std::io::Error::other(e.to_string())),
        None => Err(std::io::Error::other("the disk writer is gone")),
    };
    let done = done.map_err(disk(&partial))?;
    if let Some(e) = done.error {
        return Err(disk(&partial)(e));
    }
    let on_disk = start_len + done.bytes;
    if let Some(why) = broken {
        return Err(AttemptError::Body(why));
    }
    if options.sync {
        // fdatasync: the data and the size; writeback already ran during the transfer.
        let file = done.file;
        tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|r| r)
            .map_err(disk(&partial))?;
    } else {
        drop(done.file);
    }
    verify::finish(spec, on_disk, total, expected.as_ref()).await
}

/// Why the body stopped before its end.
enum Broke {
    Stalled,
    Http(reqwest::Error),
}
