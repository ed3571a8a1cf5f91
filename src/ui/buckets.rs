//! Buckets on the left, the objects of the shown bucket/folder on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};

use super::{Theme, format, panel};
use crate::app::{App, BucketsPane, Remote};
use crate::storage::ObjectEntry;

pub fn render_buckets(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    let block = panel(" Buckets ", focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Without a bucket list there is nothing to put side by side: say why across the panel.
    if let Remote::Failed(_) = &app.buckets().buckets {
        frame.render_widget(status_line(&app.buckets().buckets, "buckets", theme), inner);
        return;
    }
    let [list_area, objects_area] =
        Layout::horizontal([Constraint::Percentage(30), Constraint::Percentage(70)])
            .spacing(1)
            .areas(inner);
    render_bucket_list(app, theme, frame, list_area, focused);
    render_objects(app, theme, frame, objects_area, focused);
}

/// First index of a window of `height` rows that keeps `selected` visible.
fn window_start(selected: usize, height: usize) -> usize {
    (selected + 1).saturating_sub(height.max(1))
}

fn render_bucket_list(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    let state = app.buckets();
    let buckets = match &state.buckets {
        Remote::Loaded(list) => list,
        other => {
            frame.render_widget(status_line(other, "buckets", theme), area);
            return;
        }
    };
    if buckets.is_empty() {
        frame.render_widget(Line::styled("no bucket", theme.dim), area);
        return;
    }
    let active = focused && state.pane == BucketsPane::Buckets;
    let height = usize::from(area.height);
    let first = window_start(state.selected_bucket, height);
    let lines: Vec<Line> = buckets
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(index, bucket)| {
            let (mark, mark_style) = if bucket.public {
                ("public", theme.warning)
            } else {
                ("private", theme.dim)
            };
            let selected = index == state.selected_bucket;
            let pointer = if selected { "▸ " } else { "  " };
            let line = Line::from(vec![
                Span::styled(pointer, theme.key),
                Span::raw(format!("{} ", bucket.name)),
                Span::styled(mark, mark_style),
            ]);
            if selected && active {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_objects(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    let state = app.buckets();
    let [heading_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    let Some(shown) = &state.shown else {
        frame.render_widget(Line::styled("no bucket open", theme.dim), heading_area);
        return;
    };
    let folder = if shown.prefix.is_empty() {
        "/".to_string()
    } else {
        format!("/{}/", shown.prefix)
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(shown.bucket.clone(), theme.title),
            Span::styled(folder, theme.text),
        ]),
        heading_area,
    );
    let objects = match &state.objects {
        Remote::Loaded(list) => list,
        other => {
            frame.render_widget(status_line(other, "objects", theme), table_area);
            return;
        }
    };
    if objects.is_empty() {
        frame.render_widget(Line::styled("empty", theme.dim), table_area);
        return;
    }
    let active = focused && state.pane == BucketsPane::Objects;
    let height = usize::from(table_area.height);
    let first = window_start(state.selected_object, height);
    let rows: Vec<Row> = objects
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(index, object)| {
            let row = object_row(object, theme);
            if index == state.selected_object && active {
                row.style(theme.selected)
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(16),
        ],
    )
    .column_spacing(1);
    frame.render_widget(table, table_area);
}

fn object_row<'a>(object: &ObjectEntry, theme: &Theme) -> Row<'a> {
    if object.is_folder() {
        return Row::new(vec![
            Cell::from(Span::styled(format!("{}/", object.name), theme.info)),
            Cell::from(""),
            Cell::from(""),
        ]);
    }
    let size = object.size().map(format::bytes).unwrap_or_default();
    let updated = object
        .updated_at
        .as_deref()
        .map(format::timestamp)
        .unwrap_or_default();
    Row::new(vec![
        Cell::from(object.name.clone()),
        Cell::from(Line::from(size).right_aligned()),
        Cell::from(Span::styled(updated, theme.dim)),
    ])
}

fn status_line<'a, T>(remote: &Remote<T>, what: &str, theme: &Theme) -> Paragraph<'a> {
    let line = match remote {
        Remote::NotLoaded => Line::styled(format!("{what}: not loaded (r)"), theme.dim),
        Remote::Loading => Line::styled(format!("loading {what}…"), theme.dim),
        Remote::Failed(message) => Line::styled(format!("✗ {message}"), theme.error),
        Remote::Loaded(_) => Line::raw(""),
    };
    Paragraph::new(line).wrap(ratatui::widgets::Wrap { trim: true })
}
