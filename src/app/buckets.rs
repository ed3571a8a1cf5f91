//! Buckets and the objects of the one on screen.

use crate::storage::{Bucket, ObjectEntry};

/// A remote list: not asked yet, on its way, arrived, or failed with the server's message.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Remote<T> {
    #[default]
    NotLoaded,
    Loading,
    Loaded(T),
    Failed(String),
}

impl<T> Remote<T> {
    pub fn loaded(&self) -> Option<&T> {
        match self {
            Remote::Loaded(value) => Some(value),
            _ => None,
        }
    }
}

/// Which side of the buckets panel Up/Down moves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BucketsPane {
    #[default]
    Buckets,
    Objects,
}

#[derive(Debug, Clone, Default)]
pub struct BucketsState {
    pub buckets: Remote<Vec<Bucket>>,
    pub selected_bucket: usize,
    /// The listing on screen (or requested): answers for any other bucket/prefix are stale.
    pub shown: Option<ObjectsLocation>,
    pub objects: Remote<Vec<ObjectEntry>>,
    pub selected_object: usize,
    pub pane: BucketsPane,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsLocation {
    pub bucket: String,
    /// Folder inside the bucket, without trailing slash; empty for the root.
    pub prefix: String,
}

impl BucketsState {
    pub fn bucket_names(&self) -> Vec<&str> {
        self.buckets
            .loaded()
            .map(|list| list.iter().map(|b| b.name.as_str()).collect())
            .unwrap_or_default()
    }

    pub fn selected_bucket_name(&self) -> Option<&str> {
        self.buckets
            .loaded()?
            .get(self.selected_bucket)
            .map(|b| b.name.as_str())
    }

    pub fn select_bucket_named(&mut self, name: &str) -> bool {
        match self.bucket_names().iter().position(|n| *n == name) {
            Some(index) => {
                self.selected_bucket = index;
                true
            }
            None => false,
        }
    }

    /// Remember that `location` is now asked for; the old listing gives way to "loading".
    pub fn begin_listing(&mut self, location: ObjectsLocation) {
        if self.shown.as_ref() != Some(&location) {
            self.selected_object = 0;
        }
        self.shown = Some(location);
        self.objects = Remote::Loading;
    }

    pub fn selected_object(&self) -> Option<&ObjectEntry> {
        self.objects.loaded()?.get(self.selected_object)
    }

    pub fn move_selection(&mut self, delta: isize) {
        match self.pane {
            BucketsPane::Buckets => {
                let len = self.bucket_names().len();
                self.selected_bucket = moved(self.selected_bucket, delta, len);
            }
            BucketsPane::Objects => {
                let len = self.objects.loaded().map_or(0, Vec::len);
                self.selected_object = moved(self.selected_object, delta, len);
            }
        }
    }
}

fn moved(index: usize, delta: isize, len: usize) -> usize {
    index
        .saturating_add_signed(delta)
        .min(len.saturating_sub(1))
}

/// The folder part of an object path: `a/b/c.mp4` → `a/b`, `c.mp4` → ``.
pub fn parent_folder(object_path: &str) -> &str {
    object_path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder)
}

/// `prefix` + `name` as a folder path.
pub fn join_folder(prefix: &str, name: &str) -> String {
    let name = name.trim_end_matches('/');
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_of_object_paths() {
        assert_eq!(parent_folder("sora/2026/v.mp4"), "sora/2026");
        assert_eq!(parent_folder("v.mp4"), "");
        assert_eq!(join_folder("", "sora/"), "sora");
        assert_eq!(join_folder("sora", "2026"), "sora/2026");
    }
}
