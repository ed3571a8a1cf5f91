//! The parameter form over the dashboard: one row per parameter (its name, the typed value with
//! the cursor, default or changed, and under it the values it takes or why it is not valid),
//! the estimate of the values as typed, and the form's keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, format, panel};
use crate::app::keymap::{Action, Scope};
use crate::app::{App, Checked, FieldView, FormView};

/// The widest a parameter's name column gets; longer names are cut in the middle.
const NAME_COLUMN: usize = 18;
/// Room kept right of the value for `✗ not valid`.
const STATUS_COLUMN: usize = 12;

pub fn render_param_form(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(form) = app.param_form() else {
        return;
    };
    let width = area.width.saturating_sub(2).min(120);
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let footer = footer_lines(app, &form, theme);
    let footer_height: usize = footer
        .iter()
        .map(|line| line.width().div_ceil(inner_width).max(1))
        .sum();
    let wanted = form.fields.len() * 2 + 1 + footer_height + 2;
    let height = u16::try_from(wanted).unwrap_or(u16::MAX).min(area.height);
    let rect = Rect::new(
        area.x + area.width.saturating_sub(width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let shown = form.fields.len() * 2;
    let rows = usize::from(height.saturating_sub(2))
        .saturating_sub(footer_height + 1)
        .max(2)
        / 2;
    // Scroll so the focused field stays in view.
    let focused = form.fields.iter().position(|f| f.focused).unwrap_or(0);
    let first = (focused + 1).saturating_sub(rows);
    let mut title = format!(" Parameters · {} ", format::shown(&form.model));
    if rows * 2 < shown {
        title = format!(
            "{title}· fields {}–{} of {} ",
            first + 1,
            (first + rows).min(form.fields.len()),
            form.fields.len()
        );
    }
    let block = panel(title, true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);

    let name_width = form
        .fields
        .iter()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_COLUMN);
    let value_x = 2 + name_width + 1;
    let value_width = inner_width
        .saturating_sub(value_x + STATUS_COLUMN)
        .clamp(1, 40);
    let mut lines = Vec::new();
    for field in form.fields.iter().skip(first).take(rows) {
        lines.extend(field_lines(
            field,
            name_width,
            value_width,
            inner_width,
            theme,
        ));
    }
    // The fields keep two lines each (the cursor is placed by that), the footer wraps below.
    let body_height = lines.len();
    let body = Rect {
        height: inner
            .height
            .min(u16::try_from(body_height).unwrap_or(u16::MAX)),
        ..inner
    };
    let footer_area = Rect {
        y: inner.y + (body.height + 1).min(inner.height),
        height: inner.height.saturating_sub(body.height + 1),
        ..inner
    };
    frame.render_widget(Paragraph::new(lines), body);
    frame.render_widget(
        Paragraph::new(footer).wrap(Wrap { trim: false }),
        footer_area,
    );

    if !app.help_visible()
        && let Some(field) = form.fields.get(focused)
    {
        let row = (focused - first) * 2;
        let scroll = field.input.visual_scroll(value_width);
        let cursor = field.input.visual_cursor().saturating_sub(scroll);
        let x = u16::try_from(value_x + cursor).unwrap_or(u16::MAX);
        let y = u16::try_from(row).unwrap_or(u16::MAX);
        if row < body_height && x < inner.width && y < inner.height {
            frame.set_cursor_position((inner.x + x, inner.y + y));
        }
    }
}

/// The field's row (marker, name, value, state) and the line under it (what it takes).
fn field_lines<'a>(
    field: &FieldView,
    name_width: usize,
    value_width: usize,
    width: usize,
    theme: &Theme,
) -> [Line<'a>; 2] {
    let (marker, name_style) = if field.focused {
        ("› ", theme.key)
    } else {
        ("  ", theme.dim)
    };
    let name = format::truncate_middle(&field.name, name_width);
    let value = field.input.value();
    let (text, text_style) = if value.is_empty() {
        let placeholder = match &field.default {
            Some(default) => format!("{} (default)", format::shown(default)),
            None => "— (not sent)".to_string(),
        };
        (placeholder, theme.dim)
    } else {
        let scroll = field.input.visual_scroll(value_width);
        let style = match field.checked {
            Checked::Invalid => theme.error,
            Checked::Changed(_) => theme.accent,
            Checked::Default(_) => theme.text,
        };
        (format::shown(value).chars().skip(scroll).collect(), style)
    };
    let text: String = text.chars().take(value_width).collect();
    let padding = " ".repeat(value_width.saturating_sub(text.chars().count()));
    // The focused field reads as a field without colour too: the selection style covers it.
    let field_style = if field.focused {
        text_style.patch(theme.selected)
    } else {
        text_style
    };
    let (state, state_style) = match field.checked {
        Checked::Invalid => ("✗ not valid", theme.error),
        Checked::Changed(_) => ("changed", theme.accent),
        Checked::Default(_) => ("default", theme.dim),
    };
    let row = Line::from(vec![
        Span::styled(marker, theme.key),
        Span::styled(format!("{name:<name_width$} "), name_style),
        Span::styled(text, field_style),
        Span::styled(padding, field_style),
        Span::styled(format!(" {state}"), state_style),
    ]);
    let indent = 2 + name_width + 1;
    let (about, about_style): (String, Style) = if field.checked == Checked::Invalid {
        (
            format!("✗ valid: {}", format::shown(&field.valid)),
            theme.error,
        )
    } else {
        let default = match &field.default {
            Some(default) => format!("default {}", format::shown(default)),
            None => "not sent when empty".to_string(),
        };
        (
            format!("{} · {default}", format::shown(&field.valid)),
            theme.dim,
        )
    };
    // Cut to the line: the refusal below the fields gives the valid values in full.
    let about = format::truncate_end(&about, width.saturating_sub(indent));
    let about = Line::from(vec![
        Span::raw(" ".repeat(indent)),
        Span::styled(about, about_style),
    ]);
    [row, about]
}

/// Under the fields: the estimate, why Enter was refused, the form's keys.
fn footer_lines<'a>(app: &App, form: &FormView, theme: &Theme) -> Vec<Line<'a>> {
    let keymap = app.keymap();
    // The first key of each: the help lists them all.
    let keys = |action| {
        keymap
            .bindings_in(Scope::Form)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    let mut lines = vec![Line::from(vec![
        Span::styled("Next job: ", theme.dim),
        Span::styled(form.estimate.clone(), theme.accent),
    ])];
    if let Some(refusal) = &form.refusal {
        lines.push(Line::styled(
            format!("✗ {}", format::shown(refusal)),
            theme.error,
        ));
    }
    lines.push(Line::from(vec![
        Span::styled(keys(Action::ApplyParameters), theme.key),
        Span::styled(" apply · ", theme.dim),
        Span::styled(keys(Action::DiscardParameters), theme.key),
        Span::styled(" discard · ", theme.dim),
        Span::styled(
            format!("{}/{}", keys(Action::PrevField), keys(Action::NextField)),
            theme.key,
        ),
        Span::styled(" field · ", theme.dim),
        Span::styled(
            format!("{}/{}", keys(Action::PrevValue), keys(Action::NextValue)),
            theme.key,
        ),
        // Free text takes them as cursor keys.
        Span::styled(
            if form.fields.iter().any(|f| f.focused && !f.steps) {
                " move in the text · empty = default"
            } else {
                " value · empty = default"
            },
            theme.dim,
        ),
    ]));
    lines
}
