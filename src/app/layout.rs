//! Where each panel is and which rows of its list are on screen: one set of pure functions that
//! `ui::render` draws with and that a mouse click is resolved with, so a click lands on what the
//! user sees.

use ratatui::layout::{Constraint, Layout, Margin, Rect};

use super::jobs::{JobRow, JobsState};

/// Lines of a job in the timeline: its summary and its status chain.
pub const LINES_PER_JOB: usize = 2;

/// The dashboard's three list panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListPanel {
    Jobs,
    Downloads,
    Buckets,
}

/// The dashboard's areas, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DashboardAreas {
    pub header: Rect,
    pub prompt: Rect,
    pub jobs: Rect,
    pub downloads: Rect,
    pub buckets: Rect,
    pub notice: Rect,
    pub hints: Rect,
}

/// The prompt panel's mark before the text ("› "), in columns.
pub const PROMPT_MARK_WIDTH: u16 = 2;

/// Rows for the prompt's text: as many as it fills, soft-wrapped at the panel's width (an
/// estimate: word wrapping may need a row more, and then the text scrolls), and at most 3 on a
/// small terminal, 6 on a tall one, so the jobs stay in view.
pub fn prompt_text_rows(lines: &[String], screen: Rect) -> u16 {
    let width = usize::from(screen.width.saturating_sub(2 + PROMPT_MARK_WIDTH).max(1));
    let rows: usize = lines
        .iter()
        .map(|line| {
            unicode_width::UnicodeWidthStr::width(line.as_str())
                .div_ceil(width)
                .max(1)
        })
        .sum();
    let most = if screen.height >= 40 { 6 } else { 3 };
    u16::try_from(rows).unwrap_or(u16::MAX).clamp(1, most)
}

/// Full-width panels: the status chain, attempt lines and object tables all need the width more
/// than they need to sit side by side. The prompt has `prompt_rows` rows of text (see
/// [`prompt_text_rows`]), then its parameters and a note.
pub fn dashboard(area: Rect, prompt_rows: u16) -> DashboardAreas {
    dashboard_with_focus(area, prompt_rows, None)
}

/// Below this many rows the list panel with the focus takes the room the others can spare.
pub const SHORT_SCREEN_ROWS: u16 = 36;

/// Rows a list panel keeps when another one has the room: its border and two lines (a job's
/// summary and its newest status; the newest attempts; the bucket and its first object).
const SPARED_PANEL_ROWS: u16 = 4;

/// [`dashboard`] on a screen where `focused` (the jobs, downloads or buckets panel) has the
/// focus: on a short screen it grows, the others keep two lines each, so the list being worked
/// in shows more than three rows at 80x24.
pub fn dashboard_with_focus(
    area: Rect,
    prompt_rows: u16,
    focused: Option<ListPanel>,
) -> DashboardAreas {
    let short = area.height < SHORT_SCREEN_ROWS;
    let share = |panel: ListPanel, normal: u16| match focused {
        Some(f) if short && f == panel => Constraint::Fill(1),
        Some(_) if short => Constraint::Length(SPARED_PANEL_ROWS),
        _ => Constraint::Fill(normal),
    };
    let [header, prompt, jobs, downloads, buckets, notice, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(prompt_rows.saturating_add(4)),
        share(ListPanel::Jobs, 3),
        share(ListPanel::Downloads, 4),
        share(ListPanel::Buckets, 3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    DashboardAreas {
        header,
        prompt,
        jobs,
        downloads,
        buckets,
        notice,
        hints,
    }
}

/// Inside the prompt panel's border: the mark ("› "), the text beside it, then the parameters
/// line and the note line.
pub fn prompt_split(inner: Rect) -> PromptAreas {
    let [input, params, note] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let [mark, text] =
        Layout::horizontal([Constraint::Length(PROMPT_MARK_WIDTH), Constraint::Fill(1)])
            .areas(input);
    PromptAreas {
        mark,
        text,
        params,
        note,
    }
}

/// The prompt panel's parts (see [`prompt_split`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PromptAreas {
    pub mark: Rect,
    pub text: Rect,
    pub params: Rect,
    pub note: Rect,
}

/// Inside a panel's border.
pub fn inner(panel: Rect) -> Rect {
    panel.inner(Margin::new(1, 1))
}

/// The bucket list and the objects beside it, inside the buckets panel's border.
pub fn buckets_split(inner: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)])
        .spacing(1)
        .areas(inner)
}

/// The objects area: a heading (breadcrumb), the listing's status, then the table.
pub fn objects_split(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area)
}

/// Width of the object details beside the object table, when the panel is wide enough.
pub const DETAILS_WIDTH: u16 = 42;

/// The object table and, where there is room for both, the details column beside it.
pub fn objects_table_split(body: Rect) -> (Rect, Option<Rect>) {
    if body.width < DETAILS_WIDTH * 2 {
        return (body, None);
    }
    let [table, details] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(DETAILS_WIDTH)])
            .spacing(1)
            .areas(body);
    (table, Some(details))
}

/// First index of a window of `height` rows that keeps `selected` visible.
pub fn window_start(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

/// The rows of a filtered list on screen in `height` lines: of `visible` (indices into the whole
/// list, in order), the window that keeps `selected` in view. Drawn and clicked with the same
/// window, so a click selects the row drawn under it.
pub fn list_window(visible: &[usize], selected: usize, height: usize) -> &[usize] {
    let position = visible.iter().position(|i| *i == selected).unwrap_or(0);
    let first = window_start(position, height).min(visible.len());
    let end = (first + height.max(1)).min(visible.len());
    &visible[first..end]
}

/// The selected job has a details line (service, estimate, notes) under its two lines.
pub fn has_details(row: &JobRow) -> bool {
    row.service.is_some() || row.estimate.is_some() || !row.notes.is_empty()
}

/// The jobs shown in a timeline of `height` lines: indices in `jobs.rows` of the rows the filter
/// shows, from the first on screen, as many as fit, scrolled just enough to keep the selection
/// on screen.
pub fn jobs_window(jobs: &JobsState, height: usize) -> Vec<usize> {
    let details = jobs.selected_row().is_some_and(has_details);
    let height = height.saturating_sub(usize::from(details));
    let capacity = (height / LINES_PER_JOB).max(1);
    let visible = jobs.visible();
    let position = jobs
        .selected_index()
        .and_then(|s| visible.iter().position(|i| *i == s))
        .unwrap_or(0);
    let first = (position + 1).saturating_sub(capacity);
    visible.into_iter().skip(first).take(capacity).collect()
}

/// The job drawn at `line` (0 = the first line inside the border), if any: an index in
/// `jobs.rows`, always of a row the filter shows.
pub fn job_at_line(jobs: &JobsState, height: usize, line: usize) -> Option<usize> {
    let selected = jobs.selected_index();
    let mut top = 0;
    for index in jobs_window(jobs, height) {
        let Some(row) = jobs.rows.get(index) else {
            continue;
        };
        let lines = LINES_PER_JOB + usize::from(Some(index) == selected && has_details(row));
        if line < top + lines {
            return Some(index);
        }
        top += lines;
    }
    None
}
