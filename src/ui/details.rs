//! The job details overlay: everything the dashboard knows about one job, in full — ids,
//! request ids, every status with its time, retries, the failure reason, files, URLs, cost.
//! Nothing is cut: long text wraps and the overlay scrolls. Signed URLs never show their query.

use std::time::SystemTime;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Clear, Paragraph};

use super::format;
use super::wrap::{Row, wrap_rows};
use super::{Theme, panel};
use crate::app::preview::{PREVIEW_COLS, PREVIEW_ROWS, Preview};
use crate::app::{App, JobEnd, JobRow, LogEntry, Scroll, UploadState};
use sora_core::engine::JobKey;

/// Where the reading overlays go: everything between the header and the notice bar, so the
/// notice and the keys stay visible.
pub fn overlay_area(area: Rect) -> Rect {
    let width = area.width.min(120);
    let x = area.x + (area.width - width) / 2;
    Rect::new(x, area.y + 1, width, area.height.saturating_sub(3))
}

/// Below this inner width the details view's text keeps the whole width: no thumbnail.
const MIN_WIDTH_WITH_PREVIEW: u16 = 64;

/// A bordered, scrolled view of `rows` over `area`; the title says where the view stands.
/// Returns the first line shown at the view's end (see `ScrollLimits`).
pub fn render_reading(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    render_reading_beside(title, rows, scroll, None, (theme, frame, area))
}

/// [`render_reading`] with a picture at the top right and the text wrapped beside it, where
/// the view is wide and tall enough (`draw` false: its room only). The picture stays put while
/// the text scrolls.
fn render_reading_beside(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    picture: Option<(&Preview, bool)>,
    (theme, frame, area): (&Theme, &mut Frame, Rect),
) -> u16 {
    let popup = overlay_area(area);
    frame.render_widget(Clear, popup);
    let inner = panel("", true, theme).inner(popup);
    let Some((preview, draw)) =
        picture.filter(|_| inner.width >= MIN_WIDTH_WITH_PREVIEW && inner.height >= PREVIEW_ROWS)
    else {
        return render_rows(title, rows, scroll, theme, frame, (popup, inner));
    };
    let [text, beside] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(PREVIEW_COLS)])
            .spacing(1)
            .areas(inner);
    let last = render_rows(title, rows, scroll, theme, frame, (popup, text));
    if draw {
        let beside = Rect {
            height: PREVIEW_ROWS,
            ..beside
        };
        frame.render_widget(ratatui_image::Image::new(&preview.0), beside);
    }
    last
}

/// The wrapped, scrolled rows in `inner`, and the popup's border with the title and place.
fn render_rows(
    title: &str,
    rows: &[Row],
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    (popup, inner): (Rect, Rect),
) -> u16 {
    let block = panel("", true, theme);
    let lines = wrap_rows(rows, inner.width, theme.dim);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let offset = scroll.offset(total, inner.height);
    let place = if total > inner.height {
        format!(
            " lines {}–{} of {total} · ↑/↓ PgUp/PgDn Home/End",
            offset + 1,
            (offset + inner.height).min(total)
        )
    } else {
        String::new()
    };
    let block = block.title(format!(" {title}{place} · Esc closes "));
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), inner);
    total.saturating_sub(inner.height)
}

pub fn render_details(
    app: &App,
    job: JobKey,
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let row = app.jobs().rows.iter().find(|r| r.key == job);
    let rows = match row {
        Some(row) => details_rows(app, row, theme),
        None => vec![Row::full("This job is no longer listed.", theme.dim)],
    };
    // The thumbnail's room is kept under a question or the help; a terminal's picture (drawn
    // over the cells) is left out there, as in the jobs panel.
    let covered = app.modal().is_some() || app.help_visible();
    let picture = row
        .and_then(|r| r.preview.as_ref())
        .map(|p| (p, !(covered && p.is_graphics())));
    render_reading_beside(
        &format!("Job {job} — details"),
        &rows,
        scroll,
        picture,
        (theme, frame, area),
    )
}

fn details_rows(app: &App, row: &JobRow, theme: &Theme) -> Vec<Row> {
    let none = |text: &str| Row::new("", text, theme.dim);
    let mut rows = vec![Row::new("prompt", &row.prompt, theme.text)];
    if row.prompt.is_empty() {
        rows.pop();
    }
    rows.push(Row::new(
        "state",
        state_text(row, app.now()),
        match &row.end {
            Some(JobEnd::Completed { ok: true }) => theme.ok,
            Some(_) => theme.error,
            None => theme.accent,
        },
    ));
    rows.push(Row::new(
        "job id",
        row.job_id
            .as_deref()
            .unwrap_or("(not created on the service yet)"),
        theme.accent,
    ));
    rows.push(Row::new(
        "journal id",
        row.journal_id.as_deref().unwrap_or("(not in the journal)"),
        theme.text,
    ));
    let outputs = output_ids(app, row.key);
    if !outputs.is_empty() {
        rows.push(Row::new("outputs", outputs.join(", "), theme.text));
    }
    let requests = request_ids(app, row);
    if !requests.is_empty() {
        rows.push(Row::new("request ids", requests.join(", "), theme.text));
    }
    if let Some(service) = &row.service {
        rows.push(Row::new("service", service, theme.text));
    }
    if let Some(params) = &row.params {
        rows.push(Row::new("parameters", params, theme.text));
    }
    rows.push(Row::new(
        "estimate",
        row.estimate.as_deref().unwrap_or("(none before sending)"),
        theme.accent,
    ));
    for note in &row.notes {
        // Runway's cost (estimated, then charged), fal's queue position and logs.
        rows.push(Row::new("service said", note, theme.text));
    }

    rows.push(Row::full("", theme.text));
    rows.push(Row::full("Statuses", theme.title));
    if let Some(at) = row.submitted_at {
        rows.push(Row::new(stamp(at), "submitted", theme.dim));
    }
    if row.steps.is_empty() {
        rows.push(none("  (no status from the service yet)"));
    }
    for step in &row.steps {
        let offset = row
            .offset(step.at)
            .map_or_else(String::new, |d| format!("+{} ", format::duration(d)));
        let style = if step.status.is_terminal()
            && step.status != sora_core::providers::JobStatus::Succeeded
        {
            theme.error
        } else {
            theme.text
        };
        rows.push(Row::new(
            stamp(step.at),
            format!("{offset}{}", step.text),
            style,
        ));
    }
    for retry in &row.retries {
        rows.push(Row::new(
            stamp(retry.at),
            format!("⟳ {}", retry.describe()),
            theme.warning,
        ));
    }
    if let Some(at) = row.ended_at {
        rows.push(Row::new(stamp(at), "ended", theme.dim));
    }
    if let Some(JobEnd::Failed { message }) = &row.end {
        rows.push(Row::full("", theme.text));
        rows.push(Row::full("Failure", theme.title));
        rows.push(Row::full(message, theme.error));
    }
    if let Some(error) = &row.last_error {
        rows.push(Row::new("last error", error, theme.error));
    }

    rows.push(Row::full("", theme.text));
    rows.push(Row::full("Files", theme.title));
    if row.files.is_empty() {
        rows.push(none("  (nothing saved yet)"));
    }
    for file in &row.files {
        rows.push(Row::new(
            file.variant.label(),
            format!("{} ({})", file.path.display(), format::bytes(file.bytes)),
            theme.text,
        ));
        let (upload, style) = match &file.upload {
            UploadState::NotUploaded => ("not uploaded".to_string(), theme.dim),
            UploadState::Uploading => ("uploading…".to_string(), theme.accent),
            UploadState::Uploaded {
                bucket,
                object_path,
                public_url,
            } => (
                match public_url {
                    Some(url) => format!("stored {bucket}/{object_path} · {}", masked(url)),
                    None => format!("stored {bucket}/{object_path} (private bucket)"),
                },
                theme.ok,
            ),
            UploadState::Failed(why) => (format!("upload failed: {why}"), theme.error),
        };
        rows.push(Row::new("upload", upload, style));
    }
    let urls = content_urls(app, row.key);
    if !urls.is_empty() {
        rows.push(Row::full("", theme.text));
        rows.push(Row::full("Content URLs (secrets removed)", theme.title));
        for url in urls {
            rows.push(Row::full(url, theme.text));
        }
    }
    if row.end.is_none()
        && let Some(expires) = app.downloads().expiry_of(row.key)
    {
        rows.push(Row::new(
            "content expires",
            sora_core::text::utc_time(expires),
            theme.dim,
        ));
    }
    rows
}

fn state_text(row: &JobRow, now: SystemTime) -> String {
    let elapsed = row
        .elapsed(now)
        .map_or_else(String::new, |d| format!(" after {}", format::duration(d)));
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

/// The URLs the job's content was fetched from, without any secret.
fn content_urls(app: &App, job: JobKey) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    for entry in &app.downloads().entries {
        if let LogEntry::Attempt { key, attempt, .. } = entry
            && key.job == job
        {
            let url = masked(&attempt.url);
            if !urls.contains(&url) {
                urls.push(url);
            }
        }
    }
    urls
}

/// A URL with its credentials and signature removed (`sig=***`), as everywhere else.
fn masked(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => sora_core::http::redact_url(&parsed),
        Err(_) => format::shown(url),
    }
}
