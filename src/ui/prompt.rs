//! The prompt line and the parameters the next job will use.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, format, panel};
use crate::app::App;
use crate::app::keymap::{Action, Scope};

const PROMPT_MARK: &str = "› ";

/// `typing`: the prompt has the keys, so the terminal cursor is placed in it.
pub fn render_prompt(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, typing: bool) {
    let block = panel(" Prompt ", typing, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input_area, params_area, note_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let input = &app.prompt().input;
    let mark_width = PROMPT_MARK.chars().count() as u16;
    let text_width = usize::from(input_area.width.saturating_sub(mark_width).max(1));
    // Scroll horizontally so the cursor stays visible in a long prompt.
    let scroll = input.visual_scroll(text_width);
    let text = if input.value().is_empty() && !typing {
        Span::styled("Describe a video… (i or Tab to edit)", theme.dim)
    } else if input.value().is_empty() {
        Span::styled("Describe a video, then Enter", theme.dim)
    } else {
        Span::styled(
            input.value().chars().skip(scroll).collect::<String>(),
            theme.text,
        )
    };
    frame.render_widget(
        Line::from(vec![Span::styled(PROMPT_MARK, theme.key), text]),
        input_area,
    );
    if typing {
        let cursor = input.visual_cursor().saturating_sub(scroll) as u16;
        frame.set_cursor_position((input_area.x + mark_width + cursor, input_area.y));
    }

    let params = if app.prompt().model.is_some() && app.prompt().remix_of.is_none() {
        catalogue_line(app, theme)
    } else {
        parameters_line(app, theme)
    };
    frame.render_widget(Paragraph::new(params), params_area);
    frame.render_widget(Paragraph::new(note_line(app, theme)), note_area);
}

/// Under the parameters: a Sora family's shutdown, or how to change a catalogue parameter.
fn note_line<'a>(app: &App, theme: &Theme) -> Line<'a> {
    let keymap = app.keymap();
    let label = |action| keymap.keys_label(Scope::Prompt, action);
    let form = format!("{} parameter form", label(Action::EditParameters));
    if let Some(retired) = app.active_service().and_then(|s| s.retirement.clone()) {
        return Line::styled(format!("{retired} · {form}"), theme.dim);
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

/// A Runway or fal model: each of its parameters with the value sent, then the estimate.
fn catalogue_line<'a>(app: &App, theme: &Theme) -> Line<'a> {
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
    spans.push(Span::styled("  ·  ", theme.dim));
    spans.push(Span::styled(cost, theme.accent));
    Line::from(spans)
}

fn parameters_line<'a>(app: &App, theme: &Theme) -> Line<'a> {
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
    let keys = |action| format!(" ({})", keymap.keys_label(Scope::Prompt, action));
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
    Line::from(vec![
        Span::styled(format!("{} ", app.sora_profile().model), theme.dim),
        Span::styled("size ", theme.dim),
        Span::styled(prompt.size.to_string(), theme.accent),
        Span::styled(keys(Action::NextSize), theme.dim),
        Span::styled("  ·  ", theme.dim),
        Span::styled(format!("{}s", prompt.seconds), theme.accent),
        Span::styled(keys(Action::MoreSeconds), theme.dim),
        Span::styled("  ·  ", theme.dim),
        Span::styled(variants, theme.accent),
        Span::styled(keys(Action::MoreVariants), theme.dim),
        Span::styled("  ·  ", theme.dim),
        Span::styled(cost, theme.accent),
        Span::styled("  ·  ", theme.dim),
        Span::styled(upload, theme.dim),
    ])
}
