//! The bucket browser's folder-wide actions and what needs asking first: a folder's totals
//! (`t`), deleting a folder (`x` on it: counted, then asked), copy (`K`) and move (`m`) of a
//! file or a folder to any bucket (asked, with the count for a folder), a download onto an
//! existing local file (asked), and one notice for the results of a batch (`f` fixing two
//! buckets says both).

use sora_core::engine::{AfterCount, Command, StorageDone, StorageFailure, StorageOp};
use sora_core::storage::{Totals, Transfer, check_object_path};

use super::buckets::BucketsPane;
use super::keymap::Action;
use super::modal::{Asked, InputPurpose, OnYes};
use super::{App, Effect};
use sora_core::storage::path::join_folder;

/// `bucket/path`, or the bucket alone for its root.
fn location(bucket: &str, path: &str) -> String {
    if path.is_empty() {
        bucket.to_string()
    } else {
        format!("{bucket}/{path}")
    }
}

fn what_is(totals: &Totals) -> String {
    if totals.objects == 0 && totals.folders == 0 {
        "an empty folder".to_string()
    } else {
        totals.describe()
    }
}

impl App {
    /// The selected entry as (bucket, full path, is a folder).
    fn selected_entry(&self) -> Option<(String, String, bool)> {
        let shown = self.buckets.shown.as_ref()?;
        let entry = self.buckets.selected_object()?;
        Some((
            shown.bucket.clone(),
            join_folder(&shown.prefix, &entry.name),
            entry.is_folder(),
        ))
    }

    /// The folder-wide actions; `None` for what the bucket browser does itself.
    pub(super) fn folder_action(&mut self, action: Action) -> Option<Vec<Effect>> {
        let in_objects = self.buckets.pane == BucketsPane::Objects;
        match action {
            Action::FolderTotals => {
                let shown = self.buckets.shown.clone()?;
                // The selected folder, else the folder on screen.
                let prefix = match self.selected_entry() {
                    Some((_, path, true)) if in_objects => path,
                    _ => shown.prefix,
                };
                self.inform(format!("Counting {}…", location(&shown.bucket, &prefix)));
                Some(vec![Effect::Engine(Command::Storage(
                    StorageOp::CountFolder {
                        bucket: shown.bucket,
                        prefix,
                        then: AfterCount::Show,
                    },
                ))])
            }
            Action::Delete if in_objects => {
                let (bucket, prefix, true) = self.selected_entry()? else {
                    return None;
                };
                self.inform(format!(
                    "Counting {} before asking…",
                    location(&bucket, &prefix)
                ));
                Some(vec![Effect::Engine(Command::Storage(
                    StorageOp::CountFolder {
                        bucket,
                        prefix,
                        then: AfterCount::Delete,
                    },
                ))])
            }
            Action::Rename | Action::CopyTo if in_objects => {
                let (bucket, from, folder) = self.selected_entry()?;
                let kind = if action == Action::CopyTo {
                    Transfer::Copy
                } else {
                    Transfer::Move
                };
                let value = location(&bucket, &from);
                let purpose = match (kind, folder) {
                    // A file renamed within its bucket keeps the one-step rename.
                    (Transfer::Move, false) => InputPurpose::Rename { from },
                    _ => InputPurpose::TransferTo { kind, from, folder },
                };
                self.open_input(purpose, &value);
                Some(Vec::new())
            }
            _ => None,
        }
    }

    /// Where a typed `BUCKET/PATH` goes: the first part names a bucket when it is one of
    /// these buckets, else the whole text is a path in `current`. A bare bucket (or a path
    /// ending in `/`) keeps `name` inside it.
    fn destination(&self, current: &str, value: &str, name: &str) -> (String, String) {
        let value = value.trim().trim_start_matches('/');
        let inside = value.ends_with('/');
        let value = value.trim_end_matches('/');
        let (bucket, path) = match value.split_once('/') {
            Some((first, rest)) if self.buckets.bucket_named(first).is_some() => {
                (first.to_string(), rest.to_string())
            }
            None if self.buckets.bucket_named(value).is_some() => {
                (value.to_string(), String::new())
            }
            _ => (current.to_string(), value.to_string()),
        };
        if inside || path.is_empty() {
            (bucket, join_folder(&path, name))
        } else {
            (bucket, path)
        }
    }

    /// The text field of a copy or move was confirmed: the destination is read against the
    /// bucket on screen.
    pub(super) fn transfer_input_done(
        &mut self,
        kind: Transfer,
        from: String,
        folder: bool,
        value: &str,
    ) -> Vec<Effect> {
        let Some(bucket) = self.buckets.shown.as_ref().map(|s| s.bucket.clone()) else {
            return Vec::new();
        };
        let name = from.rsplit('/').next().unwrap_or(&from).to_string();
        let (to_bucket, to) = self.destination(&bucket, value, &name);
        self.transfer(kind, bucket, from, folder, to_bucket, to)
    }

    /// A copy or move whose both ends are known (the bucket browser's field, or `:cp`/`:mv`):
    /// a file within its bucket moves at once (a rename, which never overwrites); anything else
    /// is asked first, a folder once it is counted.
    pub(super) fn transfer(
        &mut self,
        kind: Transfer,
        bucket: String,
        from: String,
        folder: bool,
        to_bucket: String,
        to: String,
    ) -> Vec<Effect> {
        if to_bucket == bucket && to == from {
            self.inform("Same place: nothing to do.");
            return Vec::new();
        }
        if let Err(e) = check_object_path(&to) {
            self.warn(e.to_string());
            return Vec::new();
        }
        if folder && to_bucket == bucket && to.starts_with(&format!("{from}/")) {
            self.warn(format!(
                "{} is inside {}: a folder cannot go into itself.",
                location(&to_bucket, &to),
                location(&bucket, &from)
            ));
            return Vec::new();
        }
        if kind == Transfer::Move && !folder && to_bucket == bucket {
            return vec![Effect::Engine(Command::Storage(StorageOp::MoveObject {
                bucket,
                from,
                to,
            }))];
        }
        if folder {
            self.inform(format!(
                "Counting {} before asking…",
                location(&bucket, &from)
            ));
            return vec![Effect::Engine(Command::Storage(StorageOp::CountFolder {
                bucket,
                prefix: from,
                then: AfterCount::Transfer {
                    kind,
                    to_bucket,
                    to,
                },
            }))];
        }
        let question = format!(
            "{} {} to {}?",
            capitalized(kind.verb()),
            location(&bucket, &from),
            location(&to_bucket, &to)
        );
        let op = StorageOp::Transfer {
            kind,
            bucket,
            from,
            to_bucket,
            to,
            folder: false,
            upsert: false,
        };
        self.confirm(question, vec![Command::Storage(op)]);
        Vec::new()
    }

    /// The outcome of a folder action, or of a question a failure raises; `None` for the rest.
    pub(super) fn on_folder_result(
        &mut self,
        op: &StorageOp,
        result: &Result<StorageDone, StorageFailure>,
    ) -> Option<Vec<Effect>> {
        match (op, result) {
            (
                StorageOp::CountFolder {
                    bucket,
                    prefix,
                    then,
                },
                Ok(done),
            ) => {
                let totals = done.totals.unwrap_or_default();
                let here = location(bucket, prefix);
                match then {
                    AfterCount::Show => self.inform(done.message.clone()),
                    AfterCount::Delete => {
                        self.inform(done.message.clone());
                        self.ask(
                            format!(
                                "Delete folder {here} and everything in it: {}? This cannot be undone.",
                                what_is(&totals)
                            ),
                            OnYes::Send(vec![Command::Storage(StorageOp::DeleteFolder {
                                bucket: bucket.clone(),
                                prefix: prefix.clone(),
                            })]),
                            Asked::Unasked,
                        );
                    }
                    AfterCount::Transfer {
                        kind,
                        to_bucket,
                        to,
                    } => {
                        self.inform(done.message.clone());
                        self.ask(
                            format!(
                                "{} folder {here} ({}) to {}?",
                                capitalized(kind.verb()),
                                what_is(&totals),
                                location(to_bucket, to)
                            ),
                            OnYes::Send(vec![Command::Storage(StorageOp::Transfer {
                                kind: *kind,
                                bucket: bucket.clone(),
                                from: prefix.clone(),
                                to_bucket: to_bucket.clone(),
                                to: to.clone(),
                                folder: true,
                                upsert: false,
                            })]),
                            Asked::Unasked,
                        );
                    }
                }
                Some(Vec::new())
            }
            (
                StorageOp::DownloadObject {
                    bucket,
                    object_path,
                    out,
                    overwrite: false,
                },
                Err(failure),
            ) if failure.conflict => {
                // The user's file is replaced only after a yes, asked when the answer came.
                self.warn(failure.message.clone());
                self.ask(
                    format!(
                        "{} exists. Replace it with {bucket}/{object_path}?",
                        out.display()
                    ),
                    OnYes::Send(vec![Command::Storage(StorageOp::DownloadObject {
                        bucket: bucket.clone(),
                        object_path: object_path.clone(),
                        out: out.clone(),
                        overwrite: true,
                    })]),
                    Asked::Unasked,
                );
                Some(Vec::new())
            }
            (
                StorageOp::Transfer {
                    kind: Transfer::Copy,
                    folder: false,
                    upsert: false,
                    bucket,
                    from,
                    to_bucket,
                    to,
                    ..
                },
                Err(failure),
            ) if failure.conflict => {
                self.warn(failure.message.clone());
                self.ask(
                    format!("{to_bucket}/{to} exists. Overwrite it with {bucket}/{from}?"),
                    OnYes::Send(vec![Command::Storage(StorageOp::Transfer {
                        kind: Transfer::Copy,
                        bucket: bucket.clone(),
                        from: from.clone(),
                        to_bucket: to_bucket.clone(),
                        to: to.clone(),
                        folder: false,
                        upsert: true,
                    })]),
                    Asked::Unasked,
                );
                Some(Vec::new())
            }
            _ => None,
        }
    }

    /// Results of a batch sent by one yes (`f` fixing two buckets) are said together, not
    /// each over the last. True when `op` belonged to the batch and its line was added.
    pub(super) fn batch_result(&mut self, op: &StorageOp, line: &str, failed: bool) -> bool {
        let Some(index) = self.buckets.batch.iter().position(|o| o == op) else {
            return false;
        };
        self.buckets.batch.remove(index);
        self.buckets.batch_lines.push(line.to_string());
        self.buckets.batch_failed |= failed;
        let text = self.buckets.batch_lines.join("; ");
        if self.buckets.batch_failed {
            self.warn(text);
        } else {
            self.inform(text);
        }
        if self.buckets.batch.is_empty() {
            self.buckets.batch_lines.clear();
            self.buckets.batch_failed = false;
        }
        true
    }

    /// Remember the operations one yes sends, so their results share one notice.
    pub(super) fn start_batch(&mut self, ops: &[StorageOp]) {
        self.buckets.batch = ops.to_vec();
        self.buckets.batch_lines.clear();
        self.buckets.batch_failed = false;
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
