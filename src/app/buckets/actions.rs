//! The bucket browser's keys: navigation that lists folders, and actions that open a text field
//! or a question before anything is sent; a filled-in field becomes a storage command.

use std::path::PathBuf;

use super::{BucketsPane, DEFAULT_SIGNED_SECS, ObjectsLocation};
use crate::app::keymap::{Action, Scope};
use crate::app::modal::InputPurpose;
use crate::app::remote::Remote;
use crate::app::{App, Effect, Focus};
use sora_core::engine::{Command, StorageOp};
use sora_core::storage::Transfer;
use sora_core::storage::path::{join_folder, parent_folder};

impl App {
    /// The bucket browser's own actions (keys of `Scope::Buckets` beyond navigation).
    pub(crate) fn bucket_action(&mut self, action: Action) -> Vec<Effect> {
        if self.focus != Focus::Buckets && action != Action::FixBuckets {
            return Vec::new();
        }
        if let Some(effects) = self.folder_action(action) {
            return effects;
        }
        let in_objects = self.buckets.pane == BucketsPane::Objects;
        match action {
            Action::ServerSearch => {
                let current = self.buckets.query.search.clone();
                self.open_input(InputPurpose::ServerSearch, &current);
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
            Action::TogglePublic => self.ask_toggle_public(),
            Action::Delete if in_objects => self.ask_delete_object(),
            Action::Delete => self.ask_delete_bucket(),
            Action::UploadFile => {
                if self.buckets.shown.is_none() {
                    self.warn(
                        "Open a bucket first (Enter on it), then u uploads into the folder shown.",
                    );
                    return Vec::new();
                }
                self.open_input(InputPurpose::UploadPath, "");
            }
            Action::DownloadObject => self.ask_download_to(),
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
            Action::FixBuckets => self.ask_fix_buckets(),
            _ => {}
        }
        Vec::new()
    }

    /// Make the selected bucket public or private, after a question.
    fn ask_toggle_public(&mut self) {
        let Some(bucket) = self
            .buckets
            .selected_bucket_name()
            .and_then(|n| self.buckets.bucket_named(n))
            .cloned()
        else {
            return;
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

    /// Delete the selected file, after a question.
    fn ask_delete_object(&mut self) {
        let Some((bucket, path)) = self.buckets.selected_file_path() else {
            self.warn("Select a file to delete (folders exist only through their files).");
            return;
        };
        self.confirm(
            format!("Delete {bucket}/{path}? This cannot be undone."),
            vec![Command::Storage(StorageOp::DeleteObjects {
                bucket,
                paths: vec![path],
            })],
        );
    }

    /// Delete the selected bucket (only an empty one can go), after a question.
    fn ask_delete_bucket(&mut self) {
        let Some(bucket) = self.buckets.selected_bucket_name().map(str::to_string) else {
            return;
        };
        self.confirm(
            format!("Delete bucket {bucket}? Only an empty bucket can be deleted."),
            vec![Command::Storage(StorageOp::DeleteBucket { bucket })],
        );
    }

    /// Ask where to save the selected file.
    fn ask_download_to(&mut self) {
        let Some((_, path)) = self.buckets.selected_file_path() else {
            self.warn("Select a file to download.");
            return;
        };
        // A listed name of `..` would otherwise pick where the local file goes.
        if let Err(e) = sora_core::storage::check_object_path(&path) {
            self.warn(e.to_string());
            return;
        }
        let name = path.rsplit('/').next().unwrap_or(&path).to_string();
        let out = self.settings.download_dir.join(name);
        self.open_input(
            InputPurpose::DownloadTo { object_path: path },
            &out.display().to_string(),
        );
    }

    /// Create or publish the configured buckets found wrong on the last bucket list, after a
    /// question.
    fn ask_fix_buckets(&mut self) {
        if self.buckets.pending_fix.is_empty() {
            self.inform("The configured buckets look fine: nothing to fix.");
            return;
        }
        let what = self
            .buckets
            .pending_fix
            .iter()
            .map(|op| match op {
                StorageOp::CreateBucket { name, public } => {
                    let kind = if *public { "public" } else { "private" };
                    format!("create {kind} bucket {name}")
                }
                StorageOp::SetBucketPublic { bucket, .. } => {
                    format!("make {bucket} public")
                }
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join(", ");
        // Kept, not taken: a "no" leaves the fix for a later `f`; the bucket list that follows
        // a fix recomputes it.
        let ops = self.buckets.pending_fix.clone();
        self.confirm(
            format!("Fix the configured buckets: {what}?"),
            ops.into_iter().map(Command::Storage).collect(),
        );
    }

    fn copy_public_url(&mut self) -> Vec<Effect> {
        let Some((bucket, path)) = self.buckets.selected_file_path() else {
            self.warn("Select a file to copy its public URL.");
            return Vec::new();
        };
        let Some(url) = self.settings.public_url(&bucket, &path) else {
            self.warn("Supabase is not configured: no public URL.");
            return Vec::new();
        };
        let private = self
            .buckets
            .bucket_named(&bucket)
            .is_some_and(|b| !b.public);
        if private {
            let key = |action| self.keymap.keys_label(Scope::Buckets, action);
            let (public, sign) = (key(Action::TogglePublic), key(Action::SignedUrl));
            self.warn(format!(
                "Copied, but {bucket} is private: its public URL answers 'Bucket not found'. {public} makes it public, {sign} signs a URL."
            ));
        } else {
            self.inform(format!("Copied public URL: {url}"));
        }
        self.buckets.last_url = Some((format!("{bucket}/{path}"), url.clone()));
        vec![Effect::Clipboard(url)]
    }

    pub(crate) fn input_done(&mut self, purpose: InputPurpose, value: &str) -> Vec<Effect> {
        let shown = self.buckets.shown.clone();
        let bucket = shown.as_ref().map(|s| s.bucket.clone()).unwrap_or_default();
        match purpose {
            InputPurpose::ServerSearch => {
                self.buckets.query.search = value.to_string();
                return self.relist();
            }
            InputPurpose::CommandLine => return self.run_command_line(value),
            _ if value.is_empty() => self.warn("Nothing typed: cancelled."),
            InputPurpose::NewBucket { public } => {
                return vec![Effect::Engine(Command::Storage(StorageOp::CreateBucket {
                    name: value.to_string(),
                    public,
                }))];
            }
            InputPurpose::UploadPath => {
                let path = PathBuf::from(expand_home(value));
                let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
                    self.warn(format!("{value} names no file."));
                    return Vec::new();
                };
                let prefix = shown.map(|s| s.prefix).unwrap_or_default();
                return vec![Effect::Engine(Command::Storage(StorageOp::UploadFile {
                    path,
                    bucket,
                    object_path: join_folder(&prefix, &name),
                    upsert: false,
                }))];
            }
            InputPurpose::Rename { from } => {
                return self.transfer_input_done(Transfer::Move, from, false, value);
            }
            InputPurpose::TransferTo { kind, from, folder } => {
                return self.transfer_input_done(kind, from, folder, value);
            }
            InputPurpose::SignedExpiry { object_path } => match value.parse::<u64>() {
                Ok(secs) if secs >= 1 => {
                    return vec![Effect::Engine(Command::Storage(StorageOp::SignUrl {
                        bucket,
                        object_path,
                        expires_in: secs,
                    }))];
                }
                _ => self.warn(format!("`{value}` is not a number of seconds (1 or more).")),
            },
            InputPurpose::DownloadTo { object_path } => {
                return vec![Effect::Engine(Command::Storage(
                    StorageOp::DownloadObject {
                        bucket,
                        object_path,
                        out: PathBuf::from(expand_home(value)),
                        overwrite: false,
                    },
                ))];
            }
        }
        Vec::new()
    }

    /// Restart the listing on screen (sort, order or filter changed, or after a change).
    pub(crate) fn relist(&mut self) -> Vec<Effect> {
        match self.buckets.shown.clone() {
            Some(location) => vec![Effect::Engine(self.list_objects(location))],
            None => Vec::new(),
        }
    }

    /// The next page, when the selection moved near the end of what is loaded.
    pub(crate) fn next_page(&mut self) -> Vec<Effect> {
        let Some(shown) = self.buckets.shown.clone() else {
            return Vec::new();
        };
        if self.focus != Focus::Buckets || self.buckets.pane != BucketsPane::Objects {
            return Vec::new();
        }
        match self.buckets.next_page_query() {
            Some(query) => vec![Effect::Engine(Command::ListObjects {
                bucket: shown.bucket,
                prefix: shown.prefix,
                query,
            })],
            None => Vec::new(),
        }
    }

    pub(crate) fn refresh_buckets(&mut self) -> Vec<Effect> {
        // Keep showing the old list while the new one is on its way.
        if self.buckets.buckets.loaded().is_none() {
            self.buckets.buckets = Remote::Loading;
        }
        let mut commands = vec![Effect::Engine(Command::ListBuckets)];
        if let Some(location) = self.buckets.shown.clone() {
            commands.push(Effect::Engine(self.list_objects(location)));
        }
        commands
    }

    pub(crate) fn open_in_buckets(&mut self) -> Vec<Effect> {
        match self.buckets.pane {
            BucketsPane::Buckets => {
                let Some(bucket) = self.buckets.selected_bucket_name().map(str::to_string) else {
                    return Vec::new();
                };
                vec![Effect::Engine(self.list_objects(ObjectsLocation {
                    bucket,
                    prefix: String::new(),
                }))]
            }
            BucketsPane::Objects => {
                let (Some(object), Some(shown)) =
                    (self.buckets.selected_object(), self.buckets.shown.as_ref())
                else {
                    return Vec::new();
                };
                if !object.is_folder() {
                    return Vec::new();
                }
                let location = ObjectsLocation {
                    bucket: shown.bucket.clone(),
                    prefix: join_folder(&shown.prefix, &object.name),
                };
                vec![Effect::Engine(self.list_objects(location))]
            }
        }
    }

    pub(crate) fn open_parent_folder(&mut self) -> Vec<Effect> {
        let Some(shown) = self.buckets.shown.as_ref() else {
            return Vec::new();
        };
        if shown.prefix.is_empty() {
            return Vec::new();
        }
        let location = ObjectsLocation {
            bucket: shown.bucket.clone(),
            prefix: parent_folder(&shown.prefix).to_string(),
        };
        vec![Effect::Engine(self.list_objects(location))]
    }

    pub(crate) fn list_objects(&mut self, location: ObjectsLocation) -> Command {
        let query = self.buckets.begin_listing(location.clone());
        Command::ListObjects {
            bucket: location.bucket,
            prefix: location.prefix,
            query,
        }
    }
}

/// `~/x` → `$HOME/x`.
fn expand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}
