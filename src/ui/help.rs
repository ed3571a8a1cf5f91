//! The help overlay, drawn from the keymap so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Theme, panel};
use crate::app::App;
use crate::app::keymap::{KeyMap, Scope};
use crate::app::reading::wrap_text;

const KEYS_COLUMN: usize = 18;
/// The popup's width where the terminal has it.
const POPUP_WIDTH: u16 = 72;

/// Every key, the focused context's first, in one column that scrolls (↑/↓, PgUp/PgDn): it fits
/// any frame the dashboard draws in, down to 80x24 and below.
/// Returns the first line shown at the list's end (see `ScrollLimits`).
pub fn render_help(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) -> u16 {
    // The popup's inner width: a description longer than its room wraps under itself.
    let text_width = usize::from(POPUP_WIDTH.min(area.width).saturating_sub(2));
    let mut lines = scope_lines(app.keymap(), &app.help_scopes(), theme, text_width);
    // The command line's verbs: first when `:help` asked, else after the text field's keys
    // (its Tab completes them).
    let at = if app.help_commands_first() {
        0
    } else {
        section_end(&lines, Scope::Input.title())
    };
    let mut commands = command_lines(theme, text_width);
    if at > 0 {
        commands.insert(0, Line::raw(""));
    } else {
        commands.push(Line::raw(""));
    }
    lines.splice(at..at, commands);
    let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
    let height = (total + 2).min(area.height);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(POPUP_WIDTH.min(area.width))])
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
    last_start
}

fn scope_lines<'a>(
    keymap: &KeyMap,
    scopes: &[Scope],
    theme: &Theme,
    width: usize,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for scope in scopes {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(scope.title(), theme.title));
        for binding in keymap.bindings_in(*scope) {
            lines.extend(key_lines(
                crate::app::keymap::join_keys(&binding.keys),
                binding.action.description(),
                theme,
                width,
            ));
        }
        for (keys, what) in editing_keys(*scope) {
            lines.extend(key_lines(keys.to_string(), what, theme, width));
        }
    }
    lines
}

/// A text field's own editing keys: not in the keymap (the editing widgets have them), but
/// worth knowing. The prompt is ratatui-textarea's, the one-line fields tui-input's.
fn editing_keys(scope: Scope) -> &'static [(&'static str, &'static str)] {
    match scope {
        Scope::Prompt => &[
            ("←/→/Home/End", "move in the text (Alt-b/Alt-f: by word)"),
            ("Backspace/Ctrl-w", "delete char / word"),
            ("Ctrl-k", "delete to the end of the line"),
            ("Ctrl-u", "undo the last edit"),
        ],
        Scope::Input | Scope::Filter | Scope::Form => &[
            ("←/→ Ctrl-←/→", "move by character / word"),
            ("Home/End Ctrl-a/e", "to the start / end"),
            ("Backspace/Delete", "delete a character"),
            ("Ctrl-w/Alt-Bksp", "delete the word before the cursor"),
            ("Ctrl-k/Ctrl-u", "delete to the end / the whole text"),
        ],
        _ => &[],
    }
}

/// A key and what it does; a description longer than `width` leaves wraps under itself, so
/// nothing is cut at the popup's border.
fn key_lines<'a>(keys: String, description: &str, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let indent = 2 + KEYS_COLUMN.max(keys.chars().count());
    let room = width.saturating_sub(indent).max(12);
    let mut pieces = wrap_text(description, room).into_iter();
    let first = pieces.next().unwrap_or_default();
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("  {keys:<KEYS_COLUMN$}"), theme.key),
        Span::styled(first, theme.text),
    ])];
    lines.extend(pieces.map(|piece| {
        Line::from(vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(piece, theme.text),
        ])
    }));
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
fn command_lines<'a>(theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        "Command line (: opens it, Tab completes)",
        theme.title,
    )];
    for verb in crate::app::command_line::VERBS {
        let usage = verb.usage();
        if usage.chars().count() < KEYS_COLUMN {
            lines.extend(key_lines(usage, verb.what, theme, width));
        } else {
            // A long usage on a line of its own, so the description keeps its column.
            lines.push(Line::styled(format!("  {usage}"), theme.key));
            lines.extend(key_lines(String::new(), verb.what, theme, width));
        }
    }
    lines
}
