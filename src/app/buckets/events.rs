//! The engine's answers for the bucket browser: bucket lists (each with a check of the
//! configured buckets), folder pages (late ones dropped), and the outcome of each action.

use super::ObjectsLocation;
use crate::app::keymap::{Action, Scope};
use crate::app::modal::{Asked, OnYes};
use crate::app::remote::Remote;
use crate::app::{App, Effect};
use sora_core::engine::{Command, ListQuery, StorageDone, StorageFailure, StorageOp};
use sora_core::storage::path::parent_folder;
use sora_core::storage::{Bucket, ObjectEntry};

impl App {
    /// On every bucket list: are the configured buckets there, and public when public URLs
    /// are wanted? Keep the fixes for `f` (a bucket made private later, from the dashboard or
    /// elsewhere, must be fixable too), and say the problems when they change, not on every
    /// refresh.
    pub(crate) fn check_configured_buckets(&mut self) {
        if self.buckets.buckets.loaded().is_none() {
            return;
        }
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
        self.buckets.pending_fix = fixes;
        if problems == self.buckets.config_problems {
            return;
        }
        if !problems.is_empty() {
            let key = self.keymap.keys_label(Scope::Buckets, Action::FixBuckets);
            self.warn(format!(
                "{} — press {key} in the buckets panel to fix it.",
                problems.join("; ")
            ));
        }
        self.buckets.config_problems = problems;
    }

    pub(crate) fn on_storage_event(
        &mut self,
        op: StorageOp,
        result: Result<StorageDone, StorageFailure>,
    ) -> Vec<Effect> {
        if let Some(effects) = self.on_folder_result(&op, &result) {
            return effects;
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
                    commands.push(Effect::Clipboard(url.clone()));
                    if let Some(notice) = &mut self.notice {
                        notice.text.push_str(" (copied)");
                    }
                }
                if let (
                    Some(url),
                    StorageOp::SignUrl {
                        bucket,
                        object_path,
                        ..
                    }
                    | StorageOp::UploadFile {
                        bucket,
                        object_path,
                        ..
                    },
                ) = (done.url, &op)
                {
                    self.buckets.last_url = Some((format!("{bucket}/{object_path}"), url));
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
                        commands.push(Effect::Engine(Command::ListBuckets));
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

    /// Point the buckets panel at the folder of a fresh upload so the new object shows.
    pub(crate) fn show_uploaded_object(
        &mut self,
        bucket: String,
        object_path: &str,
    ) -> Vec<Effect> {
        self.buckets.select_bucket_named(&bucket);
        vec![Effect::Engine(self.list_objects(ObjectsLocation {
            bucket,
            prefix: parent_folder(object_path).to_string(),
        }))]
    }

    pub(crate) fn on_buckets_listed(&mut self, result: Result<Vec<Bucket>, String>) -> Vec<Effect> {
        let list = match result {
            Ok(list) => list,
            Err(message) => {
                self.buckets.buckets = Remote::Failed(message);
                return Vec::new();
            }
        };
        let previously_selected = self.buckets.selected_bucket_name().map(str::to_string);
        self.buckets.buckets = Remote::Loaded(list);
        self.check_configured_buckets();
        self.buckets.selected_bucket = 0;
        // The first bucket may be one the `/` filter hides.
        self.buckets.keep_bucket_visible();
        if let Some(name) =
            previously_selected.or_else(|| self.buckets.shown.as_ref().map(|s| s.bucket.clone()))
        {
            // A refresh: keep the user's place.
            self.buckets.select_bucket_named(&name);
            if self.buckets.shown.is_some() {
                return Vec::new();
            }
        }
        let output = self.settings.output_bucket.clone();
        let bucket = if self.buckets.select_bucket_named(&output) {
            output
        } else {
            let Some(first) = self.buckets.selected_bucket_name().map(str::to_string) else {
                // The check of the configured buckets said what is missing and how to fix
                // it: that stays, behind this.
                let fix = self
                    .notice()
                    .filter(|_| !self.buckets.pending_fix.is_empty())
                    .map(|n| format!(": {}", n.text))
                    .unwrap_or_else(|| ".".to_string());
                self.warn(format!("Storage has no bucket yet{fix}"));
                return Vec::new();
            };
            let also = self
                .notice()
                .filter(|_| self.notice_is_error())
                .map(|n| format!(" {}", n.text))
                .unwrap_or_default();
            self.warn(format!(
                "Output bucket '{output}' not found; showing '{first}'.{also}"
            ));
            first
        };
        vec![Effect::Engine(self.list_objects(ObjectsLocation {
            bucket,
            prefix: String::new(),
        }))]
    }

    pub(crate) fn on_objects_listed(
        &mut self,
        bucket: String,
        prefix: String,
        query: &ListQuery,
        result: Result<Vec<ObjectEntry>, String>,
    ) -> Vec<Effect> {
        let answered = ObjectsLocation {
            bucket,
            prefix: prefix.trim_end_matches('/').to_string(),
        };
        // A late answer for a listing the user already left (another folder, sort or filter)
        // must not replace the current one.
        if self.buckets.shown.as_ref() != Some(&answered)
            || query.generation != self.buckets.query.generation
        {
            return Vec::new();
        }
        match result {
            Ok(page) => {
                // The selection may already sit near the end (End pressed while loading). Not
                // under a `/` filter: there the last row shown stays the last while pages
                // match nothing, and each End asks for one page, not the whole folder.
                if self.buckets.accept_page(query, page) && !self.buckets.object_filter.is_active()
                {
                    return self.next_page();
                }
            }
            Err(message) => {
                self.buckets.page_pending = None;
                if query.offset == 0 {
                    self.buckets.objects = Remote::Failed(message);
                } else {
                    self.warn(format!("Loading more entries failed: {message}"));
                }
            }
        }
        Vec::new()
    }
}
