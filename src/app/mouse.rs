//! The mouse: a click focuses the panel under it and selects the row it lands on (or puts the
//! prompt's cursor where it lands), the wheel scrolls the list under it, a click on a URL (the
//! object details, a line of the job details) copies it. The mouse can be switched off (`--no-mouse`, `[ui] mouse
//! = false`, or its key at any time) so the terminal's own text selection works.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::buckets::BucketsPane;
use super::details::Overlay;
use super::keymap::Action;
use super::{App, Effect, Focus, Page};
use super::{layout, reading};

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
        let at = Position::new(event.column, event.row);
        // The job details or the message log lies over the panels: the wheel scrolls it, a
        // click acts on nothing below (on a URL of the details, it copies it).
        if !self.help_visible && self.overlay.is_some() {
            match wheel {
                Some(action) => {
                    for _ in 0..WHEEL_LINES {
                        self.scroll_overlay(action);
                    }
                }
                None => return self.click_details_url(at),
            }
            return Vec::new();
        }
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
            Some(url) => self.copy_url_of(&id, url),
            None => Vec::new(),
        }
    }

    /// A click on the job details: the URL on the line under it, if that line shows one. The
    /// lines are found as they are drawn: the same rows, wrapped and scrolled the same way.
    fn click_details_url(&mut self, at: Position) -> Vec<Effect> {
        let Some(Overlay::Details { job, scroll }) = self.overlay else {
            return Vec::new();
        };
        let (Some(row), Some(rows)) = (self.jobs.row(job), self.details_rows(job)) else {
            return Vec::new();
        };
        let text = reading::reading_areas(self.size, row.preview.is_some()).text;
        if !text.contains(at) {
            return Vec::new();
        }
        let lines = reading::wrap_rows(
            rows.iter().map(|r| (r.label.as_str(), r.text.as_str())),
            text.width,
        );
        let total = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let offset = scroll.offset(total, text.height);
        let url = reading::row_at_line(&lines, offset, at.y - text.y)
            .and_then(|i| rows.get(i))
            .and_then(|r| r.url.clone());
        match url {
            Some(url) => self.copy_url_of(&format!("job {job}"), url),
            None => Vec::new(),
        }
    }

    /// A clicked URL to the clipboard, said in the notice (the same for every URL clicked).
    fn copy_url_of(&mut self, what: &str, url: String) -> Vec<Effect> {
        self.inform(format!("Copied the URL of {what} to the clipboard."));
        vec![Effect::Clipboard(url)]
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
