//! The prompt's text: several lines, soft-wrapped on screen, with the editing keys people know
//! from shells and editors (ratatui-textarea's: Ctrl-a/e-style motions, Ctrl-w, undo on Ctrl-u).
//! The app owns it; the prompt panel draws it as it is.

use crossterm::event::KeyEvent;
use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// What the user is typing into the prompt.
#[derive(Debug, Clone)]
pub struct PromptText {
    area: TextArea<'static>,
}

impl Default for PromptText {
    fn default() -> Self {
        Self::new("")
    }
}

impl PromptText {
    /// A field holding `text`, the cursor at its end.
    pub fn new(text: &str) -> Self {
        let mut area = TextArea::new(text.split('\n').map(str::to_string).collect());
        // The panel gives the colours and the real terminal cursor shows where typing goes:
        // the widget's own reversed cell and underlined line would be a second cursor.
        area.set_cursor_style(Style::default());
        area.set_cursor_line_style(Style::default());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Self { area }
    }

    /// The whole text, its lines joined by `\n`.
    pub fn value(&self) -> String {
        self.area.lines().join("\n")
    }

    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// The widget, for the prompt panel to draw.
    pub fn widget(&self) -> &TextArea<'static> {
        &self.area
    }

    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// A key no binding took: text, a motion or an edit.
    pub fn handle_key(&mut self, key: KeyEvent) {
        self.area.input(key);
    }

    pub fn insert_newline(&mut self) {
        self.area.insert_newline();
    }

    /// `text` at the cursor, line breaks kept; tabs and other control characters become spaces
    /// (a tab would jump the soft wrap, an escape would reach the terminal).
    pub fn insert_text(&mut self, text: &str) {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
            .collect();
        self.area.insert_str(clean);
    }

    /// A click on the text, `row` and `column` counted from the top left of the area it was
    /// last drawn in: the cursor goes where the click landed (clamped to the text).
    pub fn click(&mut self, row: u16, column: u16) {
        let (top_row, top_col) = self.area.scroll_offset();
        let at = self.area.screen_to_data(
            usize::from(row.saturating_add(top_row)),
            usize::from(column.saturating_add(top_col)),
        );
        let row = u16::try_from(at.0).unwrap_or(u16::MAX);
        let column = u16::try_from(at.1).unwrap_or(u16::MAX);
        self.area.move_cursor(CursorMove::Jump(row, column));
    }

    /// Move the cursor one line up (or down) in a prompt of several lines; false when the
    /// prompt is one line, so the key keeps its single-line meaning.
    pub fn move_line(&mut self, up: bool) -> bool {
        if self.area.lines().len() < 2 {
            return false;
        }
        self.area
            .move_cursor(if up { CursorMove::Up } else { CursorMove::Down });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::PromptText;

    #[test]
    fn pasted_line_breaks_stay_and_controls_become_spaces() {
        let mut text = PromptText::default();
        text.insert_text("a cat\r\non a\tboat\rat dusk\x1b");
        assert_eq!(text.value(), "a cat\non a boat\nat dusk ");
        assert_eq!(text.lines().len(), 3);
    }

    #[test]
    fn a_new_field_has_its_cursor_at_the_end() {
        let mut text = PromptText::new("one\ntwo");
        text.insert_text("!");
        assert_eq!(text.value(), "one\ntwo!");
    }
}
