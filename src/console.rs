//! Where the dashboard's terminal events come from, and lending the terminal to another program
//! (the prompt's editor, Ctrl-e) and taking it back.
//!
//! crossterm's `EventStream` reads the terminal on a thread of its own whenever the loop waits on
//! it. The editor starts from a key, when no read is waiting, but the stream is dropped anyway
//! (which stops that thread for good): nothing of the dashboard's may read the terminal while
//! the editor has it. A new stream is made once it exits.

use std::pin::Pin;
use std::task::{Context, Poll};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, Event, EventStream};
use futures_util::{Stream, StreamExt};

/// The terminal input the dashboard's loop reads, which it can lend to the user's editor.
pub trait Console: Stream<Item = std::io::Result<Event>> + Unpin {
    /// Stop reading the terminal, let the user's editor have it for `text`, take it back.
    /// What the editor saved, or why there is nothing (for a person).
    fn edit(&mut self, text: &str) -> Result<String, String>;
}

/// The real terminal, read through crossterm.
#[derive(Default)]
pub struct TerminalConsole {
    /// None while the terminal is lent; made on the next read.
    events: Option<EventStream>,
}

impl Stream for TerminalConsole {
    type Item = std::io::Result<Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        this.events
            .get_or_insert_with(EventStream::new)
            .poll_next_unpin(cx)
    }
}

impl Console for TerminalConsole {
    fn edit(&mut self, text: &str) -> Result<String, String> {
        // Dropping the stream tells its reader thread to stop (and wakes it to see that).
        self.events = None;
        let editor = crate::editor::editor_command();
        lend_terminal().map_err(|e| format!("cannot hand the terminal over ({e})"))?;
        let edited = crate::editor::edit_text(&editor, text);
        let taken_back = take_terminal_back();
        if let Err(e) = taken_back {
            tracing::warn!(error = %e, "the terminal was not fully set up again after the editor");
        }
        edited
    }
}

/// The terminal as a shell would leave it: main screen, cooked mode, the cursor shown, no
/// mouse capture, bracketed paste or keyboard protocol (the editor sets up what it wants).
fn lend_terminal() -> std::io::Result<()> {
    crossterm::execute!(
        std::io::stdout(),
        crossterm::event::PopKeyboardEnhancementFlags,
        DisableBracketedPaste,
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    )?;
    crossterm::terminal::disable_raw_mode()
}

/// The dashboard's terminal again: raw mode, the alternate screen, bracketed paste, the keyboard
/// protocol. The mouse is
/// the app's to set again (it knows whether it was on).
fn take_terminal_back() -> std::io::Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableBracketedPaste
    )?;
    push_keyboard_protocol();
    Ok(())
}

/// Events from a script (tests, `tui::drive`): there is no terminal to lend.
pub struct Scripted<I>(pub I);

impl<I: Stream<Item = std::io::Result<Event>> + Unpin> Stream for Scripted<I> {
    type Item = std::io::Result<Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().0.poll_next_unpin(cx)
    }
}

impl<I: Stream<Item = std::io::Result<Event>> + Unpin> Console for Scripted<I> {
    fn edit(&mut self, _text: &str) -> Result<String, String> {
        Err("this run reads scripted keys and has no terminal to lend an editor".into())
    }
}

/// Ask the terminal to tell Shift-Enter from Enter (the kitty keyboard protocol: kitty, foot,
/// WezTerm, Ghostty, recent iTerm2 and Alacritty). Users reach for Shift-Enter to break a line;
/// where the terminal sends it as a plain Enter it would send the prompt as a paid job.
/// Terminals without the protocol ignore the request; Alt-Enter and Ctrl-j work everywhere.
pub(crate) fn push_keyboard_protocol() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::PushKeyboardEnhancementFlags(
            crossterm::event::KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES
        )
    );
}
