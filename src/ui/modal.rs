//! The open text field or question, drawn over whatever page or panel is below it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::{Theme, panel};
use crate::app::keymap::Action;
use crate::app::{App, InputPurpose, Modal};

/// The modal, centred over `area`, tall enough for its wrapped question.
pub fn render_modal(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(modal) = app.modal() else {
        return;
    };
    let width = area.width.saturating_sub(4).min(90);
    let keymap = app.keymap();
    let scope = modal.scope();
    let keys = |action| keymap.keys_label(scope, action);
    let (title, body, hint) = match modal {
        Modal::Input { purpose, input } => (
            // The command line's title follows what is typed: the usage of the verb named.
            match purpose {
                InputPurpose::CommandLine => crate::app::command_line::hint(input.value()),
                _ => purpose.title(),
            },
            Line::raw(format!("{}▏", input.value())),
            Line::styled(
                format!(
                    "{} confirm · {} cancel",
                    keys(Action::Confirm),
                    keys(Action::Cancel)
                ),
                theme.dim,
            ),
        ),
        Modal::Confirm(question) => {
            let hint = if question.takes_keys(app.now()) {
                Line::styled(
                    format!(
                        "{} yes · {} no (nothing changes)",
                        keys(Action::Confirm),
                        keys(Action::Cancel)
                    ),
                    theme.dim,
                )
            } else {
                // Keys typed now are dropped: say so, so a dropped `y` is no mystery.
                Line::styled(
                    "read the question: keys are ignored for a moment…",
                    theme.dim,
                )
            };
            (
                "Confirm".to_string(),
                // The question names objects and jobs from the server: shown, never obeyed.
                Line::styled(super::format::shown(&question.text), theme.warning),
                hint,
            )
        }
    };
    // Borders, the body wrapped at the inner width (with a line to spare for word breaks), the hint.
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let body_lines = body.width().div_ceil(inner_width).max(1) + 1;
    let height = u16::try_from(body_lines + 3)
        .unwrap_or(u16::MAX)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width.saturating_sub(width)) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, rect);
    let block = panel(format!(" {title} "), true, theme);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(
        Paragraph::new(vec![body, hint]).wrap(Wrap { trim: false }),
        inner,
    );
}
