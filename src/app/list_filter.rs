//! The `/` filter of the lists a user scrolls (jobs, downloads, history, and the bucket browser's
//! buckets and loaded entries): a one-line field whose text narrows the list with every key
//! (case-insensitive substrings of what a row shows), kept after Enter (the panel title says so)
//! until Esc clears it. One field state and one matcher for every list; each list says what its
//! rows show and keeps its selection on visible rows.

use crossterm::event::{Event, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::buckets::BucketsPane;
use super::keymap::{Action, Scope};
use super::{App, Effect, Focus, Page};

/// The filter of one list: the text, and whether its field is open for typing.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    input: Input,
    editing: bool,
    /// The text lower-cased, as it is matched.
    needle: String,
}

impl ListFilter {
    /// The typed text, as the title shows it.
    pub fn text(&self) -> &str {
        self.input.value()
    }

    /// Where the cursor is in the text (in characters), for drawing the field.
    pub fn cursor(&self) -> usize {
        self.input.visual_cursor()
    }

    /// The list is narrowed (the field may be open or closed).
    pub fn is_active(&self) -> bool {
        !self.needle.is_empty()
    }

    /// The field is open and takes the keys.
    pub fn editing(&self) -> bool {
        self.editing
    }

    /// Whether a row showing `fields` stays in the list: every row without a filter, else those
    /// where one field holds the text, whatever the case.
    pub fn matches<S: AsRef<str>>(&self, fields: impl IntoIterator<Item = S>) -> bool {
        !self.is_active()
            || fields
                .into_iter()
                .any(|f| f.as_ref().to_lowercase().contains(&self.needle))
    }

    pub fn open(&mut self) {
        self.editing = true;
    }

    /// Close the field, keeping the text (an empty one filters nothing).
    pub fn keep(&mut self) {
        self.editing = false;
    }

    pub fn clear(&mut self) {
        self.input.reset();
        self.editing = false;
        self.needle.clear();
    }

    fn edit(&mut self, key: &KeyEvent) {
        self.input.handle_event(&Event::Key(*key));
        self.refresh();
    }

    fn insert(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.input.handle(InputRequest::InsertChar(c));
        }
        self.refresh();
    }

    fn refresh(&mut self) {
        self.needle = self.input.value().trim().to_lowercase();
    }
}

/// Which list a filter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterTarget {
    Jobs,
    Downloads,
    History,
    /// The bucket browser's list of buckets.
    Buckets,
    /// The loaded entries of the folder the bucket browser shows.
    Objects,
}

impl App {
    /// The list `/` and Esc act on: the History page's, or the focused panel's on the dashboard
    /// (in the bucket browser, the side Up/Down move in).
    pub fn filter_target(&self) -> Option<FilterTarget> {
        match (self.page, self.focus) {
            (Page::History, _) => Some(FilterTarget::History),
            (Page::Doctor, _) => None,
            (Page::Dashboard, Focus::Jobs) => Some(FilterTarget::Jobs),
            (Page::Dashboard, Focus::Downloads) => Some(FilterTarget::Downloads),
            (Page::Dashboard, Focus::Buckets) => Some(match self.buckets.pane {
                BucketsPane::Buckets => FilterTarget::Buckets,
                BucketsPane::Objects => FilterTarget::Objects,
            }),
            (Page::Dashboard, Focus::Prompt) => None,
        }
    }

    pub fn filter_of(&self, target: FilterTarget) -> &ListFilter {
        match target {
            FilterTarget::Jobs => &self.jobs.filter,
            FilterTarget::Downloads => &self.downloads.filter,
            FilterTarget::History => &self.history.filter,
            FilterTarget::Buckets => &self.buckets.bucket_filter,
            FilterTarget::Objects => &self.buckets.object_filter,
        }
    }

    fn filter_mut(&mut self, target: FilterTarget) -> &mut ListFilter {
        match target {
            FilterTarget::Jobs => &mut self.jobs.filter,
            FilterTarget::Downloads => &mut self.downloads.filter,
            FilterTarget::History => &mut self.history.filter,
            FilterTarget::Buckets => &mut self.buckets.bucket_filter,
            FilterTarget::Objects => &mut self.buckets.object_filter,
        }
    }

    /// The open filter field, when the list in front has one.
    fn editing_filter(&self) -> Option<FilterTarget> {
        self.filter_target()
            .filter(|t| self.filter_of(*t).editing())
    }

    /// Whether the filter field is open (it takes the keys, as a text field does).
    pub fn filter_editing(&self) -> bool {
        self.editing_filter().is_some()
    }

    /// `/`: open the field of the list in front. False when no list here filters this way.
    pub(super) fn open_filter(&mut self) -> bool {
        let Some(target) = self.filter_target() else {
            return false;
        };
        self.filter_mut(target).open();
        true
    }

    /// Esc on a list with a kept filter clears it (before whatever else Esc does there); in the
    /// bucket browser, with no `/` filter, it clears the server's name search of the folder.
    /// `None` when the key is not for that.
    pub(super) fn clear_kept_filter_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let target = self.filter_target()?;
        if self.keymap.action_in(Scope::Filtered, key) != Some(Action::ClearFilter) {
            return None;
        }
        if self.filter_of(target).is_active() {
            self.clear_filter(target);
            return Some(Vec::new());
        }
        if target == FilterTarget::Objects && !self.buckets.query.search.is_empty() {
            self.buckets.query.search.clear();
            return Some(self.relist());
        }
        None
    }

    /// The list in front is narrowed (a kept `/` filter, or the server's name search of the
    /// folder shown): the key that clears it comes first in the hints.
    pub fn list_narrowed(&self) -> bool {
        match self.filter_target() {
            Some(target) if self.filter_of(target).is_active() => true,
            Some(FilterTarget::Objects) => !self.buckets.query.search.is_empty(),
            _ => false,
        }
    }

    /// Keys while the filter field is open: it takes them all (Ctrl-C still quits); typed text
    /// narrows the list at once. `None` when no field is open.
    pub(super) fn filter_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        let target = self.editing_filter()?;
        if self.keymap.action_in(Scope::Global, key) == Some(Action::QuitNow) {
            self.quit = true;
            return Some(Vec::new());
        }
        match self.keymap.action_in(Scope::Filter, key) {
            Some(Action::KeepFilter) => self.filter_mut(target).keep(),
            Some(Action::ClearFilter) => self.clear_filter(target),
            Some(action @ (Action::Up | Action::Down)) => return Some(self.perform(action)),
            _ => {
                self.filter_mut(target).edit(key);
                self.refilter(target);
            }
        }
        Some(Vec::new())
    }

    /// A paste into the open filter field. False when none is open.
    pub(super) fn paste_into_filter(&mut self, text: &str) -> bool {
        let Some(target) = self.editing_filter() else {
            return false;
        };
        self.filter_mut(target).insert(text);
        self.refilter(target);
        true
    }

    fn clear_filter(&mut self, target: FilterTarget) {
        self.filter_mut(target).clear();
        self.refilter(target);
    }

    /// The filter changed: the selection moves to a row still shown.
    fn refilter(&mut self, target: FilterTarget) {
        match target {
            FilterTarget::Jobs => self.jobs.keep_selection_visible(),
            FilterTarget::Downloads => self.downloads.filter_changed(),
            FilterTarget::History => self.history.keep_selection_visible(),
            FilterTarget::Buckets => self.buckets.keep_bucket_visible(),
            FilterTarget::Objects => self.buckets.keep_object_visible(),
        }
    }
}

/// The selected row among `visible` (indices into the whole list, in order): `selected` itself
/// when it is shown, else the nearest shown row after it, else the last shown one.
pub fn nearest_visible(visible: &[usize], selected: usize) -> Option<usize> {
    visible
        .iter()
        .copied()
        .find(|i| *i >= selected)
        .or_else(|| visible.last().copied())
}

/// `selected` moved by `delta` rows of `visible` (clamped to the first and last shown row).
pub fn moved_among(visible: &[usize], selected: usize, delta: isize) -> Option<usize> {
    let current = nearest_visible(visible, selected)?;
    let position = visible.iter().position(|i| *i == current)?;
    let last = visible.len() - 1;
    Some(visible[position.saturating_add_signed(delta).min(last)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(text: &str) -> ListFilter {
        let mut filter = ListFilter::default();
        filter.insert(text);
        filter
    }

    #[test]
    fn matches_substrings_whatever_the_case() {
        let f = filter("Fox");
        assert!(f.matches(["a red fox", "#1"]));
        assert!(f.matches(["x", "FOXES"]));
        assert!(!f.matches(["a red f ox"]));
        assert!(ListFilter::default().matches(["anything"]));
        assert!(filter("  ").matches(["blank filters nothing"]));
    }

    #[test]
    fn selection_moves_among_visible_rows_only() {
        let visible = [1, 4, 7];
        assert_eq!(nearest_visible(&visible, 4), Some(4));
        assert_eq!(nearest_visible(&visible, 5), Some(7));
        assert_eq!(nearest_visible(&visible, 9), Some(7));
        assert_eq!(nearest_visible(&[], 0), None);
        assert_eq!(moved_among(&visible, 1, 1), Some(4));
        assert_eq!(moved_among(&visible, 4, -5), Some(1));
        assert_eq!(moved_among(&visible, 4, isize::MAX), Some(7));
    }
}
