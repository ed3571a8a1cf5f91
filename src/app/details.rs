//! The two reading overlays: the details of one job (everything the dashboard knows about it,
//! nothing cut) and the session's message log. Each takes the keys while it is open: scroll,
//! close, and in the log, save.

use crossterm::event::KeyEvent;

use super::keymap::{Action, Scope};
use super::{App, Effect};
use sora_core::engine::JobKey;

/// Lines PgUp/PgDn move; the view height is a render concern.
const PAGE_LINES: u16 = 10;

/// Where a scrolled view stands: counted from the top, or from the bottom (a log that follows
/// its newest line). The renderer clamps it to what there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    FromTop(u16),
    FromBottom(u16),
}

impl Scroll {
    /// The first line shown, for `total` lines in a view of `visible`.
    pub fn offset(self, total: u16, visible: u16) -> u16 {
        let last = total.saturating_sub(visible);
        match self {
            Scroll::FromTop(n) => n.min(last),
            Scroll::FromBottom(n) => last.saturating_sub(n),
        }
    }

    fn moved(self, action: Action) -> Self {
        let step = match action {
            Action::Up | Action::Down => 1,
            _ => PAGE_LINES,
        };
        match (self, action) {
            (_, Action::Top) => Scroll::FromTop(0),
            (_, Action::Bottom) => Scroll::FromBottom(0),
            (Scroll::FromTop(n), Action::Up | Action::PageUp) => {
                Scroll::FromTop(n.saturating_sub(step))
            }
            (Scroll::FromTop(n), _) => Scroll::FromTop(n.saturating_add(step)),
            (Scroll::FromBottom(n), Action::Up | Action::PageUp) => {
                Scroll::FromBottom(n.saturating_add(step))
            }
            (Scroll::FromBottom(n), _) => Scroll::FromBottom(n.saturating_sub(step)),
        }
    }
}

/// How far each scrolled view could go in the frame just drawn: the first line shown when it
/// stands at its end, `None` for a view not on screen. Drawing measures it (the lines a text
/// wraps to are a drawing matter); the runtime hands it back as [`super::Msg::Drawn`], and the
/// scroll positions are kept within it, so a key pressed past the end is not owed back.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScrollLimits {
    pub help: Option<u16>,
    pub overlay: Option<u16>,
    pub doctor: Option<u16>,
}

impl Scroll {
    /// The same place, counted at most `last` lines from its end.
    fn within(self, last: u16) -> Self {
        match self {
            Scroll::FromTop(n) => Scroll::FromTop(n.min(last)),
            Scroll::FromBottom(n) => Scroll::FromBottom(n.min(last)),
        }
    }
}

/// A reading overlay over the dashboard or a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Details { job: JobKey, scroll: Scroll },
    Messages { scroll: Scroll },
}

impl Overlay {
    pub fn scope(self) -> Scope {
        match self {
            Overlay::Details { .. } => Scope::Details,
            Overlay::Messages { .. } => Scope::Messages,
        }
    }

    pub fn scroll(self) -> Scroll {
        match self {
            Overlay::Details { scroll, .. } | Overlay::Messages { scroll } => scroll,
        }
    }

    fn scroll_mut(&mut self) -> &mut Scroll {
        match self {
            Overlay::Details { scroll, .. } | Overlay::Messages { scroll } => scroll,
        }
    }
}

impl App {
    pub fn overlay(&self) -> Option<Overlay> {
        self.overlay
    }

    /// Enter on a job: its details, from the top.
    pub(super) fn open_details(&mut self) {
        match self.jobs.selected_row() {
            Some(row) => {
                self.overlay = Some(Overlay::Details {
                    job: row.key,
                    scroll: Scroll::FromTop(0),
                });
            }
            None => self.warn_no_job("No job selected: submit a prompt first."),
        }
    }

    /// The message log, at its newest line.
    pub(super) fn open_messages(&mut self) {
        self.overlay = Some(Overlay::Messages {
            scroll: Scroll::FromBottom(0),
        });
    }

    /// Keys while an overlay is open: it takes them all (Ctrl-C still quits, F1 shows the help
    /// over it, the message log's key switches to the log). `None` when no overlay is open.
    pub(super) fn overlay_key(
        &mut self,
        key: &KeyEvent,
        global: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let scope = self.overlay?.scope();
        let action = match global {
            Some(action @ (Action::QuitNow | Action::ToggleHelp | Action::ShowMessages)) => {
                Some(action)
            }
            _ => self.keymap.action_in(scope, key),
        };
        match action {
            Some(Action::QuitNow) => self.quit = true,
            Some(Action::ToggleHelp) => {
                self.help_visible = true;
                self.help_scroll = 0;
                self.help_commands_first = false;
            }
            Some(Action::ShowMessages) => self.open_messages(),
            Some(Action::CloseOverlay) => self.overlay = None,
            Some(Action::SaveMessages) => return Some(self.save_messages()),
            Some(
                action @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom),
            ) => self.scroll_overlay(action),
            _ => {}
        }
        Some(Vec::new())
    }

    /// Keep every scrolled view within what the last frame could show.
    pub(super) fn keep_scrolls_within(&mut self, limits: ScrollLimits) {
        if let Some(last) = limits.help {
            self.help_scroll = self.help_scroll.min(last);
        }
        if let (Some(last), Some(overlay)) = (limits.overlay, self.overlay.as_mut()) {
            let scroll = overlay.scroll_mut();
            *scroll = scroll.within(last);
        }
        if let Some(last) = limits.doctor {
            self.doctor.scroll = self.doctor.scroll.min(last);
        }
    }

    /// Move the open overlay's view by a line, a page, or to an end.
    pub(super) fn scroll_overlay(&mut self, action: Action) {
        if let Some(overlay) = self.overlay.as_mut() {
            let scroll = overlay.scroll_mut();
            *scroll = scroll.moved(action);
        }
    }
}
