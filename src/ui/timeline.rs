//! The jobs timeline: two lines per job, only the jobs that fit are built.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use std::time::SystemTime;

use super::{Theme, filter, fit, format, panel};
use crate::app::layout::{self, LINES_PER_JOB};
use crate::app::preview::PREVIEW_COLS;
use crate::app::{App, JobEnd, JobRow, StatusStep, UploadState};
use sora_core::engine::Retry;
use sora_core::providers::JobStatus;

const PROMPT_CHARS: usize = 32;
/// Fewer characters of the prompt than this say nothing: the prompt is left out instead.
const MIN_PROMPT_CHARS: usize = 8;
/// A job id in a panel too narrow for all of it: its start and its tail.
const ID_CHARS_NARROW: usize = 14;

/// Below this inner width the thumbnail would crowd out the status chain: it is left out.
const MIN_WIDTH_WITH_PREVIEW: u16 = 100;

pub fn render_timeline(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    let jobs = app.jobs();
    let shown = jobs.visible();
    let title = filter::title("Jobs", &jobs.filter, shown.len(), jobs.rows.len());
    let block = panel(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if jobs.rows.is_empty() && app.settings().no_service.is_some() {
        frame.render_widget(Paragraph::new(no_service_lines(theme)), inner);
        return;
    }
    if jobs.rows.is_empty() {
        let mut lines = vec![Line::styled(
            "No job yet: type a prompt and press Enter.",
            theme.dim,
        )];
        if !app.settings().fault_tags.is_empty() {
            lines.push(Line::styled(
                "The simulator injects a fault when the prompt holds one of these tags:",
                theme.dim,
            ));
            for (tag, what) in &app.settings().fault_tags {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {tag:<13}"), theme.key),
                    Span::styled(what.clone(), theme.dim),
                ]));
            }
        }
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    if shown.is_empty() {
        frame.render_widget(filter::no_match(app, "jobs", &jobs.filter, theme), inner);
        return;
    }
    // The selected job's thumbnail, at the right, where the panel is wide enough for it.
    let inner = match jobs.selected_row().and_then(|r| r.preview.as_ref()) {
        Some(preview) if inner.width >= MIN_WIDTH_WITH_PREVIEW => {
            let [list, picture] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(PREVIEW_COLS)])
                    .spacing(1)
                    .areas(inner);
            // Under an overlay, a terminal's picture is left out (its room kept): the terminal
            // draws it over the cells, so it could show through the overlay.
            let covered = app.overlay().is_some() || app.modal().is_some() || app.help_visible();
            if !(covered && preview.is_graphics()) {
                // In a panel shorter than the picture, its top rather than nothing.
                frame.render_widget(
                    ratatui_image::Image::new(&preview.0).allow_clipping(true),
                    picture,
                );
            }
            list
        }
        _ => inner,
    };
    let list_width = inner.width;
    // The selected job's details (service, cost, queue, logs) take a line of their own.
    let details = jobs.selected_row().and_then(|row| details_line(row, theme));
    // Scroll just enough to keep the selection on screen (a click resolves with the same).
    let window = layout::jobs_window(jobs, usize::from(inner.height));
    let mut lines = Vec::with_capacity(window.len() * LINES_PER_JOB + 1);
    let mut details = details;
    let selected_index = jobs.selected_index();
    for (index, row) in window
        .into_iter()
        .filter_map(|i| Some((i, jobs.rows.get(i)?)))
    {
        let selected = Some(index) == selected_index;
        let [summary, steps] = job_lines(app, row, theme, usize::from(list_width));
        let style = if selected && focused {
            theme.selected
        } else {
            theme.text
        };
        lines.push(summary.style(style));
        lines.push(steps.style(style));
        if selected && let Some(details) = details.take() {
            lines.push(details);
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A job's two lines in `width` columns: the summary gives up prompt text (then id characters)
/// before its outcome, the status chain its oldest entries before the newest.
fn job_lines<'a>(app: &App, row: &JobRow, theme: &Theme, width: usize) -> [Line<'a>; 2] {
    let now = app.now();
    let (mark, mark_style) = match &row.end {
        None => (format::spinner(now), theme.accent),
        Some(JobEnd::Completed { ok: true }) => ("✓", theme.ok),
        Some(_) => ("✗", theme.error),
    };
    let elapsed = row
        .elapsed(now)
        .map_or_else(|| "—".to_string(), format::duration);
    // No id: still being created, or the create was refused (nothing was made).
    let job_id = row.job_id.clone().unwrap_or_else(|| {
        if row.end.is_some() {
            "not created"
        } else {
            "creating…"
        }
        .to_string()
    });
    let mut summary = vec![
        Span::styled(format!("{mark} "), mark_style),
        Span::styled(format!("{} ", row.key), theme.key),
        Span::styled(format!("{elapsed:>7}  "), theme.text),
    ];
    let mut id = Span::styled(
        format!("{}  ", format::truncate_end(&job_id, 24)),
        theme.dim,
    );
    let mut service = row.service.as_ref().map(|service| {
        Span::styled(
            format!("{}  ", format::shown(&short_service(service))),
            theme.accent,
        )
    });
    let mut tail = Vec::new();
    if row.listed {
        tail.push(Span::styled("from the service's list  ", theme.dim));
    }
    tail.extend(outcome(row, theme));
    let fixed = fit::width(&summary) + fit::width(&tail);
    let used = |id: &Span, service: &Option<Span>| {
        fixed + id.width() + service.as_ref().map_or(0, Span::width)
    };
    if used(&id, &service) > width {
        // A narrow panel: the id's tail is what tells jobs apart.
        id = Span::styled(
            format!("{}  ", format::truncate_middle(&job_id, ID_CHARS_NARROW)),
            theme.dim,
        );
    }
    // Jobs this screen did not start (reported by the engine first) may have no prompt. The
    // prompt takes what room is left; the details view has it whole. Where it would be left a
    // stub, the service gives way (the selected job's details line names it).
    if !row.prompt.is_empty()
        && width.saturating_sub(used(&id, &service)).saturating_sub(4) < PROMPT_CHARS / 2
    {
        service = None;
    }
    let room = width.saturating_sub(used(&id, &service));
    summary.push(id);
    summary.extend(service);
    let quoted = PROMPT_CHARS.min(room.saturating_sub(4));
    if !row.prompt.is_empty() && quoted >= MIN_PROMPT_CHARS {
        summary.push(Span::styled(
            format!("\"{}\"  ", format::truncate_end(&row.prompt, quoted)),
            theme.text,
        ));
    }
    summary.extend(tail);

    // Statuses and retries in the order they happened.
    let mut entries: Vec<(SystemTime, Vec<Span<'a>>)> = row
        .steps
        .iter()
        .map(|step| (step.at, step_spans(row, step, theme)))
        .collect();
    entries.extend(
        retry_runs(row)
            .into_iter()
            .map(|(last, count)| (last.at, retry_spans(row, last, count, now, theme))),
    );
    entries.sort_by_key(|(at, _)| *at);
    let chain = entries.into_iter().map(|(_, spans)| spans).collect();
    let mut steps = fit::newest_first_kept(
        Span::raw("    "),
        chain,
        Span::styled(" → ", theme.dim),
        width,
    );
    if row.steps.is_empty() && row.retries.is_empty() {
        let waiting = if row.is_active() {
            "waiting for the service…"
        } else {
            "no status from the service"
        };
        steps.push(Span::styled(waiting, theme.dim));
    }
    [Line::from(summary), Line::from(steps)]
}

fn step_spans<'a>(row: &JobRow, step: &StatusStep, theme: &Theme) -> Vec<Span<'a>> {
    let style = if step.status.is_terminal() && step.status != JobStatus::Succeeded {
        theme.error
    } else if step.status.is_terminal() {
        theme.ok
    } else {
        theme.text
    };
    let mut spans = vec![Span::styled(format::shown(&step.text), style)];
    // Runway's THROTTLED: the task waits for a slot of the account's concurrency, said while
    // it lasts.
    let last = row.steps.last().is_some_and(|s| s == step);
    if last && row.is_active() && step.text.eq_ignore_ascii_case("throttled") {
        spans.push(Span::styled(
            " (queued behind the account's concurrent tasks)",
            theme.warning,
        ));
    }
    if let Some(offset) = row.offset(step.at) {
        spans.push(Span::styled(
            format!(" {}", format::duration(offset)),
            theme.dim,
        ));
    }
    spans
}

/// `Runway · host · gen4.5` as `Runway gen4.5`: the service and model, for the summary.
fn short_service(service: &str) -> String {
    let parts: Vec<&str> = service.split(" · ").collect();
    match (parts.first(), parts.last()) {
        (Some(first), Some(last)) if parts.len() > 2 => format!("{first} {last}"),
        _ => service.to_string(),
    }
}

/// The selected job's details: where it runs, its estimate, and what the service last said
/// (Runway's estimated and charged cost, fal's queue position and logs).
fn details_line<'a>(row: &JobRow, theme: &Theme) -> Option<Line<'a>> {
    if !layout::has_details(row) {
        return None;
    }
    let mut spans = vec![Span::styled("    ", theme.dim)];
    if let Some(service) = &row.service {
        spans.push(Span::styled(
            format!("on {}", format::shown(service)),
            theme.dim,
        ));
    }
    if let Some(estimate) = &row.estimate {
        spans.push(Span::styled(
            format!(" · estimate {}", format::shown(estimate)),
            theme.dim,
        ));
    }
    for note in &row.notes {
        spans.push(Span::styled(" · ", theme.dim));
        spans.push(Span::styled(format::shown(note), theme.text));
    }
    Some(Line::from(spans))
}

/// The first screen when no video service is configured: what works today, and how.
fn no_service_lines<'a>(theme: &Theme) -> Vec<Line<'a>> {
    use sora_core::providers::Family;
    let retired: Vec<String> = [Family::OpenAi, Family::AzureSora2, Family::AzureSora]
        .into_iter()
        .filter_map(|f| f.retirement().map(|r| format!("{} {}", f.label(), r.date)))
        .collect();
    vec![
        Line::styled(
            "No video service is configured, so nothing can be generated yet.",
            theme.warning,
        ),
        Line::from(vec![
            Span::styled("  Try everything now: ", theme.dim),
            Span::styled("sora-tui --demo", theme.key),
            Span::styled(" (a built-in simulator of every service)", theme.dim),
        ]),
        Line::from(vec![
            Span::styled("  Runway: set ", theme.dim),
            Span::styled("RUNWAYML_API_SECRET", theme.key),
            Span::styled("  ·  fal.ai: set ", theme.dim),
            Span::styled("FAL_KEY", theme.key),
            Span::styled("  (both generate today)", theme.dim),
        ]),
        Line::styled(
            format!(
                "  The Sora APIs are retired ({}); a deployment that still answers works with AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY.",
                retired.join(", ")
            ),
            theme.dim,
        ),
    ]
}

/// Retries that follow each other with no status between them and the same request and
/// answer, as (the last of the run, how many): eight failed polls are one entry, not a line
/// that pushes the newest status off the screen.
fn retry_runs(row: &JobRow) -> Vec<(&Retry, usize)> {
    let mut runs: Vec<(&Retry, usize)> = Vec::new();
    for retry in &row.retries {
        if let Some((last, count)) = runs.last_mut()
            && last.step == retry.step
            && last.status == retry.status
            && !row.steps.iter().any(|s| s.at > last.at && s.at <= retry.at)
        {
            *last = retry;
            *count += 1;
            continue;
        }
        runs.push((retry, 1));
    }
    runs
}

/// `⟳ create 429 · Retry-After 2.0s · next try in 1.4s`, then `… · retried` once it went out.
fn retry_spans<'a>(
    row: &JobRow,
    retry: &Retry,
    count: usize,
    now: SystemTime,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let answer = retry
        .status
        .map_or_else(|| "no answer".to_string(), |s| s.to_string());
    let mut text = format!("⟳ {} {answer}", retry.step.label());
    if count > 1 {
        text.push_str(&format!(" ×{count}"));
    }
    if let Some(asked) = retry.retry_after {
        text.push_str(&format!(" · Retry-After {}", format::duration(asked)));
    }
    match retry.next_try_at().duration_since(now) {
        Ok(left) if !left.is_zero() => {
            text.push_str(&format!(" · next try in {}", format::duration(left)));
        }
        _ => text.push_str(" · retried"),
    }
    let mut spans = vec![Span::styled(text, theme.warning)];
    if let Some(offset) = row.offset(retry.at) {
        spans.push(Span::styled(
            format!(" {}", format::duration(offset)),
            theme.dim,
        ));
    }
    spans
}

/// The end state in words: what a user checks first.
fn outcome<'a>(row: &JobRow, theme: &Theme) -> Vec<Span<'a>> {
    match &row.end {
        None => match row.progress {
            Some(p) if !row.steps.last().is_some_and(|s| s.status.is_terminal()) => {
                vec![Span::styled(format!("{p}%"), theme.accent)]
            }
            _ if !row.files.is_empty() => vec![Span::styled(
                format!("downloading… {} saved", row.files.len()),
                theme.accent,
            )],
            _ => Vec::new(),
        },
        Some(JobEnd::Failed { message }) => {
            vec![Span::styled(
                format!("✗ failed: {}", format::shown(message)),
                theme.error,
            )]
        }
        Some(JobEnd::Completed { ok: false }) => {
            let reason = row
                .last_error
                .clone()
                .unwrap_or_else(|| "see the log".to_string());
            vec![Span::styled(
                format!("✗ incomplete: {}", format::shown(&reason)),
                theme.error,
            )]
        }
        Some(JobEnd::Completed { ok: true }) => {
            let uploaded = row
                .files
                .iter()
                .filter(|f| matches!(f.upload, UploadState::Uploaded { .. }))
                .count();
            let mut text = format!("✓ downloaded {}", files(row.files.len()));
            if uploaded > 0 {
                text.push_str(&format!(" · uploaded {uploaded}"));
            }
            vec![Span::styled(text, theme.ok)]
        }
    }
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}
