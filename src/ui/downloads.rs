//! The download and upload log. Only the lines that fit are built; the view follows the tail
//! unless the user scrolled up. Downloads still running are pinned under the log.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Gauge, Paragraph};

use super::{Theme, filter, format, panel};
use crate::app::downloads::{download_label, outcome_word, seconds_until};
use crate::app::{App, InFlight, LogEntry, Phase, TransferKey};
use sora_core::download::{Attempt, AttemptOutcome};
use sora_core::engine::DownloadKey;

/// Longer URLs are cut from the left, keeping the `/content/video?…` tail.
const URL_MAX: usize = 100;
const URL_MIN: usize = 20;
/// Second lines (URLs) start under the job key.
const CONTINUATION: &str = "         ↳ ";

pub fn render_downloads(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    let log = app.downloads();
    let scrolled = log.scroll_from_bottom > 0;
    let shown = log.visible_entries().count();
    let name = match filter::title_part(&log.filter, shown, log.entries.len()) {
        Some(part) => format!(" Downloads & uploads {part} (UTC) "),
        None => " Downloads & uploads (UTC) ".to_string(),
    };
    let mut title = if scrolled {
        format!(
            "{name}— scrolled up {}, End follows ",
            log.scroll_from_bottom
        )
    } else {
        name
    };
    // The newest job's content retention: what is left to fetch it.
    if let Some((job, at)) = log.expires.last() {
        title.push_str(&format!(
            "— {job} {} ",
            sora_core::present::expiry_text(*at, app.now())
        ));
    }
    let block = panel(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    // Running downloads take at most half the panel, the log the rest.
    let active = log.visible_active();
    let pinned = active.len().min(usize::from(inner.height) / 2) as u16;
    let [log_area, active_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(pinned)]).areas(inner);

    if shown == 0 && log.filter.is_active() {
        frame.render_widget(filter::no_match(app, "lines", &log.filter, theme), log_area);
    } else if log.entries.is_empty() {
        frame.render_widget(
            Line::styled(
                "No download yet: attempts appear here as they happen.",
                theme.dim,
            ),
            log_area,
        );
    } else {
        let lines = visible_lines(app, log_area, theme);
        frame.render_widget(Paragraph::new(lines), log_area);
    }

    // One gauge per transfer in flight; only the rows that fit are drawn, the selected one
    // (the one `c` cancels) among them.
    let chosen = log.cancel_candidate().map(|a| a.key.clone());
    let skip = chosen
        .as_ref()
        .and_then(|key| active.iter().position(|a| a.key == *key))
        .map_or(0, |i| (i + 1).saturating_sub(usize::from(pinned)));
    for (i, active) in active
        .into_iter()
        .skip(skip)
        .take(usize::from(pinned))
        .enumerate()
    {
        let row = Rect {
            y: active_area.y + i as u16,
            height: 1,
            ..active_area
        };
        let selected = focused && chosen.as_ref() == Some(&active.key);
        render_progress(active, app.now(), selected, theme, frame, row);
    }
}

/// The lines of the entries that end `scroll_from_bottom` entries above the tail, built from
/// the bottom up until `height` is full: only what is visible is formatted.
fn visible_lines<'a>(app: &App, area: Rect, theme: &Theme) -> Vec<Line<'a>> {
    let log = app.downloads();
    let height = usize::from(area.height);
    // The URL line must fit the panel, or its informative tail would be cut off on the right.
    let url_budget = usize::from(area.width)
        .saturating_sub(CONTINUATION.chars().count() + 4)
        .clamp(URL_MIN, URL_MAX);
    let mut lines: Vec<Line> = Vec::with_capacity(height + 1);
    for entry in log.visible_entries().rev().skip(log.scroll_from_bottom) {
        if lines.len() >= height {
            break;
        }
        // Pushed in reverse: the entry's last line first.
        lines.extend(entry_lines(app, entry, url_budget, theme).into_iter().rev());
    }
    lines.truncate(height);
    lines.reverse();
    lines
}

/// One entry as one or two lines: long values (URLs) get a line of their own so the facts a
/// user scans for (status, bytes, outcome, countdown) are never cut off.
fn entry_lines<'a>(app: &App, entry: &LogEntry, url_budget: usize, theme: &Theme) -> Vec<Line<'a>> {
    match entry {
        LogEntry::Attempt { key, attempt, .. } => {
            let countdown = entry
                .retry_due()
                .map(|due| match seconds_until(due, app.now()) {
                    Some(secs) => format!("next retry in {}", format::countdown(secs)),
                    None => "retrying…".to_string(),
                });
            attempt_lines(key, attempt, countdown, url_budget, theme)
        }
        LogEntry::Saved {
            at,
            key,
            path,
            bytes,
        } => vec![Line::from(vec![
            time(*at, theme),
            Span::styled(format!("{} ", download_label(key)), theme.key),
            Span::styled("✓ saved ", theme.ok),
            Span::styled(
                format!("{} ", format::shown(&path.display().to_string())),
                theme.text,
            ),
            Span::styled(format!("({})", format::bytes(*bytes)), theme.dim),
        ])],
        LogEntry::DownloadFailed { at, key, message } => vec![Line::from(vec![
            time(*at, theme),
            Span::styled(format!("{} ", download_label(key)), theme.key),
            Span::styled(
                format!("✗ download failed: {}", format::shown(message)),
                theme.error,
            ),
        ])],
        LogEntry::UploadStarted {
            at,
            job,
            bucket,
            object_path,
            progress,
        } => {
            let mut spans = vec![
                time(*at, theme),
                Span::styled(format!("{job} "), theme.key),
                Span::styled("⇡ uploading to ", theme.info),
                Span::styled(
                    format!("{}/{}", format::shown(bucket), format::shown(object_path)),
                    theme.text,
                ),
            ];
            if let Some((sent, total)) = progress {
                let pct = if *total == 0 {
                    100
                } else {
                    sent.saturating_mul(100) / total
                };
                spans.push(Span::styled(
                    format!(
                        "  {pct}% ({} / {})",
                        format::bytes(*sent),
                        format::bytes(*total)
                    ),
                    theme.accent,
                ));
            }
            vec![Line::from(spans)]
        }
        LogEntry::UploadFinished {
            at,
            job,
            bucket,
            object_path,
            public_url,
            bytes,
        } => {
            let mut lines = vec![Line::from(vec![
                time(*at, theme),
                Span::styled(format!("{job} "), theme.key),
                Span::styled("✓ uploaded ", theme.ok),
                Span::styled(
                    format!("{}/{} ", format::shown(bucket), format::shown(object_path)),
                    theme.text,
                ),
                Span::styled(format!("({})", format::bytes(*bytes)), theme.dim),
            ])];
            if let Some(url) = public_url {
                lines.push(Line::from(vec![
                    Span::styled(CONTINUATION, theme.dim),
                    Span::styled(format::shown(url), theme.info),
                ]));
            }
            lines
        }
        LogEntry::UploadFailed {
            at,
            job,
            path,
            message,
        } => vec![Line::from(vec![
            time(*at, theme),
            Span::styled(format!("{job} "), theme.key),
            Span::styled(
                format!(
                    "✗ upload of {} failed: {}",
                    format::shown(&path.display().to_string()),
                    format::shown(message)
                ),
                theme.error,
            ),
        ])],
    }
}

fn time<'a>(at: std::time::SystemTime, theme: &Theme) -> Span<'a> {
    Span::styled(format!("{} ", format::clock(at)), theme.dim)
}

fn attempt_lines<'a>(
    key: &DownloadKey,
    attempt: &Attempt,
    countdown: Option<String>,
    url_budget: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let (status, status_style) = match attempt.status {
        Some(code) => (code.to_string(), status_style(code, theme)),
        None => ("—".to_string(), theme.dim),
    };
    let outcome = outcome_word(&attempt.outcome);
    let outcome_style = match attempt.outcome {
        AttemptOutcome::Saved => theme.ok,
        AttemptOutcome::WillRetry | AttemptOutcome::Cancelled => theme.warning,
        AttemptOutcome::GaveUp => theme.error,
        AttemptOutcome::Diagnostic => theme.info,
    };
    let mut facts = vec![
        // The log lists an attempt when it ends (next to the saves and failures it led to),
        // so it is stamped with its end; its duration follows.
        time(attempt.started_at + attempt.duration, theme),
        Span::styled(format!("{} ", download_label(key)), theme.key),
        Span::styled(format!("try {} ", attempt.number), theme.text),
        Span::styled(format!("{status:>3} "), status_style),
        Span::styled(format!("{:>9} ", format::bytes(attempt.bytes)), theme.text),
        Span::styled(
            format!("{:>6} ", format::short_duration(attempt.duration)),
            theme.dim,
        ),
        Span::styled(format!("{outcome} "), outcome_style),
    ];
    if let Some(countdown) = countdown {
        facts.push(Span::styled(format!("{countdown} "), theme.warning));
    }
    if !attempt.detail.is_empty() {
        facts.push(Span::styled(
            format!("· {}", format::shown(&attempt.detail)),
            theme.dim,
        ));
    }
    let request = Line::from(vec![
        Span::styled(CONTINUATION, theme.dim),
        Span::styled(format!("{} ", attempt.method), theme.dim),
        Span::styled(format::shorten_url(&attempt.url, url_budget), theme.text),
    ]);
    let mut lines = vec![Line::from(facts), request];
    if !attempt.headers.is_empty() {
        let text: Vec<String> = attempt
            .headers
            .iter()
            .map(|(k, v)| format!("{}: {}", format::shown(k), format::shown(v)))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(CONTINUATION, theme.dim),
            Span::styled(text.join(" · "), theme.dim),
        ]));
    }
    lines
}

fn status_style(code: u16, theme: &Theme) -> Style {
    match code {
        200..=299 => theme.ok,
        400..=499 => theme.warning,
        _ => theme.error,
    }
}

const LABEL_WIDTH: u16 = 17;

fn transfer_label(active: &InFlight) -> String {
    match &active.key {
        TransferKey::Download(key) => download_label(key),
        TransferKey::Upload { job, path } => {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            format!("{job} {}", format::shown(&name))
        }
    }
}

fn render_progress(
    active: &InFlight,
    now: std::time::SystemTime,
    selected: bool,
    theme: &Theme,
    frame: &mut Frame,
    row: Rect,
) {
    let [label_area, gauge_area] =
        Layout::horizontal([Constraint::Length(LABEL_WIDTH), Constraint::Fill(1)]).areas(row);
    let arrow = if active.is_upload() { "⇡" } else { "⇣" };
    // The marker reads without colour; the reverse video adds to it where colour is on.
    let (marker, label_style) = if selected {
        (
            "▸",
            theme.key.add_modifier(ratatui::style::Modifier::REVERSED),
        )
    } else {
        (" ", theme.key)
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(format!("{marker}{arrow} "), theme.accent),
            Span::styled(transfer_label(active), label_style),
        ]),
        label_area,
    );
    let (ratio, text) = progress_text(active, now);
    let stalled = active.quiet_for(now).is_some();
    let gauge = Gauge::default()
        .ratio(ratio)
        .label(Span::styled(text, theme.text))
        .gauge_style(match active.phase {
            Phase::WaitingForSlot => theme.dim,
            Phase::RetryWait { .. } => theme.warning,
            _ if stalled => theme.warning,
            _ => theme.accent,
        })
        .use_unicode(true);
    frame.render_widget(gauge, gauge_area);
}

/// The fill ratio and the words on a gauge: what the transfer is doing, bytes, total, rate and
/// time left, or how long nothing came.
pub fn progress_text(active: &InFlight, now: std::time::SystemTime) -> (f64, String) {
    let pace = match active.quiet_for(now) {
        // Whole seconds: a stall counts up visibly, without a flickering fraction.
        Some(quiet) => format!(" · no data for {}", format::countdown(quiet.as_secs())),
        None => {
            let rate = active
                .rate
                .map(|r| format!(" · {}/s", format::bytes(r as u64)))
                .unwrap_or_default();
            let eta = active
                .eta_secs()
                .map(|s| {
                    format!(
                        " · ETA {}",
                        format::short_duration(std::time::Duration::from_secs(s))
                    )
                })
                .unwrap_or_default();
            format!("{rate}{eta}")
        }
    };
    let (ratio, amount) = match active.total.filter(|t| *t > 0) {
        Some(total) => {
            let ratio = (active.bytes as f64 / total as f64).clamp(0.0, 1.0);
            (
                ratio,
                format!(
                    "{} / {} {:.0}%",
                    format::bytes(active.bytes),
                    format::bytes(total),
                    ratio * 100.0
                ),
            )
        }
        None => (0.0, format!("{} so far", format::bytes(active.bytes))),
    };
    let text = match active.phase {
        Phase::WaitingForSlot => return (0.0, "waiting for a free download slot".to_string()),
        Phase::Connecting { attempt } => format!("connecting (try {attempt}) · {amount}{pace}"),
        Phase::Receiving | Phase::Sending => format!("{amount}{pace}"),
        Phase::RetryWait { due } => match seconds_until(due, now) {
            Some(left) => format!("{amount} · waiting to retry in {}", format::countdown(left)),
            None => format!("{amount} · retrying now"),
        },
        Phase::Verifying => format!("verifying {}", format::bytes(active.bytes)),
    };
    (ratio, text)
}
