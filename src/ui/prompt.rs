//! The prompt line and the parameters the next job will use.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, fit, format, panel};
use crate::app::App;
use crate::app::keymap::{Action, Scope};
use crate::app::layout::{self, PromptAreas};

const PROMPT_MARK: &str = "› ";

/// `typing`: the prompt has the keys, so the terminal cursor is placed in it.
pub fn render_prompt(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, typing: bool) {
    let block = panel(" Prompt ", typing, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let PromptAreas {
        mark: mark_area,
        text: text_area,
        params: params_area,
        note: note_area,
    } = layout::prompt_split(inner);
    frame.render_widget(Span::styled(PROMPT_MARK, theme.key), mark_area);

    let input = &app.prompt().input;
    if input.is_empty() {
        let keymap = app.keymap();
        let key = |action| keymap.first_key_label(Scope::Prompt, action);
        let placeholder = if typing {
            format!(
                "Describe a video, then {} · {} new line · {} your editor",
                key(Action::Submit),
                key(Action::NewLine),
                key(Action::EditExternally)
            )
        } else {
            "Describe a video… (i or Tab to edit)".to_string()
        };
        frame.render_widget(Span::styled(placeholder, theme.dim), text_area);
    } else {
        // The widget soft-wraps and scrolls to keep the cursor in view; the panel's colours
        // go over it.
        frame.render_widget(input.widget(), text_area);
        frame.buffer_mut().set_style(text_area, theme.text);
    }
    if typing {
        let widget = input.widget();
        let cursor = widget.screen_cursor();
        let (top_row, top_col) = widget.scroll_offset();
        let column = cursor.col.saturating_sub(usize::from(top_col));
        let row = cursor.row.saturating_sub(usize::from(top_row));
        let (column, row) = (
            u16::try_from(column).unwrap_or(u16::MAX),
            u16::try_from(row).unwrap_or(u16::MAX),
        );
        let x = text_area
            .x
            .saturating_add(column)
            .min(text_area.right().saturating_sub(1));
        let y = text_area
            .y
            .saturating_add(row)
            .min(text_area.bottom().saturating_sub(1));
        frame.set_cursor_position((x, y));
    }

    let params = if app.prompt().model.is_some() && app.prompt().remix_of.is_none() {
        catalogue_line(app, theme, usize::from(params_area.width))
    } else {
        parameters_line(app, theme, usize::from(params_area.width))
    };
    frame.render_widget(Paragraph::new(params), params_area);
    let note = note_line(app, theme, usize::from(note_area.width));
    frame.render_widget(Paragraph::new(note), note_area);
}

/// Under the parameters: a Sora family's shutdown, or how to change a catalogue parameter.
fn note_line<'a>(app: &App, theme: &Theme, width: usize) -> Line<'a> {
    let keymap = app.keymap();
    let label = |action| keymap.keys_label(Scope::Prompt, action);
    let form = format!("{} parameter form", label(Action::EditParameters));
    if let Some(retired) = app.active_service().and_then(|s| s.retirement.clone()) {
        let whole = format!("{retired} · {form}");
        // In fewer columns, the notice without its asides keeps its date in sight (the
        // doctor's lifecycle check has it whole).
        let text = if whole.chars().count() > width {
            format!("{} · {form}", without_asides(&retired))
        } else {
            whole
        };
        return Line::styled(text, theme.dim);
    }
    if app.prompt().model.is_none() {
        return Line::styled(form, theme.dim);
    }
    // A value the model does not take comes first: it is what stops the next job.
    let mut spans = Vec::new();
    if let Some(bad) = app
        .catalogue_params()
        .into_iter()
        .find(|p| p.invalid.is_some())
    {
        spans.push(Span::styled(
            format!(
                "✗ {} {} is not taken; valid: {}  ",
                bad.name,
                bad.value.unwrap_or_default(),
                bad.invalid.unwrap_or_default()
            ),
            theme.error,
        ));
    }
    spans.push(Span::styled(
        format!(
            "{form} · {}/{} parameter · {}/{} value · {} model · {} service",
            label(Action::PrevParam),
            label(Action::NextParam),
            label(Action::PrevValue),
            label(Action::NextValue),
            label(Action::NextModel),
            label(Action::NextService),
        ),
        theme.dim,
    ));
    Line::from(spans)
}

/// `text` without its parenthesised asides (nested ones too), spaces before them dropped.
fn without_asides(text: &str) -> String {
    let mut kept = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth == 1 {
                    while kept.ends_with(' ') {
                        kept.pop();
                    }
                }
            }
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => kept.push(c),
            _ => {}
        }
    }
    kept.trim().to_string()
}

/// A Runway or fal model: each of its parameters with the value sent, then the estimate; the
/// estimate moves up beside the model when the line is wider than `width`, so the cost of the
/// next job is never the part cut off.
fn catalogue_line<'a>(app: &App, theme: &Theme, width: usize) -> Line<'a> {
    let model = app
        .prompt()
        .model
        .as_ref()
        .map(|m| m.model().to_string())
        .unwrap_or_default();
    let mut spans = vec![Span::styled(format!("{model} "), theme.dim)];
    let params = app.catalogue_params();
    if params.is_empty() {
        spans.push(Span::styled("no parameters", theme.dim));
    }
    for (i, p) in params.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.dim));
        }
        let value = p.value.clone().unwrap_or_else(|| "—".to_string());
        let value_style = if p.invalid.is_some() {
            theme.error
        } else if p.changed {
            theme.accent
        } else {
            theme.text
        };
        let (open, close) = if p.selected { ("[", "]") } else { ("", "") };
        let name_style = if p.selected { theme.key } else { theme.dim };
        spans.push(Span::styled(format!("{open}{} ", p.name), name_style));
        spans.push(Span::styled(format::shown(&value), value_style));
        spans.push(Span::styled(close, name_style));
    }
    let cost = app
        .estimate_text()
        .map_or_else(|| "price unknown".to_string(), |c| format!("≈ {c}"));
    if fit::width(&spans) + 5 + cost.chars().count() > width {
        spans.insert(1, Span::styled(cost, theme.accent));
        spans.insert(2, Span::styled("  ·  ", theme.dim));
    } else {
        spans.push(Span::styled("  ·  ", theme.dim));
        spans.push(Span::styled(cost, theme.accent));
    }
    Line::from(spans)
}

/// Sora's size, length and variants with their keys, the estimate and where the video goes. In
/// fewer than `width` columns the keys go first (the hint bar and the help have them), then
/// the estimate moves up beside the model.
fn parameters_line<'a>(app: &App, theme: &Theme, width: usize) -> Line<'a> {
    let prompt = app.prompt();
    if let Some(source) = &prompt.remix_of {
        return Line::from(vec![
            Span::styled("remix of ", theme.dim),
            Span::styled(source.clone(), theme.accent),
            Span::styled(
                "  ·  describe the change, Enter sends it, Esc cancels",
                theme.dim,
            ),
        ]);
    }
    let keymap = app.keymap();
    let variants = if prompt.variants == 1 {
        "1 variant".to_string()
    } else {
        format!("{} variants", prompt.variants)
    };
    let upload = if app.settings().auto_upload {
        format!("auto-upload to {}", app.settings().output_bucket)
    } else {
        "upload with u".to_string()
    };
    let cost = match app.estimate_text() {
        Some(dollars) => format!("≈ {dollars}"),
        None => "price unknown".to_string(),
    };
    let model = Span::styled(format!("{} ", app.sora_profile().model), theme.dim);
    let values = |with_keys: bool| {
        let keys = |action| {
            let label = format!(" ({})", keymap.keys_label(Scope::Prompt, action));
            Span::styled(if with_keys { label } else { String::new() }, theme.dim)
        };
        vec![
            Span::styled("size ", theme.dim),
            Span::styled(prompt.size.to_string(), theme.accent),
            keys(Action::NextSize),
            Span::styled("  ·  ", theme.dim),
            Span::styled(format!("{}s", prompt.seconds), theme.accent),
            keys(Action::MoreSeconds),
            Span::styled("  ·  ", theme.dim),
            Span::styled(variants.clone(), theme.accent),
            keys(Action::MoreVariants),
        ]
    };
    let cost = Span::styled(cost, theme.accent);
    let upload = Span::styled(upload, theme.dim);
    let sep = || Span::styled("  ·  ", theme.dim);
    let mut spans = vec![model.clone()];
    spans.extend(values(true));
    spans.extend([sep(), cost.clone(), sep(), upload.clone()]);
    if fit::width(&spans) <= width {
        return Line::from(spans);
    }
    let mut spans = vec![model.clone()];
    spans.extend(values(false));
    spans.extend([sep(), cost.clone()]);
    if fit::width(&spans) <= width {
        spans.extend([sep(), upload]);
        return Line::from(spans);
    }
    let mut spans = vec![model, cost, sep()];
    spans.extend(values(false));
    spans.extend([sep(), upload]);
    Line::from(spans)
}
