//! The help overlay, drawn from the keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, panel};
use crate::app::App;
use crate::app::keymap::{KeyMap, Scope};

const KEYS_COLUMN: usize = 18;

/// Every key, the focused context's first, in one column that scrolls (↑/↓, PgUp/PgDn): it fits
/// any frame the dashboard draws in, down to 80x24 and below.
pub fn render_help(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = scope_lines(app.keymap(), &app.help_scopes(), theme, true);
    let total = lines.len() as u16;
    let height = (total + 2).min(area.height);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(72.min(area.width))])
        .flex(Flex::Center)
        .areas(popup);
    let visible = popup.height.saturating_sub(2);
    let last_start = total.saturating_sub(visible);
    let scroll = app.help_scroll().min(last_start);
    let title = if last_start == 0 {
        " Help — keys (Esc closes) ".to_string()
    } else {
        format!(
            " Help — lines {}–{} of {total} · ↑/↓ PgUp/PgDn scroll · Esc closes ",
            scroll + 1,
            (scroll + visible).min(total)
        )
    };
    frame.render_widget(Clear, popup);
    let block = panel(title, true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
}

fn scope_lines<'a>(
    keymap: &KeyMap,
    scopes: &[Scope],
    theme: &Theme,
    with_editing: bool,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for scope in scopes {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(scope.title(), theme.title));
        for binding in keymap.bindings_in(*scope) {
            lines.push(key_line(
                crate::app::keymap::join_keys(&binding.keys),
                binding.action.description(),
                theme,
            ));
        }
        if with_editing && *scope == Scope::Prompt {
            // The text field's own editing keys (ratatui-textarea's): not in the keymap, but
            // worth knowing.
            for (keys, what) in [
                ("←/→/Home/End", "move in the text (Alt-b/Alt-f: by word)"),
                ("Backspace/Ctrl-w", "delete char / word"),
                ("Ctrl-k", "delete to the end of the line"),
                ("Ctrl-u", "undo the last edit"),
            ] {
                lines.push(key_line(keys.to_string(), what, theme));
            }
        }
    }
    lines
}

fn key_line<'a>(keys: String, description: &str, theme: &Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("  {keys:<KEYS_COLUMN$}"), theme.key),
        Span::styled(description.to_string(), theme.text),
    ])
}
