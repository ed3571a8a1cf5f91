//! The reading overlays' geometry (job details, message log): where the popup and its text go,
//! and how label/value rows wrap into screen lines. Pure functions that `ui` draws with and that
//! a click on an overlay is resolved with, so a click lands on the line the user sees.

use ratatui::layout::{Constraint, Layout, Rect};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::layout;
use super::preview::{PREVIEW_COLS, PREVIEW_ROWS};

/// Below this inner width the details view's text keeps the whole width: no thumbnail.
pub const MIN_WIDTH_WITH_PREVIEW: u16 = 64;

/// Where the reading overlays go: everything between the header and the notice bar, so the
/// notice and the keys stay visible.
pub fn overlay_area(area: Rect) -> Rect {
    let width = area.width.min(120);
    let x = area.x + (area.width - width) / 2;
    Rect::new(x, area.y + 1, width, area.height.saturating_sub(3))
}

/// A reading overlay's parts: the bordered popup, its text, and the picture's room at the top
/// right (only when the view has a picture and is wide and tall enough for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingAreas {
    pub popup: Rect,
    pub text: Rect,
    pub picture: Option<Rect>,
}

/// The parts of a reading overlay over `area`; `picture`: the view has one to show.
pub fn reading_areas(area: Rect, picture: bool) -> ReadingAreas {
    let popup = overlay_area(area);
    let inner = layout::inner(popup);
    if !picture || inner.width < MIN_WIDTH_WITH_PREVIEW || inner.height < PREVIEW_ROWS {
        return ReadingAreas {
            popup,
            text: inner,
            picture: None,
        };
    }
    let [text, beside] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(PREVIEW_COLS)])
            .spacing(1)
            .areas(inner);
    ReadingAreas {
        popup,
        text,
        picture: Some(Rect {
            height: PREVIEW_ROWS,
            ..beside
        }),
    }
}

/// One screen line of wrapped rows: which row it belongs to, the piece of its label (padded to
/// the label column, empty for a row without one) and the piece of its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrappedLine {
    pub row: usize,
    pub label: String,
    pub text: String,
}

/// Label/value rows as screen lines of at most `width` columns: values under each other (a
/// hanging indent), never cut; a row without a label takes the whole width.
pub fn wrap_rows<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str)> + Clone,
    width: u16,
) -> Vec<WrappedLine> {
    let width = usize::from(width).max(1);
    // The label column: as wide as the widest label, up to a third of the width.
    let column = rows
        .clone()
        .into_iter()
        .map(|(label, _)| label.width())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut lines = Vec::new();
    for (row, (label, text)) in rows.into_iter().enumerate() {
        if label.is_empty() {
            for piece in wrap_text(text, width) {
                lines.push(WrappedLine {
                    row,
                    label: String::new(),
                    text: piece,
                });
            }
            continue;
        }
        let indent = column + 1;
        let label = wrap_text(label, column.max(1));
        let text = wrap_text(text, width.saturating_sub(indent).max(1));
        for i in 0..label.len().max(text.len()) {
            let left = label.get(i).map_or("", String::as_str);
            let pad = " ".repeat(indent.saturating_sub(left.width()));
            lines.push(WrappedLine {
                row,
                label: format!("{left}{pad}"),
                text: text.get(i).cloned().unwrap_or_default(),
            });
        }
    }
    lines
}

/// The row drawn at screen line `line` of a text area (0 = its first line), for `lines` wrapped
/// rows scrolled to `offset`.
pub fn row_at_line(lines: &[WrappedLine], offset: u16, line: u16) -> Option<usize> {
    let index = usize::from(offset) + usize::from(line);
    lines.get(index).map(|l| l.row)
}

/// `text` broken at spaces into pieces of at most `width` columns; a word longer than the
/// width (a URL, a path) is broken where it must. Always at least one piece.
pub fn wrap_text(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let word_width = word.width();
        if used > 0 && used + 1 + word_width <= width {
            line.push(' ');
            line.push_str(word);
            used += 1 + word_width;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += w;
        }
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_wrap_and_long_ones_break() {
        assert_eq!(wrap_text("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_text("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_text("", 4), vec![""]);
        let long = "word ".repeat(50);
        assert!(wrap_text(&long, 13).iter().all(|l| l.chars().count() <= 13));
    }

    #[test]
    fn each_line_knows_its_row() {
        let rows = [("a", "one two three"), ("", "abcdefghij")];
        let lines = wrap_rows(rows, 8);
        let owners: Vec<usize> = lines.iter().map(|l| l.row).collect();
        assert_eq!(owners, vec![0, 0, 0, 1, 1]);
        assert_eq!(row_at_line(&lines, 2, 1), Some(1));
        assert_eq!(row_at_line(&lines, 0, 9), None);
    }
}
