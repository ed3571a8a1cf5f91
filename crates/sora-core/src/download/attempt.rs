//! One GET: resume a checked partial (`Range` + `If-Range`) or start over, classify the answer
//! (an error status with a short excerpt of what the service said), open the partial, and hand
//! the body to the pump; the file is verified and renamed once complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::partial::{self, discard_partial, file_len, saved_state};
use super::{
    DownloadError, DownloadOptions, DownloadSpec, Report, Sink, body, digest, files, partial_path,
    resume, useful_headers, verify, writer,
};
use crate::http::{Call, Http};
use crate::providers::error::parse_retry_after;

/// What one attempt saw, filled in as it goes, so a cancelled or failed attempt still reports it.
#[derive(Debug, Default)]
pub(super) struct Seen {
    pub(super) status: Option<u16>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) request_id: Option<String>,
    /// Body bytes received by this attempt.
    pub(super) bytes: u64,
    /// The attempt continued a partial of this many bytes.
    pub(super) resumed_from: Option<u64>,
    /// The attempt's disk writer, awaited even when the attempt is dropped (cancel), so the
    /// partial is closed, and no write lands, after the attempt is over.
    pub(super) writer: Option<tokio::task::JoinHandle<writer::Written>>,
}

pub(super) struct AttemptDone {
    pub(super) bytes: u64,
    /// The final path: the target, with the extension the bytes call for.
    pub(super) path: PathBuf,
}

pub(super) enum AttemptError {
    /// No HTTP answer: connection refused, reset, DNS, TLS...
    Network(String),
    /// An error status; `body` is a short excerpt of what the service said.
    Http {
        status: u16,
        retry_after: Option<Duration>,
        body: String,
        /// The answer's body as it came (capped by the policy).
        raw: Vec<u8>,
    },
    /// A 2xx whose body was cut short, stalled, or is not the media we asked for.
    Body(String),
    Disk(DownloadError),
}

/// One GET: stream a 2xx body into the partial file (appending when the server continues a
/// partial), verify it, rename it into place.
pub(super) async fn run(
    http: &Http,
    spec: &DownloadSpec,
    options: &DownloadOptions,
    report: Sink<'_>,
    seen: &mut Seen,
) -> Result<AttemptDone, AttemptError> {
    // Resume only what can be checked: a partial with the validator of the answer it came from.
    let saved = saved_state(&spec.target).await;
    let have = match &saved {
        Some(_) => file_len(&partial_path(&spec.target)).await,
        None => 0,
    };
    // The policy bounds the wait for the answer (time to first byte) and follows redirects; one
    // to another origin (a CDN) carries none of the service's keys.
    let response = http
        .send(request(http, spec, saved.as_ref(), have), Call::Transfer)
        .await
        .map_err(|e| AttemptError::Network(e.to_string()))?;
    let status = response.status().as_u16();
    seen.status = Some(status);
    seen.headers = useful_headers(response.headers());
    seen.request_id = crate::http::request_id(response.headers());
    if !response.status().is_success() && status != 416 {
        return Err(error_answer(http, response, status, seen).await);
    }
    let saved_digest = saved.and_then(|s| s.digest);
    let content_range = crate::http::header_text(response.headers(), "content-range");
    let decision = resume::decide(
        status,
        content_range.as_deref(),
        response.content_length(),
        have,
    );
    let (file, written, total, expected) = match decision {
        resume::Resume::AlreadyComplete => {
            seen.resumed_from = Some(have);
            report(Report::Verifying { bytes: have });
            return verify::finish(spec, have, Some(have), saved_digest.as_ref()).await;
        }
        resume::Resume::Discard { why } => {
            discard_partial(&spec.target).await;
            return Err(AttemptError::Body(format!("{why}; starting over")));
        }
        resume::Resume::Append { total } => {
            seen.resumed_from = Some(have);
            let (file, expected) = append(spec, response.headers(), saved_digest).await?;
            (file, have, total, expected)
        }
        resume::Resume::StartOver { total } => {
            let (file, expected) = start_over(spec, response.headers(), status).await?;
            (file, 0, total, expected)
        }
    };
    let on_disk = body::pump(
        http,
        spec,
        options,
        report,
        (response, file, written, total),
        seen,
    )
    .await?;
    report(Report::Verifying { bytes: on_disk });
    verify::finish(spec, on_disk, total, expected.as_ref()).await
}

/// The GET, continuing the partial (`Range` from `have`, `If-Range` its validator) when there
/// is one to continue.
fn request(
    http: &Http,
    spec: &DownloadSpec,
    saved: Option<&partial::Saved>,
    have: u64,
) -> reqwest::RequestBuilder {
    let request = http
        .get(spec.request.url.clone())
        .headers(spec.request.headers.clone());
    match saved {
        Some(s) if have > 0 => request
            .header(reqwest::header::RANGE, format!("bytes={have}-"))
            .header(reqwest::header::IF_RANGE, s.validator.as_str()),
        _ => request,
    }
}

/// An error status: a short excerpt of what the service said, and when to come back.
async fn error_answer(
    http: &Http,
    response: crate::http::Response,
    status: u16,
    seen: &mut Seen,
) -> AttemptError {
    let retry_after = crate::http::header_text(response.headers(), "retry-after")
        .and_then(|v| parse_retry_after(&v, SystemTime::now()));
    let body = response.error_body().await;
    seen.bytes = body.len() as u64;
    let api = crate::providers::ApiError::from_body(status, &body);
    AttemptError::Http {
        status,
        retry_after,
        body: http.policy().screen_text(&api.message),
        raw: body.to_vec(),
    }
}

fn disk(path: &Path) -> impl FnOnce(std::io::Error) -> AttemptError + use<> {
    let path = path.to_path_buf();
    move |source| AttemptError::Disk(DownloadError::Disk { path, source })
}

/// The server continues the partial: open it to append, unless the checksum it states now
/// differs from the one the partial was started under (then start over).
async fn append(
    spec: &DownloadSpec,
    headers: &reqwest::header::HeaderMap,
    saved_digest: Option<digest::Expected>,
) -> Result<(tokio::fs::File, Option<digest::Expected>), AttemptError> {
    let stated = digest::expected(headers, false);
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
    let partial = partial_path(&spec.target);
    let file = tokio::fs::OpenOptions::from(files::private_options())
        .append(true)
        .open(&partial)
        .await
        .map_err(disk(&partial))?;
    Ok((file, stated.or(saved_digest)))
}

/// A fresh partial (the directory made private if missing), with what it is a prefix of saved
/// beside it: the validator, for a later `If-Range`, and the checksum of the whole, to check the
/// file a resume completes.
async fn start_over(
    spec: &DownloadSpec,
    headers: &reqwest::header::HeaderMap,
    status: u16,
) -> Result<(tokio::fs::File, Option<digest::Expected>), AttemptError> {
    if let Some(dir) = spec.target.parent() {
        files::create_private_dir(dir).map_err(disk(dir))?;
    }
    let partial = partial_path(&spec.target);
    let file = tokio::fs::OpenOptions::from(files::private_options())
        .write(true)
        .create(true)
        .truncate(true)
        .open(&partial)
        .await
        .map_err(disk(&partial))?;
    let stated = digest::expected(headers, status == 200);
    partial::save_state(&spec.target, resume::validator(headers), stated.as_ref())
        .await
        .map_err(|(path, e)| disk(&path)(e))?;
    Ok((file, stated))
}
