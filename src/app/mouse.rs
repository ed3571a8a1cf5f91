//! The mouse: a click focuses the panel under it and selects the row it lands on (or puts the
//! prompt's cursor where it lands), the wheel scrolls the list under it, a click on the object
//! details copies the URL shown there. The mouse can be switched off (`--no-mouse`, `[ui] mouse
//! = false`, or its key at any time) so the terminal's own text selection works.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::buckets::BucketsPane;
use super::keymap::Action;
use super::layout;
use super::{App, Effect, Focus, Page};

/// Lines one wheel notch moves.
const WHEEL_LINES: usize = 3;

impl App {
    pub(super) fn on_mouse(&mut self, event: MouseEvent) -> Vec<Effect> {
        // A question, a text field (a list's filter too) or the parameter form takes the keys:
        // the mouse must not act behind it.
        if !self.mouse
            || self.modal().is_some()
            || self.filter_editing()
            || self.param_form.is_some()
        {
            return Vec::new();
        }
        let wheel = match event.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::Down(MouseButton::Left) => None,
            _ => return Vec::new(),
        };
        // The job details or the message log lies over the panels: the wheel scrolls it, a
        // click acts on nothing below.
        if !self.help_visible && self.overlay.is_some() {
            if let Some(action) = wheel {
                for _ in 0..WHEEL_LINES {
                    self.scroll_overlay(action);
                }
            }
            return Vec::new();
        }
        let at = Position::new(event.column, event.row);
        if self.help_visible || self.page != Page::Dashboard {
            let Some(action) = wheel else {
                return Vec::new();
            };
            return (0..WHEEL_LINES)
                .flat_map(|_| self.perform(action))
                .collect();
        }
        let areas = self.dashboard_areas(self.size);
        let Some((focus, panel)) = [
            (Focus::Prompt, areas.prompt),
            (Focus::Jobs, areas.jobs),
            (Focus::Downloads, areas.downloads),
            (Focus::Buckets, areas.buckets),
        ]
        .into_iter()
        .find(|(_, area)| area.contains(at)) else {
            return Vec::new();
        };
        self.focus = focus;
        match wheel {
            Some(action) => {
                if focus == Focus::Buckets {
                    self.buckets.pane = self.bucket_pane_at(layout::inner(panel), at);
                }
                (0..WHEEL_LINES)
                    .flat_map(|_| self.perform(action))
                    .collect()
            }
            None => self.click(focus, layout::inner(panel), at),
        }
    }

    /// A left click inside a panel: select what is under it.
    fn click(&mut self, focus: Focus, inner: Rect, at: Position) -> Vec<Effect> {
        if !inner.contains(at) {
            return Vec::new();
        }
        let line = usize::from(at.y - inner.y);
        match focus {
            Focus::Jobs => {
                if let Some(index) =
                    layout::job_at_line(&self.jobs, usize::from(inner.height), line)
                {
                    self.jobs.selected = index;
                }
                Vec::new()
            }
            Focus::Buckets => self.click_buckets(inner, at),
            Focus::Prompt => {
                let text = layout::prompt_split(inner).text;
                if text.contains(at) {
                    self.prompt.input.click(at.y - text.y, at.x - text.x);
                }
                Vec::new()
            }
            Focus::Downloads => Vec::new(),
        }
    }

    fn bucket_pane_at(&self, inner: Rect, at: Position) -> BucketsPane {
        let [list, _] = layout::buckets_split(inner);
        if list.contains(at) {
            BucketsPane::Buckets
        } else {
            BucketsPane::Objects
        }
    }

    fn click_buckets(&mut self, inner: Rect, at: Position) -> Vec<Effect> {
        let [list, objects] = layout::buckets_split(inner);
        if list.contains(at) {
            self.buckets.pane = BucketsPane::Buckets;
            let visible = self.buckets.visible_buckets();
            let window = layout::list_window(
                &visible,
                self.buckets.selected_bucket,
                usize::from(list.height),
            );
            if let Some(index) = window.get(usize::from(at.y - list.y)) {
                self.buckets.selected_bucket = *index;
            }
            return Vec::new();
        }
        let [_, _, body] = layout::objects_split(objects);
        if !body.contains(at) {
            return Vec::new();
        }
        self.buckets.pane = BucketsPane::Objects;
        let (table, details) = layout::objects_table_split(body);
        if details.is_some_and(|d| d.contains(at)) {
            return self.copy_shown_url();
        }
        if !table.contains(at) {
            return Vec::new();
        }
        // The rows the filter shows, as drawn: the click selects the entry under it.
        let visible = self.buckets.visible_objects();
        let window = layout::list_window(
            &visible,
            self.buckets.selected_object,
            usize::from(table.height),
        );
        if let Some(index) = window.get(usize::from(at.y - table.y)) {
            self.buckets.selected_object = *index;
        }
        Vec::new()
    }

    /// The URL in the object details: the last one made for the object, else its public URL.
    fn copy_shown_url(&mut self) -> Vec<Effect> {
        let (Some(object), Some(shown)) =
            (self.buckets.selected_object(), self.buckets.shown.as_ref())
        else {
            return Vec::new();
        };
        let path = sora_core::storage::path::join_folder(&shown.prefix, &object.name);
        let id = format!("{}/{path}", shown.bucket);
        let public = self
            .buckets
            .bucket_named(&shown.bucket)
            .is_some_and(|b| b.public);
        let url = self
            .buckets
            .last_url_for(&id)
            .map(str::to_string)
            .or_else(|| {
                public
                    .then(|| self.settings.public_url(&shown.bucket, &path))
                    .flatten()
            });
        match url {
            Some(url) => {
                self.inform(format!("Copied the URL of {id} to the clipboard."));
                vec![Effect::Clipboard(url)]
            }
            None => Vec::new(),
        }
    }

    /// The mouse key: off lets the terminal select text, on lets the dashboard take clicks.
    pub(super) fn toggle_mouse(&mut self) -> Vec<Effect> {
        self.mouse = !self.mouse;
        self.inform(if self.mouse {
            "Mouse on: click to focus and select, the wheel scrolls."
        } else {
            "Mouse off: the terminal selects text again."
        });
        vec![Effect::Mouse(self.mouse)]
    }
}
