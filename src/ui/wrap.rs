//! Long text on narrow screens: label/value rows word-wrapped to a width, values under each
//! other (a hanging indent), never cut. The reading overlays build their lines here, so they
//! know exactly how many there are and can scroll to the last one.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::format::shown;

/// One logical row: a dim label (may be empty) and its value in `style`.
#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    pub text: String,
    pub style: Style,
}

impl Row {
    pub fn new(label: impl Into<String>, text: impl AsRef<str>, style: Style) -> Self {
        Self {
            label: label.into(),
            text: shown(text.as_ref()),
            style,
        }
    }

    /// A line of its own across the whole width (a heading, a blank).
    pub fn full(text: impl AsRef<str>, style: Style) -> Self {
        Self::new("", text, style)
    }
}

/// The rows as screen lines of at most `width` columns.
pub fn wrap_rows(rows: &[Row], width: u16, label_style: Style) -> Vec<Line<'static>> {
    let width = usize::from(width).max(1);
    // The label column: as wide as the widest label, up to a third of the width.
    let column = rows
        .iter()
        .map(|r| r.label.width())
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut lines = Vec::new();
    for row in rows {
        if row.label.is_empty() {
            for piece in wrap_text(&row.text, width) {
                lines.push(Line::from(Span::styled(piece, row.style)));
            }
            continue;
        }
        let indent = column + 1;
        let label = wrap_text(&row.label, column.max(1));
        let text = wrap_text(&row.text, width.saturating_sub(indent).max(1));
        for i in 0..label.len().max(text.len()) {
            let left = label.get(i).map_or("", String::as_str);
            let pad = " ".repeat(indent.saturating_sub(left.width()));
            let right = text.get(i).cloned().unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("{left}{pad}"), label_style),
                Span::styled(right, row.style),
            ]));
        }
    }
    lines
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
    use super::wrap_text;

    #[test]
    fn words_wrap_and_long_ones_break() {
        assert_eq!(wrap_text("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_text("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap_text("", 4), vec![""]);
        let long = "word ".repeat(50);
        assert!(wrap_text(&long, 13).iter().all(|l| l.chars().count() <= 13));
    }
}
