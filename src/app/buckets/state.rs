//! The bucket browser's state: the bucket list, the folder on screen with its loaded pages, the
//! sort, the server's name search, the `/` filters of both lists, and the selection. Pure: no
//! command is built here.
//!
//! A selection is an index into the whole list (buckets, or the loaded entries) that is always
//! kept on a row the list's filter shows, and read only through a filter check: every action
//! (delete, download, URL…) goes through [`BucketsState::selected_object`] or
//! [`BucketsState::selected_bucket_name`], so it reaches the row drawn as selected, never the
//! row at the same place of the unfiltered list.

use sora_core::engine::{ListQuery, PAGE_SIZE, StorageOp};
use sora_core::storage::path::join_folder;
use sora_core::storage::{Bucket, ObjectEntry};

use super::{BucketsPane, ObjectsLocation, PAGE_LOOKAHEAD, SortMode};
use crate::app::list_filter::{ListFilter, moved_among, nearest_visible};
use crate::app::remote::Remote;

#[derive(Debug, Clone, Default)]
pub struct BucketsState {
    pub buckets: Remote<Vec<Bucket>>,
    pub selected_bucket: usize,
    /// The listing on screen (or requested): answers for any other bucket/prefix are stale.
    pub shown: Option<ObjectsLocation>,
    /// Every entry loaded so far (pages appended); the view draws only its visible window.
    pub objects: Remote<Vec<ObjectEntry>>,
    pub selected_object: usize,
    pub pane: BucketsPane,
    /// Sort, order, filter and generation of the listing on screen.
    pub query: ListQuery,
    pub sort: SortMode,
    /// The server may hold more entries than are loaded.
    pub more: bool,
    /// Offset of the page on its way, if any (one at a time).
    pub page_pending: Option<u32>,
    /// The last URL shown (signed or public) and the object it is for (`bucket/path`): the
    /// details pane shows it only beside that object.
    pub last_url: Option<(String, String)>,
    /// Fixes for the configured buckets found missing or private on the last bucket list.
    pub pending_fix: Vec<StorageOp>,
    /// The problems last said about the configured buckets: a refresh that finds the same
    /// ones says nothing again.
    pub config_problems: Vec<String>,
    /// Studio's empty-folder markers left out of the loaded entries (they still count for
    /// the server's offsets).
    pub hidden: usize,
    /// Operations one yes sent whose results are still to come, and the lines of those that
    /// came: said as one notice.
    pub batch: Vec<StorageOp>,
    pub batch_lines: Vec<String>,
    pub batch_failed: bool,
    /// The `/` filter of the bucket list (names containing the text).
    pub bucket_filter: ListFilter,
    /// The `/` filter of the loaded entries of the folder on screen (names containing the
    /// text); a new folder starts unfiltered.
    pub object_filter: ListFilter,
    /// The name selected when the folder on screen was asked for again (a refresh, a new
    /// sort): its first page selects that entry again, wherever it now stands.
    pub reselect: Option<String>,
}

impl BucketsState {
    pub fn bucket_names(&self) -> Vec<&str> {
        self.buckets
            .loaded()
            .map(|list| list.iter().map(|b| b.name.as_str()).collect())
            .unwrap_or_default()
    }

    /// The selected bucket, if the filter shows it: an action never reaches a hidden one.
    pub fn selected_bucket_name(&self) -> Option<&str> {
        self.buckets
            .loaded()?
            .get(self.selected_bucket)
            .map(|b| b.name.as_str())
            .filter(|name| self.bucket_filter.matches([name]))
    }

    /// Indices of the buckets the filter shows, in order.
    pub fn visible_buckets(&self) -> Vec<usize> {
        self.bucket_names()
            .iter()
            .enumerate()
            .filter(|(_, name)| self.bucket_filter.matches([name]))
            .map(|(i, _)| i)
            .collect()
    }

    /// Select the bucket `name`; one the filter hides clears the filter, so what is selected
    /// is on screen (an upload shown in its bucket, a refresh keeping the user's place).
    pub fn select_bucket_named(&mut self, name: &str) -> bool {
        match self.bucket_names().iter().position(|n| *n == name) {
            Some(index) => {
                if !self.bucket_filter.matches([name]) {
                    self.bucket_filter.clear();
                }
                self.selected_bucket = index;
                true
            }
            None => false,
        }
    }

    /// Remember that `location` is now asked for from its first page; the old listing gives way
    /// to "loading", and a new generation makes every late page of it stale.
    pub fn begin_listing(&mut self, location: ObjectsLocation) -> ListQuery {
        if self.shown.as_ref() != Some(&location) {
            self.selected_object = 0;
            self.query.search.clear();
            self.object_filter.clear();
            self.reselect = None;
        } else if let Some(entry) = self.selected_object() {
            self.reselect = Some(entry.name.clone());
        }
        self.shown = Some(location);
        self.objects = Remote::Loading;
        self.more = false;
        self.page_pending = Some(0);
        self.hidden = 0;
        self.query.generation += 1;
        self.query.offset = 0;
        self.query.sort = self.sort.column();
        self.query.clone()
    }

    /// Number of entries loaded.
    pub fn loaded_len(&self) -> usize {
        self.objects.loaded().map_or(0, Vec::len)
    }

    /// The next page, when the selection is near the end of what is loaded and more exists;
    /// in a filtered list, when it is on the last row shown (End loads more of the folder).
    pub fn next_page_query(&mut self) -> Option<ListQuery> {
        let len = self.loaded_len();
        let near_end = if self.object_filter.is_active() {
            self.visible_objects()
                .last()
                .is_none_or(|last| self.selected_object >= *last)
        } else {
            self.selected_object + PAGE_LOOKAHEAD >= len
        };
        if !self.more || self.page_pending.is_some() || !near_end {
            return None;
        }
        let offset = u32::try_from(len + self.hidden).ok()?;
        self.page_pending = Some(offset);
        Some(ListQuery {
            offset,
            ..self.query.clone()
        })
    }

    /// A page arrived for the listing on screen: append it (first page replaces).
    pub fn accept_page(&mut self, query: &ListQuery, page: Vec<ObjectEntry>) -> bool {
        if query.generation != self.query.generation || self.page_pending != Some(query.offset) {
            return false;
        }
        self.page_pending = None;
        self.more = page.len() >= PAGE_SIZE as usize;
        // Sorting the entries again moves them: the selection follows its entry, not its place
        // (on a first page, the entry selected before the folder was asked for again).
        let selected_name = self
            .selected_object()
            .map(|o| o.name.clone())
            .or_else(|| self.reselect.take());
        // Studio's marker is no file of the user's: its folder shows, the marker does not.
        let (markers, page): (Vec<_>, Vec<_>) = page.into_iter().partition(|e| e.is_placeholder());
        match &mut self.objects {
            Remote::Loaded(list) if query.offset as usize == list.len() + self.hidden => {
                list.extend(page)
            }
            _ => {
                self.hidden = 0;
                self.objects = Remote::Loaded(page);
            }
        }
        self.hidden += markers.len();
        if self.sort == SortMode::Size {
            self.sort_locally();
        }
        let followed = selected_name.and_then(|name| {
            self.objects
                .loaded()
                .and_then(|list| list.iter().position(|o| o.name == name))
        });
        let last = self.loaded_len().saturating_sub(1);
        self.selected_object = followed.unwrap_or(self.selected_object).min(last);
        self.keep_object_visible();
        true
    }

    /// Size is no server column: order the loaded entries (folders first).
    pub fn sort_locally(&mut self) {
        let descending = self.query.descending;
        if let Remote::Loaded(list) = &mut self.objects {
            list.sort_by(|a, b| {
                let key = |e: &ObjectEntry| (!e.is_folder(), e.size().unwrap_or(0));
                let order = key(a).cmp(&key(b));
                if descending && a.is_folder() == b.is_folder() {
                    order.reverse()
                } else {
                    order
                }
            });
        }
    }

    /// `bucket/prefix/name` of the selected file, or None for a folder or nothing.
    pub fn selected_file_path(&self) -> Option<(String, String)> {
        let shown = self.shown.as_ref()?;
        let object = self.selected_object().filter(|o| !o.is_folder())?;
        Some((
            shown.bucket.clone(),
            join_folder(&shown.prefix, &object.name),
        ))
    }

    /// The last URL made (signed, or by an upload) when it was made for `bucket/path`: the
    /// details pane never shows another object's.
    pub fn last_url_for(&self, bucket_path: &str) -> Option<&str> {
        self.last_url
            .as_ref()
            .filter(|(object, _)| object == bucket_path)
            .map(|(_, url)| url.as_str())
    }

    pub fn bucket_named(&self, name: &str) -> Option<&Bucket> {
        self.buckets.loaded()?.iter().find(|b| b.name == name)
    }

    /// The selected entry, if the filter shows it: an action never reaches a hidden one.
    pub fn selected_object(&self) -> Option<&ObjectEntry> {
        self.objects
            .loaded()?
            .get(self.selected_object)
            .filter(|o| self.shows_object(o))
    }

    /// Whether the folder's filter shows this entry (its name, as the row shows it).
    pub fn shows_object(&self, object: &ObjectEntry) -> bool {
        self.object_filter.matches([object.name.as_str()])
    }

    /// Indices of the loaded entries the filter shows, in order.
    pub fn visible_objects(&self) -> Vec<usize> {
        self.objects.loaded().map_or_else(Vec::new, |list| {
            list.iter()
                .enumerate()
                .filter(|(_, o)| self.shows_object(o))
                .map(|(i, _)| i)
                .collect()
        })
    }

    /// Move the selection among the rows the pane's filter shows.
    pub fn move_selection(&mut self, delta: isize) {
        match self.pane {
            BucketsPane::Buckets => {
                if let Some(index) =
                    moved_among(&self.visible_buckets(), self.selected_bucket, delta)
                {
                    self.selected_bucket = index;
                }
            }
            BucketsPane::Objects => {
                if let Some(index) =
                    moved_among(&self.visible_objects(), self.selected_object, delta)
                {
                    self.selected_object = index;
                }
            }
        }
    }

    /// After the bucket filter changed: the selection on the nearest bucket still shown.
    pub fn keep_bucket_visible(&mut self) {
        if let Some(index) = nearest_visible(&self.visible_buckets(), self.selected_bucket) {
            self.selected_bucket = index;
        }
    }

    /// After the folder's filter or entries changed: the selection on the nearest entry shown.
    pub fn keep_object_visible(&mut self) {
        if let Some(index) = nearest_visible(&self.visible_objects(), self.selected_object) {
            self.selected_object = index;
        }
    }
}
