//! Long text on narrow screens: label/value rows word-wrapped to a width, values under each
//! other (a hanging indent), never cut. The reading overlays build their lines here, so they
//! know exactly how many there are and can scroll to the last one; the wrapping itself is
//! `app::reading`'s, which a click on an overlay is resolved with.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::format::shown;
use crate::app::reading;

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

/// The rows as screen lines of at most `width` columns, wrapped by
/// [`crate::app::reading::wrap_rows`] (the same lines a click on the overlay is resolved with).
pub fn wrap_rows(rows: &[Row], width: u16, label_style: Style) -> Vec<Line<'static>> {
    let pairs = rows.iter().map(|r| (r.label.as_str(), r.text.as_str()));
    reading::wrap_rows(pairs, width)
        .into_iter()
        .map(|line| {
            let style = rows.get(line.row).map_or(label_style, |r| r.style);
            if rows.get(line.row).is_some_and(|r| r.label.is_empty()) {
                Line::from(Span::styled(line.text, style))
            } else {
                Line::from(vec![
                    Span::styled(line.label, label_style),
                    Span::styled(line.text, style),
                ])
            }
        })
        .collect()
}
