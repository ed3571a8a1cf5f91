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
    let mut lines = scope_lines(app.keymap(), &app.help_scopes(), theme, true);
    // The command line's verbs: first when `:help` asked, else after the text field's keys
    // (its Tab completes them).
    let at = if app.help_commands_first() {
        0
    } else {
        section_end(&lines, Scope::Input.title())
    };
    let mut commands = command_lines(theme);
    if at > 0 {
        commands.insert(0, Line::raw(""));
    } else {
        commands.push(Line::raw(""));
    }
    lines.splice(at..at, commands);
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

/// The index after the section titled `title` (its keys), or the end.
fn section_end(lines: &[Line], title: &str) -> usize {
    let text = |line: &Line| -> String { line.spans.iter().map(|s| s.content.as_ref()).collect() };
    let Some(start) = lines.iter().position(|l| text(l) == title) else {
        return lines.len();
    };
    lines[start..]
        .iter()
        .position(|l| text(l).is_empty())
        .map_or(lines.len(), |end| start + end)
}

/// Every verb of the `:` command line with its usage, from the list the command line runs.
fn command_lines<'a>(theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        "Command line (: opens it, Tab completes)",
        theme.title,
    )];
    for verb in crate::app::command_line::VERBS {
        let usage = verb.usage();
        if usage.chars().count() < KEYS_COLUMN {
            lines.push(key_line(usage, verb.what, theme));
        } else {
            // A long usage on a line of its own, so the description keeps its column.
            lines.push(Line::styled(format!("  {usage}"), theme.key));
            lines.push(key_line(String::new(), verb.what, theme));
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
