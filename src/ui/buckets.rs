//! Buckets on the left, the objects of the shown bucket/folder on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use super::{Theme, filter, format, panel};
use crate::app::buckets::SortMode;
use crate::app::keymap::{Action, Scope};
use crate::app::layout;
use crate::app::{App, BucketsPane, Remote};
use sora_core::storage::path::join_folder;
use sora_core::storage::{Bucket, ObjectEntry};

pub fn render_buckets(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, focused: bool) {
    // The bucket list's `/` filter shows in the title, as the other lists' do.
    let state = app.buckets();
    let title = match filter::title_part(
        &state.bucket_filter,
        state.visible_buckets().len(),
        state.bucket_names().len(),
    ) {
        Some(part) => format!(" Buckets {part} "),
        None => " Buckets ".to_string(),
    };
    let block = panel(title, focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Without a bucket list there is nothing to put side by side: say why across the panel.
    if let Remote::Failed(_) = &app.buckets().buckets {
        frame.render_widget(status_line(&app.buckets().buckets, "buckets", theme), inner);
        return;
    }
    let [list_area, objects_area] = layout::buckets_split(inner);
    render_bucket_list(app, theme, frame, list_area, focused);
    render_objects(app, theme, frame, objects_area, focused);
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
    let visible = state.visible_buckets();
    if visible.is_empty() {
        frame.render_widget(
            filter::no_match(app, "buckets", &state.bucket_filter, theme),
            area,
        );
        return;
    }
    let active = focused && state.pane == BucketsPane::Buckets;
    let window = layout::list_window(&visible, state.selected_bucket, usize::from(area.height));
    let lines: Vec<Line> = window
        .iter()
        .filter_map(|index| buckets.get(*index).map(|bucket| (*index, bucket)))
        .map(|(index, bucket)| {
            let (mark, mark_style) = if bucket.public {
                ("public", theme.warning)
            } else {
                ("private", theme.dim)
            };
            let selected = index == state.selected_bucket;
            let pointer = if selected { "▸ " } else { "  " };
            let mut spans = vec![
                Span::styled(pointer, theme.key),
                Span::raw(format!("{} ", format::shown(&bucket.name))),
                Span::styled(mark, mark_style),
            ];
            spans.extend(bucket_limits(bucket).map(|t| Span::styled(format!(" {t}"), theme.dim)));
            let line = Line::from(spans);
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
    let [heading_area, status_area, body_area] = layout::objects_split(area);
    let Some(shown) = &state.shown else {
        frame.render_widget(
            Line::styled("no bucket open (Enter on a bucket)", theme.dim),
            heading_area,
        );
        return;
    };
    // Breadcrumb: bucket › folder › sub.
    let mut crumbs = vec![Span::styled(shown.bucket.clone(), theme.title)];
    for part in shown.prefix.split('/').filter(|p| !p.is_empty()) {
        crumbs.push(Span::styled(" › ", theme.dim));
        crumbs.push(Span::styled(part.to_string(), theme.text));
    }
    frame.render_widget(Line::from(crumbs), heading_area);
    frame.render_widget(listing_status(app, theme), status_area);

    let objects = match &state.objects {
        Remote::Loaded(list) => list,
        other => {
            frame.render_widget(status_line(other, "objects", theme), body_area);
            return;
        }
    };
    if objects.is_empty() {
        let text = if state.query.search.is_empty() {
            "empty (u uploads a file here)".to_string()
        } else {
            format!(
                "nothing starts with '{}'",
                format::shown(&state.query.search)
            )
        };
        frame.render_widget(Line::styled(text, theme.dim), body_area);
        return;
    }
    let visible = state.visible_objects();
    if visible.is_empty() {
        frame.render_widget(
            filter::no_match(app, "names", &state.object_filter, theme),
            body_area,
        );
        return;
    }
    let (table_area, details_area) = layout::objects_table_split(body_area);
    let active = focused && state.pane == BucketsPane::Objects;
    // Only the visible window is turned into rows: the cost of a frame does not grow with the
    // number of entries loaded.
    let window = layout::list_window(
        &visible,
        state.selected_object,
        usize::from(table_area.height),
    );
    // The name column: what the size (10) and date (16) columns and their spacing leave.
    let name_width = usize::from(table_area.width.saturating_sub(10 + 16 + 2)).max(8);
    let rows: Vec<Row> = window
        .iter()
        .filter_map(|index| objects.get(*index).map(|object| (*index, object)))
        .map(|(index, object)| {
            let row = object_row(object, name_width, theme);
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
    if let Some(details_area) = details_area {
        render_details(app, theme, frame, details_area);
    }
}

/// `name ↑ · filter 'x' · 300 loaded, more…` (and "sorted locally" for size); with a `/`
/// filter, that first: `/cat (3 of 100) · more not loaded: S searches the server, End loads more`.
fn listing_status<'a>(app: &App, theme: &Theme) -> Line<'a> {
    let state = app.buckets();
    let loaded = state.loaded_len();
    if let Some(part) =
        filter::title_part(&state.object_filter, state.visible_objects().len(), loaded)
    {
        let mut text = part;
        if state.page_pending.is_some() {
            text.push_str(" · loading more…");
        } else if state.more {
            // Only what is loaded is filtered: say how to reach the rest of the folder.
            let keys = app.keymap();
            text.push_str(&format!(
                " · more not loaded: {} searches the server, {} loads more",
                keys.first_key_label(Scope::Buckets, Action::ServerSearch),
                keys.first_key_label(Scope::Buckets, Action::Bottom),
            ));
        }
        return Line::styled(text, theme.accent);
    }
    let arrow = if state.query.descending { "↓" } else { "↑" };
    let mut text = format!("by {} {arrow}", state.sort.label());
    if state.sort == SortMode::Size {
        text.push_str(&format!(" (sorted locally, {loaded} loaded)"));
    }
    if !state.query.search.is_empty() {
        text.push_str(&format!(
            " · server search '{}'",
            format::shown(&state.query.search)
        ));
    }
    if state.objects.loaded().is_some() {
        text.push_str(&format!(" · {loaded} loaded"));
        if state.page_pending.is_some() {
            text.push_str(", loading more…");
        } else if state.more {
            text.push_str(", more below");
        }
    }
    Line::styled(text, theme.dim)
}

fn render_details(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let state = app.buckets();
    let (Some(object), Some(shown)) = (state.selected_object(), state.shown.as_ref()) else {
        return;
    };
    let label = |k: &str| Span::styled(format!("{k:<8}"), theme.dim);
    let path = join_folder(&shown.prefix, &object.name);
    let mut lines = vec![Line::styled(format::shown(&path), theme.title)];
    if object.is_folder() {
        lines.push(Line::styled("folder: Enter opens it", theme.dim));
    } else {
        let meta = object.metadata.as_ref();
        let size = object
            .size()
            .map(format::bytes)
            .unwrap_or_else(|| "?".into());
        let mime = meta.and_then(|m| m.mimetype.as_deref()).map(format::shown);
        let etag = meta.and_then(|m| m.e_tag.as_deref()).map(format::shown);
        let updated = object
            .updated_at
            .as_deref()
            .map(format::timestamp)
            .unwrap_or_default();
        lines.push(Line::from(vec![label("size"), Span::raw(size)]));
        lines.push(Line::from(vec![
            label("type"),
            Span::raw(mime.unwrap_or_default()),
        ]));
        lines.push(Line::from(vec![label("updated"), Span::raw(updated)]));
        lines.push(Line::from(vec![
            label("eTag"),
            Span::raw(etag.unwrap_or_default()),
        ]));
        let public = state.bucket_named(&shown.bucket).is_some_and(|b| b.public);
        match (app.settings().public_url(&shown.bucket, &path), public) {
            (Some(url), true) => {
                lines.push(Line::from(label("URL")));
                lines.push(Line::raw(url));
            }
            (_, false) => {
                let sign = app.keymap().keys_label(Scope::Buckets, Action::SignedUrl);
                lines.push(Line::styled(
                    format!("private bucket: {sign} signs a URL"),
                    theme.dim,
                ));
            }
            (None, true) => {}
        }
    }
    // A URL made for this object (signed, or its upload's), never another's.
    if let Some(url) = state.last_url_for(&format!("{}/{path}", shown.bucket)) {
        lines.push(Line::from(label("last URL")));
        lines.push(Line::styled(format::shown(url), theme.info));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// Size limit and allowed types of a bucket, when set.
fn bucket_limits(bucket: &Bucket) -> impl Iterator<Item = String> {
    let limit = bucket.file_size_limit.as_ref().and_then(|v| match v {
        serde_json::Value::Number(n) => n.as_u64().map(format::bytes),
        serde_json::Value::String(s) => Some(s.clone()),
        _ => None,
    });
    let types = bucket
        .allowed_mime_types
        .as_ref()
        .filter(|t| !t.is_empty())
        .map(|t| t.join(","));
    limit.into_iter().chain(types)
}

/// One entry; its name cut in the middle to `name_width`, so the extension stays visible. A
/// folder ends in `/` and is bold, which reads without colour too.
fn object_row<'a>(object: &ObjectEntry, name_width: usize, theme: &Theme) -> Row<'a> {
    if object.is_folder() {
        return Row::new(vec![
            Cell::from(Span::styled(
                format::truncate_middle(&format!("{}/", object.name), name_width),
                theme.info.add_modifier(ratatui::style::Modifier::BOLD),
            )),
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
        Cell::from(format::truncate_middle(&object.name, name_width)),
        Cell::from(Line::from(size).right_aligned()),
        Cell::from(Span::styled(updated, theme.dim)),
    ])
}

fn status_line<'a, T>(remote: &Remote<T>, what: &str, theme: &Theme) -> Paragraph<'a> {
    let line = match remote {
        Remote::NotLoaded => Line::styled(format!("{what}: not loaded (r)"), theme.dim),
        Remote::Loading => Line::styled(format!("loading {what}…"), theme.dim),
        Remote::Failed(message) => {
            Line::styled(format!("✗ {}", format::shown(message)), theme.error)
        }
        Remote::Loaded(_) => Line::raw(""),
    };
    Paragraph::new(line).wrap(ratatui::widgets::Wrap { trim: true })
}
