//! The prompt line and the parameters the next job will use.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, panel};
use crate::app::App;
use crate::app::keymap::{Action, Scope};

const PROMPT_MARK: &str = "› ";

/// `typing`: the prompt has the keys, so the terminal cursor is placed in it.
pub fn render_prompt(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, typing: bool) {
    let block = panel(" Prompt ", typing, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [input_area, params_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(inner);

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

    frame.render_widget(Paragraph::new(parameters_line(app, theme)), params_area);
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
    let cost = match app
        .settings()
        .profile
        .estimate(&sora_core::providers::GenerationRequest {
            prompt: String::new(),
            size: prompt.size,
            seconds: prompt.seconds,
            variants: prompt.variants,
            image: None,
            params: Vec::new(),
        }) {
        Some(dollars) => format!("≈ ${dollars:.2}"),
        None => "price unknown".to_string(),
    };
    Line::from(vec![
        Span::styled(format!("{} ", app.settings().profile.model), theme.dim),
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
