//! What the job details overlay says about one job, as plain rows (label, text, tone, and the
//! URL a row shows): built here so that the overlay draws them and a click on one of them is
//! resolved against the same rows (a click on a URL copies it). Nothing is cut; signed URLs
//! never show their query.

use std::time::SystemTime;

use super::{App, JobEnd, JobRow, LogEntry, UploadState};
use sora_core::engine::JobKey;
use sora_core::present;

/// How a row reads; the theme gives each its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Text,
    Dim,
    Accent,
    Ok,
    Error,
    Warning,
    Title,
}

/// One logical row of the details: a label (may be empty), its text as shown (control
/// characters made visible), and the URL it shows, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailRow {
    pub label: String,
    pub text: String,
    pub tone: Tone,
    pub url: Option<String>,
}

impl DetailRow {
    fn new(label: impl Into<String>, text: impl AsRef<str>, tone: Tone) -> Self {
        Self {
            label: label.into(),
            text: sora_core::text::one_line(text.as_ref()).into_owned(),
            tone,
            url: None,
        }
    }

    /// A line of its own across the whole width (a heading, a blank).
    fn full(text: impl AsRef<str>, tone: Tone) -> Self {
        Self::new("", text, tone)
    }

    fn with_url(mut self, url: Option<String>) -> Self {
        self.url = url;
        self
    }
}

impl App {
    /// The details rows of the job `key`, or None when it is no longer listed.
    pub fn details_rows(&self, key: JobKey) -> Option<Vec<DetailRow>> {
        Some(rows_of(self, self.jobs.row(key)?))
    }
}

/// The rows of `row`'s details, top to bottom.
fn rows_of(app: &App, row: &JobRow) -> Vec<DetailRow> {
    let none = |text: &str| DetailRow::new("", text, Tone::Dim);
    let mut rows = vec![DetailRow::new("prompt", &row.prompt, Tone::Text)];
    if row.prompt.is_empty() {
        rows.pop();
    }
    rows.push(DetailRow::new(
        "state",
        state_text(row, app.now()),
        match &row.end {
            Some(JobEnd::Completed { ok: true }) => Tone::Ok,
            Some(_) => Tone::Error,
            None => Tone::Accent,
        },
    ));
    rows.push(DetailRow::new(
        "job id",
        row.job_id
            .as_deref()
            .unwrap_or("(not created on the service yet)"),
        Tone::Accent,
    ));
    rows.push(DetailRow::new(
        "journal id",
        row.journal_id.as_deref().unwrap_or("(not in the journal)"),
        Tone::Text,
    ));
    let outputs = output_ids(app, row.key);
    if !outputs.is_empty() {
        rows.push(DetailRow::new("outputs", outputs.join(", "), Tone::Text));
    }
    let requests = request_ids(app, row);
    if !requests.is_empty() {
        rows.push(DetailRow::new(
            "request ids",
            requests.join(", "),
            Tone::Text,
        ));
    }
    if let Some(service) = &row.service {
        rows.push(DetailRow::new("service", service, Tone::Text));
    }
    if let Some(params) = &row.params {
        rows.push(DetailRow::new("parameters", params, Tone::Text));
    }
    rows.push(DetailRow::new(
        "estimate",
        row.estimate.as_deref().unwrap_or("(none before sending)"),
        Tone::Accent,
    ));
    for note in &row.notes {
        // Runway's cost (estimated, then charged), fal's queue position and logs.
        rows.push(DetailRow::new("service said", note, Tone::Text));
    }

    rows.push(DetailRow::full("", Tone::Text));
    rows.push(DetailRow::full("Statuses", Tone::Title));
    if let Some(at) = row.submitted_at {
        rows.push(DetailRow::new(stamp(at), "submitted", Tone::Dim));
    }
    if row.steps.is_empty() {
        rows.push(none("  (no status from the service yet)"));
    }
    for step in &row.steps {
        let offset = row
            .offset(step.at)
            .map_or_else(String::new, |d| format!("+{} ", present::duration(d)));
        let style = if step.status.is_terminal()
            && step.status != sora_core::providers::JobStatus::Succeeded
        {
            Tone::Error
        } else {
            Tone::Text
        };
        rows.push(DetailRow::new(
            stamp(step.at),
            format!("{offset}{}", step.text),
            style,
        ));
    }
    for retry in &row.retries {
        rows.push(DetailRow::new(
            stamp(retry.at),
            format!("⟳ {}", retry.describe()),
            Tone::Warning,
        ));
    }
    if let Some(at) = row.ended_at {
        rows.push(DetailRow::new(stamp(at), "ended", Tone::Dim));
    }
    if let Some(JobEnd::Failed { message }) = &row.end {
        rows.push(DetailRow::full("", Tone::Text));
        rows.push(DetailRow::full("Failure", Tone::Title));
        rows.push(DetailRow::full(message, Tone::Error));
    }
    if let Some(error) = &row.last_error {
        rows.push(DetailRow::new("last error", error, Tone::Error));
    }

    rows.push(DetailRow::full("", Tone::Text));
    rows.push(DetailRow::full("Files", Tone::Title));
    if row.files.is_empty() {
        rows.push(none("  (nothing saved yet)"));
    }
    for file in &row.files {
        rows.push(DetailRow::new(
            file.variant.label(),
            format!("{} ({})", file.path.display(), present::bytes(file.bytes)),
            Tone::Text,
        ));
        let (upload, style, url) = match &file.upload {
            UploadState::NotUploaded => ("not uploaded".to_string(), Tone::Dim, None),
            UploadState::Uploading => ("uploading…".to_string(), Tone::Accent, None),
            UploadState::Uploaded {
                bucket,
                object_path,
                public_url,
            } => match public_url.as_deref().map(masked) {
                Some(url) => (
                    format!("stored {bucket}/{object_path} · {url}"),
                    Tone::Ok,
                    Some(url),
                ),
                None => (
                    format!("stored {bucket}/{object_path} (private bucket)"),
                    Tone::Ok,
                    None,
                ),
            },
            UploadState::Failed(why) => (format!("upload failed: {why}"), Tone::Error, None),
        };
        rows.push(DetailRow::new("upload", upload, style).with_url(url));
    }
    let urls = content_urls(app, row.key);
    if !urls.is_empty() {
        rows.push(DetailRow::full("", Tone::Text));
        let heading = if urls.iter().any(|(_, whole)| !whole) {
            "Content URLs (secrets removed: a click copies only a URL that had none)"
        } else {
            "Content URLs (a click copies one)"
        };
        rows.push(DetailRow::full(heading, Tone::Title));
        for (url, whole) in urls {
            // A URL without its signature would not open: copying it would only mislead.
            let copy = whole.then(|| url.clone());
            rows.push(DetailRow::full(&url, Tone::Text).with_url(copy));
        }
    }
    if row.end.is_none()
        && let Some(expires) = app.downloads().expiry_of(row.key)
    {
        rows.push(DetailRow::new(
            "content expires",
            sora_core::text::utc_time(expires),
            Tone::Dim,
        ));
    }
    rows
}

fn state_text(row: &JobRow, now: SystemTime) -> String {
    let elapsed = row
        .elapsed(now)
        .map_or_else(String::new, |d| format!(" after {}", present::duration(d)));
    match &row.end {
        None => format!("running{elapsed}"),
        Some(JobEnd::Completed { ok: true }) => format!("done{elapsed}"),
        Some(JobEnd::Completed { ok: false }) => format!("finished with errors{elapsed}"),
        Some(JobEnd::Failed { .. }) => format!("failed{elapsed}"),
    }
}

/// `12:00:04Z`-style full time of day, with the date: `2026-05-01 12:00:04`.
fn stamp(at: SystemTime) -> String {
    sora_core::text::utc_time(at)
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_string()
}

/// The service's ids of the job's outputs (Sora generations, variants), as downloads name them.
fn output_ids(app: &App, job: JobKey) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for entry in &app.downloads().entries {
        let key = match entry {
            LogEntry::Attempt { key, .. }
            | LogEntry::Saved { key, .. }
            | LogEntry::DownloadFailed { key, .. } => key,
            _ => continue,
        };
        if key.job == job && !ids.contains(&key.output_id) {
            ids.push(key.output_id.clone());
        }
    }
    ids
}

/// Every request id the services attached to an answer about this job, with where it came from.
fn request_ids(app: &App, row: &JobRow) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    let mut add = |id: String| {
        if !ids.contains(&id) {
            ids.push(id);
        }
    };
    for retry in &row.retries {
        if let Some(id) = &retry.request_id {
            add(format!(
                "{id} ({} retry {})",
                retry.step.label(),
                retry.retry
            ));
        }
    }
    for entry in &app.downloads().entries {
        if let LogEntry::Attempt { key, attempt, .. } = entry
            && key.job == row.key
            && let Some(id) = &attempt.request_id
        {
            add(format!("{id} (download attempt {})", attempt.number));
        }
    }
    ids
}

/// The URLs the job's content was fetched from, without any secret, each with whether it is
/// whole (had no secret to remove).
fn content_urls(app: &App, job: JobKey) -> Vec<(String, bool)> {
    let mut urls: Vec<(String, bool)> = Vec::new();
    for entry in &app.downloads().entries {
        if let LogEntry::Attempt { key, attempt, .. } = entry
            && key.job == job
        {
            let url = masked(&attempt.url);
            if !urls.iter().any(|(u, _)| *u == url) {
                // Removed parts read `***` (`sig=***`, `user:***@`).
                let whole = !url.contains("=***") && !url.contains(":***@");
                urls.push((url, whole));
            }
        }
    }
    urls
}

/// A URL with its credentials and signature removed (`sig=***`), as everywhere else.
fn masked(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => sora_core::http::redact_url(&parsed),
        Err(_) => sora_core::text::one_line(url).into_owned(),
    }
}
