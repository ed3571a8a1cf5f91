//! The notice bar: the newest message on one line (saying where the rest is when it had to be
//! cut), and the jobs that ended while the user looked elsewhere.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

use super::{Theme, format};
use crate::app::keymap::{Action, Scope};
use crate::app::{App, NoticeLevel};

pub fn render_notice(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut width = usize::from(area.width);
    // Jobs that ended out of sight, on the right, until the jobs panel is looked at.
    let ended = app.ended_unseen();
    if !ended.is_empty() {
        let mut spans = vec![Span::styled(" ended: ", theme.dim)];
        for (key, ok) in ended.iter().rev().take(4).rev() {
            let (mark, style) = if *ok {
                ("✓", theme.ok)
            } else {
                ("✗", theme.error)
            };
            spans.push(Span::styled(format!("{mark}{key} "), style));
        }
        let badge = Line::from(spans).right_aligned();
        width = width.saturating_sub(badge.width());
        frame.render_widget(badge, area);
    }
    let Some(notice) = app.notice() else {
        return;
    };
    let (mark, style) = match notice.level {
        NoticeLevel::Info => ("ℹ ", theme.info),
        NoticeLevel::Warning => ("⚠ ", theme.warning),
        NoticeLevel::Error => ("✗ ", theme.error),
    };
    let room = width.saturating_sub(mark.width());
    let text = format::shown(&notice.text);
    let mut spans = vec![Span::styled(mark, style)];
    if text.width() <= room {
        spans.push(Span::styled(text, style));
    } else {
        // Cut: say where the whole message is.
        let keys = app.keymap().keys_label(Scope::Browse, Action::ShowMessages);
        let hint = format!("… — {keys}: all messages");
        let kept = cut_to_width(&text, room.saturating_sub(hint.width()));
        spans.push(Span::styled(kept, style));
        spans.push(Span::styled(hint, theme.dim));
    }
    let notice_area = Rect {
        width: u16::try_from(width).unwrap_or(area.width).min(area.width),
        ..area
    };
    frame.render_widget(Line::from(spans), notice_area);
}

/// The longest start of `text` at most `width` columns wide.
fn cut_to_width(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out
}
