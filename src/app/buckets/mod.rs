//! Buckets and the objects of the one on screen: a lazily paged folder listing (100 entries a
//! request, the next page asked for when the selection nears the end of what is loaded), sort
//! and filter, and the bucket browser's actions with their text fields and confirmations.
//!
//! `state` is the pure part (paging, sorting, selection); `actions` turns the browser's keys
//! into questions, text fields and storage commands; `events` folds the engine's answers back.

mod actions;
mod events;
mod state;

pub use state::BucketsState;

use sora_core::storage::SortColumn;

/// Ask for the next page when the selection is this close to the end of the loaded entries
/// (more than a screen of any terminal).
pub const PAGE_LOOKAHEAD: usize = 60;

/// Default validity of a signed URL, offered in its text field.
pub const DEFAULT_SIGNED_SECS: u64 = 3600;

/// Which side of the buckets panel Up/Down moves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BucketsPane {
    #[default]
    Buckets,
    Objects,
}

/// How the listing is ordered. Name and dates are the server's columns; size is not, so the
/// loaded entries are sorted locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortMode {
    #[default]
    Name,
    Updated,
    Created,
    Size,
}

impl SortMode {
    pub fn next(self) -> Self {
        match self {
            SortMode::Name => SortMode::Updated,
            SortMode::Updated => SortMode::Created,
            SortMode::Created => SortMode::Size,
            SortMode::Size => SortMode::Name,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortMode::Name => "name",
            SortMode::Updated => "updated",
            SortMode::Created => "created",
            SortMode::Size => "size",
        }
    }

    /// The server column the pages are fetched in (size: by name, sorted locally).
    pub fn column(self) -> SortColumn {
        match self {
            SortMode::Name | SortMode::Size => SortColumn::Name,
            SortMode::Updated => SortColumn::UpdatedAt,
            SortMode::Created => SortColumn::CreatedAt,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectsLocation {
    pub bucket: String,
    /// Folder inside the bucket, without trailing slash; empty for the root.
    pub prefix: String,
}
