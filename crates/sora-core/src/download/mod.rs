//! The download engine: fetches one piece of content to disk, retrying what time can fix,
//! reporting every attempt, and never leaving a partial file at the final path.
//!
//! The body streams to `<target>.partial` beside the target (same filesystem, so the final
//! `rename` is atomic) and is renamed only once it is complete and verified (see [`verify`]).
//! Partials are opened without following symbolic links, and created 0600 (see [`files`]).
//!
//! The engine speaks only its own vocabulary ([`report`]): whoever asks for a download hands it
//! a sink for the reports and files them under a key of its own. `retry` is the loop (verdicts,
//! schedule, `Retry-After`), `attempt` one GET, `body` the streaming pump, `partial` what is
//! kept beside a partial, `verify` the checks before the rename.

mod attempt;
mod body;
pub mod diagnose;
pub mod digest;
pub mod files;
pub mod mp4;
mod partial;
pub mod report;
mod resume;
mod retry;
mod schedule;
mod verify;
mod writer;

pub use diagnose::{diagnostic_urls, find_url_fields};
pub use partial::partial_path;
use partial::{discard_partial, validator_path};
pub use report::{Attempt, AttemptOutcome, Report, Sink, Throttle};
pub use resume::{ContentRange, Resume, decide as decide_resume, parse_content_range};
pub use schedule::{
    RetrySchedule, Verdict, capped_retry_after, explain_persistent_404, jittered, judge_status,
    says_expired,
};
pub use verify::{looks_like, verify_file, with_sniffed_extension};

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use tokio_util::sync::CancellationToken;

use crate::http::Http;
use crate::providers::{ContentRequest, ContentVariant};

/// A server asking to wait longer than this is not waited for: the download gives up and says
/// when to try again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);
/// Bytes of the body checked against the media signature.
const HEAD_LEN: usize = 16;

/// What the body must be before it gets its final name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A rendition from a video service: its first bytes and its structure are checked (an error
    /// page served as 200 is not saved), and an image is named for its real type.
    Media(ContentVariant),
    /// Any file (a bucket object): its length, and the checksum the server states, are checked.
    Anything,
}

/// One piece of content to fetch.
#[derive(Debug, Clone)]
pub struct DownloadSpec {
    pub request: ContentRequest,
    pub target: PathBuf,
    pub expect: Expect,
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
    /// Progress is reported at most this often, so a fast transfer cannot flood a front end.
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
        /// The body of the last attempt's error answer (capped), for a caller that reads its
        /// service's own error format; empty when none.
        last_body: Vec<u8>,
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

/// Fetch `spec`, retrying on `schedule` what may succeed later, handing every attempt and the
/// progress to `report`. `cancel` stops it at once; the partial is kept for a later resume.
pub async fn download(
    http: &Http,
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    options: &DownloadOptions,
    report: Sink<'_>,
    cancel: &CancellationToken,
) -> Result<Downloaded, DownloadError> {
    retry::run(http, spec, schedule, options, report, cancel).await
}
