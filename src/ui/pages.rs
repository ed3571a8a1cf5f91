//! The History and Doctor pages. Pure functions of state.

use std::time::{Duration, UNIX_EPOCH};

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::format::shown;
use super::{Theme, filter, panel};
use crate::app::{App, Remote};
use sora_core::doctor::Mark;
use sora_core::journal::{JobRecord, JobState};

pub fn render_history(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let history = app.history();
    let records = match &history.records {
        Remote::Loaded(r) => r,
        Remote::Failed(e) => {
            let block = panel(" History ", true, theme);
            frame.render_widget(
                Paragraph::new(Line::styled(shown(e), theme.error)).block(block),
                area,
            );
            return;
        }
        _ => {
            let block = panel(" History ", true, theme);
            frame.render_widget(
                Paragraph::new(Line::styled("Reading the journal…", theme.dim)).block(block),
                area,
            );
            return;
        }
    };
    let shown = history.visible();
    let title = match filter::title_part(&history.filter, shown.len(), records.len()) {
        Some(part) => format!(" History {part}, newest first "),
        None => format!(" History ({} job(s), newest first) ", records.len()),
    };
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Fill(3), Constraint::Length(8)]).areas(area);
    let block = panel(title, true, theme);
    let inner = block.inner(list_area);
    frame.render_widget(block, list_area);
    if records.is_empty() {
        frame.render_widget(Line::styled("No job recorded yet.", theme.dim), inner);
        return;
    }
    if shown.is_empty() {
        frame.render_widget(filter::no_match(app, "jobs", &history.filter, theme), inner);
        return;
    }
    // Only the visible window of the entries the filter shows: the selection stays in view.
    let rows = usize::from(inner.height).max(1);
    let position = shown
        .iter()
        .position(|i| *i == history.selected)
        .unwrap_or(0);
    let first = position.saturating_sub(rows - 1);
    let lines: Vec<Line> = shown
        .iter()
        .skip(first)
        .take(rows)
        .filter_map(|i| Some((*i, records.get(*i)?)))
        .map(|(i, r)| history_row(r, i == history.selected, theme))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);

    let block = panel(" Selected ", false, theme);
    let inner = block.inner(detail_area);
    frame.render_widget(block, detail_area);
    if let Some(r) = history.selected_record() {
        frame.render_widget(
            Paragraph::new(details(r, theme)).wrap(Wrap { trim: true }),
            inner,
        );
    }
}

fn history_row<'a>(r: &JobRecord, selected: bool, theme: &Theme) -> Line<'a> {
    let (mark, style) = match (r.state, r.failure.is_some()) {
        (_, true) | (JobState::Failed, _) => ("✗", theme.error),
        (JobState::Cancelled, _) => ("⊘", theme.warning),
        (JobState::Succeeded, _) => ("✓", theme.ok),
        (JobState::Active, _) => ("…", theme.info),
    };
    let when = crate::app::pages::record_when(r);
    let params = match r.request.parameters() {
        p if p.is_empty() => r
            .remix_of
            .as_ref()
            .map_or(String::new(), |s| format!("remix of {}", shown(s))),
        p => shown(&p).to_string(),
    };
    let cost = r
        .cost_estimate
        .map_or(String::new(), |c| format!("≈${c:.2}"));
    let prompt: String = shown(&r.request.prompt).chars().take(60).collect();
    let base = if selected { theme.selected } else { theme.text };
    Line::from(vec![
        Span::styled(if selected { "▸ " } else { "  " }, base),
        Span::styled(format!("{mark} "), style),
        Span::styled(format!("{when}  "), theme.dim),
        Span::styled(format!("{prompt:<60}  "), base),
        Span::styled(format!("{params:<18} "), theme.dim),
        Span::styled(format!("{cost:>7}  "), theme.accent),
        Span::styled(
            r.status
                .as_deref()
                .map_or_else(|| "not created".into(), shown),
            theme.dim,
        ),
    ])
}

fn details<'a>(r: &JobRecord, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("prompt ", theme.dim),
        Span::styled(shown(&r.request.prompt), theme.text),
    ])];
    lines.push(Line::from(vec![
        Span::styled("job ", theme.dim),
        Span::styled(
            r.job_id
                .as_deref()
                .map_or_else(|| "(no job id)".into(), shown),
            theme.accent,
        ),
        Span::styled(format!("  on {}", r.provider), theme.dim),
    ]));
    if let Some(f) = &r.failure {
        lines.push(Line::styled(format!("failed: {}", shown(f)), theme.error));
    }
    // A damaged journal value must not take the screen down: shown only when it is a time.
    // A failed job has no content to expire.
    if let Some(at) = r
        .expires_at
        .filter(|_| r.failure.is_none())
        .filter(|s| *s < 253_402_300_800)
        .and_then(|s| UNIX_EPOCH.checked_add(Duration::from_secs(s)))
    {
        lines.push(Line::styled(
            format!("content expires {}", sora_core::text::utc_time(at)),
            theme.dim,
        ));
    }
    for d in &r.downloads {
        lines.push(Line::styled(
            format!("file  {} ({} bytes)", shown(&d.path), d.bytes),
            theme.text,
        ));
    }
    for u in &r.uploads {
        let url = u.public_url.clone().unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "stored {}/{}  {}",
                shown(&u.bucket),
                shown(&u.object_path),
                shown(&url)
            ),
            theme.text,
        ));
    }
    lines
}

/// Returns the first line shown at the report's end (see `ScrollLimits`), `None` before it came.
pub fn render_doctor(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> Option<u16> {
    let doctor = app.doctor();
    let title = if doctor.probed {
        " Doctor (with upload probe) "
    } else {
        " Doctor "
    };
    let block = panel(title, true, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let report = match &doctor.report {
        Remote::Loaded(r) => r,
        Remote::Failed(e) => {
            frame.render_widget(Line::styled(shown(e), theme.error), inner);
            return None;
        }
        _ => {
            frame.render_widget(Line::styled("Checking…", theme.dim), inner);
            return None;
        }
    };
    let mut lines = vec![Line::styled("Settings", theme.title)];
    let kw = report
        .settings
        .iter()
        .map(|s| s.key.len())
        .max()
        .unwrap_or(0);
    for s in &report.settings {
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<kw$}  ", s.key), theme.dim),
            Span::styled(shown(&s.value), theme.text),
            Span::styled(format!("   ({})", shown(&s.source)), theme.dim),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Checks", theme.title));
    let cw = report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for c in &report.checks {
        let style = match c.mark {
            Mark::Pass => theme.ok,
            Mark::Warn => theme.warning,
            Mark::Fail => theme.error,
            Mark::Skip => theme.dim,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", c.mark.symbol()), style),
            Span::styled(format!("{:<cw$}  ", c.name), theme.text),
            Span::styled(shown(&c.detail), theme.dim),
        ]));
        if let Some(fix) = &c.fix {
            lines.push(Line::from(vec![
                Span::raw(format!("    {:<cw$}  ", "")),
                Span::styled("fix: ", theme.key),
                Span::styled(shown(fix), theme.text),
            ]));
        }
    }
    // The verdict last, worded as the `doctor` command prints it.
    let verdict = if report.failed() {
        theme.error
    } else if report.checks.iter().any(|c| c.mark == Mark::Warn) {
        theme.warning
    } else {
        theme.ok
    };
    lines.push(Line::raw(""));
    lines.push(Line::styled(report.summary(), verdict));
    // ↑/↓ scroll a report longer than the page, as far as its last line: counted as wrapped,
    // since a long fix takes several rows.
    let text = Paragraph::new(lines).wrap(Wrap { trim: false });
    let rows = u16::try_from(text.line_count(inner.width)).unwrap_or(u16::MAX);
    let last_start = rows.saturating_sub(inner.height);
    let scroll = doctor.scroll.min(last_start);
    frame.render_widget(text.scroll((scroll, 0)), inner);
    Some(last_start)
}
