//! The message log overlay: every notice, warning and error of the session with its time,
//! oldest at the top, newest at the bottom (where it opens), full text wrapped. The program's
//! log file is named first.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::details::render_reading;
use super::wrap::Row;
use super::{Theme, format};
use crate::app::keymap::{Action, Scope};
use crate::app::{App, NoticeLevel, Scroll};

/// Returns the first line shown at the log's end (see `ScrollLimits`).
pub fn render_messages(
    app: &App,
    scroll: Scroll,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) -> u16 {
    let log = app.messages();
    let mut rows = vec![match &app.settings().log_file {
        Some(path) => Row::new("program log", path.display().to_string(), theme.text),
        None => Row::new("program log", "(none: no log file was opened)", theme.dim),
    }];
    // Why the thumbnails are blocks (or pictures): what the terminal answered at start.
    if let Some(thumbnails) = &app.settings().thumbnails {
        rows.push(Row::new("thumbnails", thumbnails, theme.text));
    }
    let save = app
        .keymap()
        .keys_label(Scope::Messages, Action::SaveMessages);
    let mut summary = format!("{} message(s)", log.len());
    if log.dropped() > 0 {
        summary.push_str(&format!(", {} older dropped", log.dropped()));
    }
    if !save.is_empty() {
        summary.push_str(&format!(" · {save} saves them to a file"));
    }
    rows.push(Row::full(summary, theme.dim));
    rows.push(Row::full("", theme.text));
    if log.is_empty() {
        rows.push(Row::full("Nothing said yet.", theme.dim));
    }
    for message in log.entries() {
        let (mark, style) = match message.level {
            NoticeLevel::Info => ("ℹ", theme.text),
            NoticeLevel::Warning => ("⚠", theme.warning),
            NoticeLevel::Error => ("✗", theme.error),
        };
        rows.push(Row::new(
            format!("{} {mark}", format::clock(message.at)),
            &message.text,
            style,
        ));
    }
    render_reading("Messages", &rows, scroll, theme, frame, area)
}
