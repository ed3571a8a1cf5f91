//! The help overlay, drawn from the keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, panel};
use crate::app::keymap::{KeyMap, Scope};

const LEFT_SCOPES: [Scope; 4] = [Scope::Global, Scope::Browse, Scope::Prompt, Scope::Help];
const RIGHT_SCOPES: [Scope; 3] = [Scope::Jobs, Scope::Downloads, Scope::Buckets];
const KEYS_COLUMN: usize = 18;

pub fn render_help(keymap: &KeyMap, theme: &Theme, frame: &mut Frame, area: Rect) {
    let left = scope_lines(keymap, &LEFT_SCOPES, theme, true);
    let right = scope_lines(keymap, &RIGHT_SCOPES, theme, false);
    let needed = left.len().max(right.len()) as u16 + 2;
    let [popup] = Layout::vertical([Constraint::Length(needed.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(100.min(area.width))])
        .flex(Flex::Center)
        .areas(popup);
    frame.render_widget(Clear, popup);
    let block = panel(" Help — keys (Esc closes) ", true, theme);
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .spacing(2)
            .areas(inner);
    frame.render_widget(Paragraph::new(left), left_area);
    frame.render_widget(Paragraph::new(right), right_area);
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
            // tui-input's own editing keys: not in the keymap, but worth knowing.
            lines.push(key_line(
                "←/→/Home/End".to_string(),
                "move in the text",
                theme,
            ));
            lines.push(key_line(
                "Backspace/Ctrl-W".to_string(),
                "delete char / word",
                theme,
            ));
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
