//! Buckets and the objects of the one on screen: a lazily paged folder listing (100 entries a
//! request, the next page asked for when the selection nears the end of what is loaded), sort
//! and filter, and the bucket browser's actions with their text fields and confirmations.

use std::path::PathBuf;

use super::modal::{Asked, OnYes};
use super::{App, Focus, NoticeLevel};
use crate::ui::keymap::{Action, Scope};
use sora_core::engine::{Command, ListQuery, PAGE_SIZE, StorageDone, StorageFailure, StorageOp};
use sora_core::storage::{Bucket, ObjectEntry, SortColumn, Transfer};

/// Ask for the next page when the selection is this close to the end of the loaded entries
/// (more than a screen of any terminal).
pub const PAGE_LOOKAHEAD: usize = 60;

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

/// What a text field is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputPurpose {
    /// Local file to upload into the shown folder.
    UploadPath,
    NewBucket {
        public: bool,
    },
    /// New place of a file: `BUCKET/PATH`, a path alone staying in the bucket (a rename).
    Rename {
        from: String,
    },
    /// Where a copy, or the move of a folder, goes (`BUCKET/PATH`).
    TransferTo {
        kind: sora_core::storage::Transfer,
        from: String,
        folder: bool,
    },
    /// Seconds a signed URL stays valid.
    SignedExpiry {
        object_path: String,
    },
    /// Where to save a download.
    DownloadTo {
        object_path: String,
    },
    /// Starts-with filter on names.
    Filter,
}

impl InputPurpose {
    pub fn title(&self) -> String {
        match self {
            InputPurpose::UploadPath => "Upload a local file (path)".into(),
            InputPurpose::NewBucket { public: true } => "New public bucket (name)".into(),
            InputPurpose::NewBucket { public: false } => "New private bucket (name)".into(),
            InputPurpose::Rename { from } => format!("Rename/move {from} to (BUCKET/PATH)"),
            InputPurpose::TransferTo { kind, from, folder } => format!(
                "{} {}{from} to (BUCKET/PATH)",
                if *kind == sora_core::storage::Transfer::Copy {
                    "Copy"
                } else {
                    "Move"
                },
                if *folder { "folder " } else { "" }
            ),
            InputPurpose::SignedExpiry { object_path } => {
                format!("Signed URL for {object_path}: valid for (seconds)")
            }
            InputPurpose::DownloadTo { object_path } => format!("Download {object_path} to"),
            InputPurpose::Filter => "Filter: names starting with (empty: all)".into(),
        }
    }
}

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
    /// The last URL shown (signed or public), as text to read and copy.
    pub last_url: Option<String>,
    /// Fixes for the configured buckets found missing or private on start.
    pub pending_fix: Vec<StorageOp>,
    /// The configured buckets were checked once (on the first bucket list).
    pub checked_config: bool,
    /// Studio's empty-folder markers left out of the loaded entries (they still count for
    /// the server's offsets).
    pub hidden: usize,
    /// Operations one yes sent whose results are still to come, and the lines of those that
    /// came: said as one notice.
    pub batch: Vec<StorageOp>,
    pub batch_lines: Vec<String>,
    pub batch_failed: bool,
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

    /// Remember that `location` is now asked for from its first page; the old listing gives way
    /// to "loading", and a new generation makes every late page of it stale.
    pub fn begin_listing(&mut self, location: ObjectsLocation) -> ListQuery {
        if self.shown.as_ref() != Some(&location) {
            self.selected_object = 0;
            self.query.search.clear();
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

    /// The next page, when the selection is near the end of what is loaded and more exists.
    pub fn next_page_query(&mut self) -> Option<ListQuery> {
        let len = self.loaded_len();
        if !self.more || self.page_pending.is_some() || self.selected_object + PAGE_LOOKAHEAD < len
        {
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
        let last = self.loaded_len().saturating_sub(1);
        self.selected_object = self.selected_object.min(last);
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

    pub fn bucket_named(&self, name: &str) -> Option<&Bucket> {
        self.buckets.loaded()?.iter().find(|b| b.name == name)
    }

    pub fn selected_object(&self) -> Option<&ObjectEntry> {
        self.objects.loaded()?.get(self.selected_object)
    }

    pub fn move_selection(&mut self, delta: isize) {
        self.move_selection_in_pane(delta);
    }

    fn move_selection_in_pane(&mut self, delta: isize) {
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

/// Default validity of a signed URL, offered in its text field.
pub const DEFAULT_SIGNED_SECS: u64 = 3600;

impl App {
    /// The bucket browser's own actions (keys of `Scope::Buckets` beyond navigation).
    pub(super) fn bucket_action(&mut self, action: Action) -> Vec<Command> {
        if self.focus != Focus::Buckets && action != Action::FixBuckets {
            return Vec::new();
        }
        if let Some(commands) = self.folder_action(action) {
            return commands;
        }
        let in_objects = self.buckets.pane == BucketsPane::Objects;
        match action {
            Action::Filter => {
                let current = self.buckets.query.search.clone();
                self.open_input(InputPurpose::Filter, &current);
            }
            Action::Sort | Action::ReverseOrder => {
                if action == Action::Sort {
                    self.buckets.sort = self.buckets.sort.next();
                } else {
                    self.buckets.query.descending = !self.buckets.query.descending;
                }
                return self.relist();
            }
            Action::CreateBucket | Action::CreatePublicBucket => {
                let public = action == Action::CreatePublicBucket;
                self.open_input(InputPurpose::NewBucket { public }, "");
            }
            Action::TogglePublic => {
                let Some(bucket) = self
                    .buckets
                    .selected_bucket_name()
                    .and_then(|n| self.buckets.bucket_named(n))
                    .cloned()
                else {
                    return Vec::new();
                };
                let public = !bucket.public;
                let question = if public {
                    format!(
                        "Make bucket {} public? Anyone with a URL can read its objects.",
                        bucket.name
                    )
                } else {
                    format!(
                        "Make bucket {} private? Its public URLs stop working.",
                        bucket.name
                    )
                };
                let op = StorageOp::SetBucketPublic {
                    bucket: bucket.name,
                    public,
                };
                self.confirm(question, vec![Command::Storage(op)]);
            }
            Action::Delete if in_objects => {
                let Some((bucket, path)) = self.buckets.selected_file_path() else {
                    self.warn("Select a file to delete (folders exist only through their files).");
                    return Vec::new();
                };
                self.confirm(
                    format!("Delete {bucket}/{path}? This cannot be undone."),
                    vec![Command::Storage(StorageOp::DeleteObjects {
                        bucket,
                        paths: vec![path],
                    })],
                );
            }
            Action::Delete => {
                let Some(bucket) = self.buckets.selected_bucket_name().map(str::to_string) else {
                    return Vec::new();
                };
                self.confirm(
                    format!("Delete bucket {bucket}? Only an empty bucket can be deleted."),
                    vec![Command::Storage(StorageOp::DeleteBucket { bucket })],
                );
            }
            Action::UploadFile => {
                if self.buckets.shown.is_none() {
                    self.warn(
                        "Open a bucket first (Enter on it), then u uploads into the folder shown.",
                    );
                    return Vec::new();
                }
                self.open_input(InputPurpose::UploadPath, "");
            }
            Action::DownloadObject => {
                let Some((_, path)) = self.buckets.selected_file_path() else {
                    self.warn("Select a file to download.");
                    return Vec::new();
                };
                // A listed name of `..` would otherwise pick where the local file goes.
                if let Err(e) = sora_core::storage::check_object_path(&path) {
                    self.warn(e.to_string());
                    return Vec::new();
                }
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                let out = self.settings.download_dir.join(name);
                self.open_input(
                    InputPurpose::DownloadTo { object_path: path },
                    &out.display().to_string(),
                );
            }
            Action::CopyPublicUrl => return self.copy_public_url(),
            Action::SignedUrl => {
                let Some((_, path)) = self.buckets.selected_file_path() else {
                    self.warn("Select a file to sign a URL for.");
                    return Vec::new();
                };
                self.open_input(
                    InputPurpose::SignedExpiry { object_path: path },
                    &DEFAULT_SIGNED_SECS.to_string(),
                );
            }
            Action::Rename => {
                let Some((_, path)) = self.buckets.selected_file_path() else {
                    self.warn("Select a file to rename or move.");
                    return Vec::new();
                };
                self.open_input(InputPurpose::Rename { from: path.clone() }, &path);
            }
            Action::FixBuckets => {
                if self.buckets.pending_fix.is_empty() {
                    self.inform("The configured buckets look fine: nothing to fix.");
                    return Vec::new();
                }
                let what = self
                    .buckets
                    .pending_fix
                    .iter()
                    .map(|op| match op {
                        StorageOp::CreateBucket { name, .. } => {
                            format!("create public bucket {name}")
                        }
                        StorageOp::SetBucketPublic { bucket, .. } => {
                            format!("make {bucket} public")
                        }
                        other => format!("{other:?}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                let ops = std::mem::take(&mut self.buckets.pending_fix);
                self.confirm(
                    format!("Fix the configured buckets: {what}?"),
                    ops.into_iter().map(Command::Storage).collect(),
                );
            }
            _ => {}
        }
        Vec::new()
    }

    fn copy_public_url(&mut self) -> Vec<Command> {
        let Some((bucket, path)) = self.buckets.selected_file_path() else {
            self.warn("Select a file to copy its public URL.");
            return Vec::new();
        };
        let Some(base) = self.settings.storage_base.clone() else {
            self.warn("Supabase is not configured: no public URL.");
            return Vec::new();
        };
        let url = format!("{base}/object/public/{bucket}/{}", encode_path(&path));
        let private = self
            .buckets
            .bucket_named(&bucket)
            .is_some_and(|b| !b.public);
        if private {
            self.warn(format!(
                "Copied, but {bucket} is private: its public URL answers 'Bucket not found'. p makes it public, g signs a URL."
            ));
        } else {
            self.inform(format!("Copied public URL: {url}"));
        }
        self.buckets.last_url = Some(url.clone());
        vec![Command::CopyToClipboard(url)]
    }

    pub(super) fn input_done(&mut self, purpose: InputPurpose, value: &str) -> Vec<Command> {
        let shown = self.buckets.shown.clone();
        let bucket = shown.as_ref().map(|s| s.bucket.clone()).unwrap_or_default();
        match purpose {
            InputPurpose::Filter => {
                self.buckets.query.search = value.to_string();
                return self.relist();
            }
            _ if value.is_empty() => self.warn("Nothing typed: cancelled."),
            InputPurpose::NewBucket { public } => {
                return vec![Command::Storage(StorageOp::CreateBucket {
                    name: value.to_string(),
                    public,
                })];
            }
            InputPurpose::UploadPath => {
                let path = PathBuf::from(expand_home(value));
                let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    self.warn(format!("{value} names no file."));
                    return Vec::new();
                };
                let prefix = shown.map(|s| s.prefix).unwrap_or_default();
                return vec![Command::Storage(StorageOp::UploadFile {
                    path,
                    bucket,
                    object_path: join_folder(&prefix, &name),
                    upsert: false,
                })];
            }
            InputPurpose::Rename { from } => {
                return self.transfer_input_done(Transfer::Move, from, false, value);
            }
            InputPurpose::TransferTo { kind, from, folder } => {
                return self.transfer_input_done(kind, from, folder, value);
            }
            InputPurpose::SignedExpiry { object_path } => match value.parse::<u64>() {
                Ok(secs) if secs >= 1 => {
                    return vec![Command::Storage(StorageOp::SignUrl {
                        bucket,
                        object_path,
                        expires_in: secs,
                    })];
                }
                _ => self.warn(format!("`{value}` is not a number of seconds (1 or more).")),
            },
            InputPurpose::DownloadTo { object_path } => {
                return vec![Command::Storage(StorageOp::DownloadObject {
                    bucket,
                    object_path,
                    out: PathBuf::from(expand_home(value)),
                    overwrite: false,
                })];
            }
        }
        Vec::new()
    }

    /// Restart the listing on screen (sort, order or filter changed, or after a change).
    pub(super) fn relist(&mut self) -> Vec<Command> {
        match self.buckets.shown.clone() {
            Some(location) => vec![self.list_objects(location)],
            None => Vec::new(),
        }
    }

    /// The next page, when the selection moved near the end of what is loaded.
    pub(super) fn next_page(&mut self) -> Vec<Command> {
        let Some(shown) = self.buckets.shown.clone() else {
            return Vec::new();
        };
        if self.focus != Focus::Buckets || self.buckets.pane != BucketsPane::Objects {
            return Vec::new();
        }
        match self.buckets.next_page_query() {
            Some(query) => vec![Command::ListObjects {
                bucket: shown.bucket,
                prefix: shown.prefix,
                query,
            }],
            None => Vec::new(),
        }
    }

    /// On the first bucket list: are the configured buckets there, and public when public URLs
    /// are wanted? If not, say so and keep the fix for `f`.
    pub(super) fn check_configured_buckets(&mut self) {
        if self.buckets.checked_config || self.buckets.buckets.loaded().is_none() {
            return;
        }
        self.buckets.checked_config = true;
        let mut problems = Vec::new();
        let mut fixes = Vec::new();
        let mut names = vec![self.settings.input_bucket.clone()];
        if self.settings.output_bucket != self.settings.input_bucket {
            names.push(self.settings.output_bucket.clone());
        }
        for name in names {
            match self.buckets.bucket_named(&name) {
                None => {
                    problems.push(format!("bucket '{name}' is missing"));
                    fixes.push(StorageOp::CreateBucket {
                        name,
                        public: self.settings.public_urls,
                    });
                }
                Some(b) if !b.public && self.settings.public_urls => {
                    problems.push(format!(
                        "bucket '{name}' is private but public URLs are wanted"
                    ));
                    fixes.push(StorageOp::SetBucketPublic {
                        bucket: name,
                        public: true,
                    });
                }
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            let key = self.keymap.keys_label(Scope::Buckets, Action::FixBuckets);
            self.warn(format!(
                "{} — press {key} in the buckets panel to fix it.",
                problems.join("; ")
            ));
            self.buckets.pending_fix = fixes;
        }
    }

    pub(super) fn on_storage_event(
        &mut self,
        op: StorageOp,
        result: Result<StorageDone, StorageFailure>,
    ) -> Vec<Command> {
        if let Some(commands) = self.on_folder_result(&op, &result) {
            return commands;
        }
        match result {
            Ok(done) => {
                let text = match &done.url {
                    Some(url) => format!("{} — {url}", done.message),
                    None => done.message.clone(),
                };
                if !self.batch_result(&op, &text, false) {
                    self.inform(text);
                }
                let mut commands = Vec::new();
                if let (StorageOp::SignUrl { .. }, Some(url)) = (&op, &done.url) {
                    commands.push(Command::CopyToClipboard(url.clone()));
                    if let Some(notice) = &mut self.notice {
                        notice.text.push_str(" (copied)");
                    }
                }
                if let Some(url) = done.url {
                    self.buckets.last_url = Some(url);
                }
                match op {
                    StorageOp::CreateBucket { .. }
                    | StorageOp::SetBucketPublic { .. }
                    | StorageOp::DeleteBucket { .. } => {
                        if let StorageOp::DeleteBucket { bucket } = &op
                            && self
                                .buckets
                                .shown
                                .as_ref()
                                .is_some_and(|s| &s.bucket == bucket)
                        {
                            self.buckets.shown = None;
                            self.buckets.objects = Remote::NotLoaded;
                        }
                        commands.push(Command::ListBuckets);
                    }
                    StorageOp::UploadFile { .. }
                    | StorageOp::MoveObject { .. }
                    | StorageOp::DeleteObjects { .. } => {
                        if self
                            .buckets
                            .shown
                            .as_ref()
                            .is_some_and(|s| s.bucket == op.bucket())
                        {
                            commands.extend(self.relist());
                        }
                    }
                    StorageOp::DownloadObject { .. }
                    | StorageOp::SignUrl { .. }
                    | StorageOp::CountFolder { .. } => {}
                    StorageOp::DeleteFolder { .. } | StorageOp::Transfer { .. } => {
                        commands.extend(self.relist());
                    }
                }
                commands
            }
            Err(failure) => {
                if !self.batch_result(&op, &failure.message, true) {
                    self.warn(failure.message.clone());
                }
                match op {
                    StorageOp::UploadFile {
                        path,
                        bucket,
                        object_path,
                        upsert: false,
                    } if failure.conflict => {
                        // Raised by the server's answer, not by a key: it may pop up
                        // while the user types elsewhere, so it waits to be read.
                        self.ask(
                            format!("{bucket}/{object_path} exists. Overwrite it?"),
                            OnYes::Send(vec![Command::Storage(StorageOp::UploadFile {
                                path,
                                bucket,
                                object_path,
                                upsert: true,
                            })]),
                            Asked::Unasked,
                        );
                    }
                    op if failure.missing_bucket => {
                        let name = op.bucket().to_string();
                        self.ask(
                            format!(
                                "Bucket {name} does not exist. Create it (public: {})?",
                                self.settings.public_urls
                            ),
                            OnYes::Send(vec![Command::Storage(StorageOp::CreateBucket {
                                name,
                                public: self.settings.public_urls,
                            })]),
                            Asked::Unasked,
                        );
                    }
                    _ => {}
                }
                Vec::new()
            }
        }
    }

    pub fn notice_is_error(&self) -> bool {
        self.notice
            .as_ref()
            .is_some_and(|n| n.level == NoticeLevel::Error)
    }
}

/// Percent-encode an object path for a URL, keeping its slashes.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
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
