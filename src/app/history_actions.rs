//! Actions on the selected History entry, with the jobs panel's keys: download it again (`d`),
//! upload its videos (`u`), open its video (`o`), copy its id, path or URL (`y`/`p`/`w`).
//!
//! An entry whose job has a row in the jobs panel (this session's, or one resumed) is acted on
//! through that row, exactly as there. A job known only from the journal (an earlier
//! session's) is taken up by the engine under a new key (`Command::TakeUp`), so its download
//! or upload runs, and shows, like any other job's; opening and copying need only the journal.

use std::time::UNIX_EPOCH;

use super::keymap::{Action, Scope};
use super::{App, Effect};
use sora_core::engine::{Command, JobKey, TakeUpThen};
use sora_core::journal::{JobRecord, JobState};

/// How the notices name an entry: its id on the service, else its prompt.
fn entry_name(record: &JobRecord) -> String {
    record
        .job_id
        .clone()
        .unwrap_or_else(|| format!("\"{}\"", sora_core::text::one_line(&record.request.prompt)))
}

/// The entry's video on disk as recorded (else its first file), for `o` and `p`.
fn recorded_video(record: &JobRecord) -> Option<&str> {
    record.video_paths().next()
}

impl App {
    /// The selected entry, or the warning that there is none (saying so when the filter hides
    /// every entry).
    fn selected_history_entry(&mut self) -> Option<JobRecord> {
        if let Some(record) = self.history.selected_record() {
            return Some(record.clone());
        }
        let has_entries = self.history.records.loaded().is_some_and(|r| !r.is_empty());
        if self.history.filter.is_active() && has_entries {
            let clear = self.keymap.keys_label(Scope::Filtered, Action::ClearFilter);
            self.warn(format!(
                "No entry selected: no entry matches /{} ({clear} clears the filter).",
                self.history.filter.text().trim()
            ));
        } else {
            self.warn("No entry selected: the history is empty.");
        }
        None
    }

    /// The jobs panel's row of this journal entry, when it has one: filed under the entry, or
    /// the same job on the service (listed with S, or fetched with :download), so acting on the
    /// entry never makes the job a second row and a second download of the same file.
    fn row_of_entry(&self, record: &JobRecord) -> Option<usize> {
        let rows = &self.jobs.rows;
        rows.iter()
            .position(|r| r.journal_id.as_deref() == Some(record.id.as_str()))
            .or_else(|| {
                let id = record.job_id.as_deref()?;
                rows.iter().position(|r| r.job_id.as_deref() == Some(id))
            })
    }

    /// A new row for a job taken up from the journal, filled with what the journal knows; the
    /// engine's events fill in the rest.
    fn take_up(&mut self, record: &JobRecord, then: TakeUpThen) -> (JobKey, Effect) {
        let key = JobKey(self.next_job);
        self.next_job += 1;
        let now = self.now;
        let row = self.jobs.row_or_insert(key, &record.request.prompt);
        row.journal_id = Some(record.id.clone());
        row.job_id = record.job_id.clone();
        row.service = Some(record.provider.clone());
        row.params = Some(record.request.parameters());
        row.submitted_at = Some(now);
        let command = Command::TakeUp {
            key,
            journal_id: record.id.clone(),
            then,
        };
        (key, Effect::Engine(command))
    }

    /// `d` on the History page: fetch the entry's video again (what is on disk is kept, a
    /// partial file resumes), or say why it cannot be.
    pub(super) fn download_entry_again(&mut self) -> Vec<Effect> {
        let Some(record) = self.selected_history_entry() else {
            return Vec::new();
        };
        if let Some(index) = self.row_of_entry(&record) {
            return self.retry_download_at(index);
        }
        let who = entry_name(&record);
        let rerun = self.keymap.keys_label(Scope::History, Action::Rerun);
        match record.state {
            JobState::Failed | JobState::Cancelled => {
                let why = record
                    .failure
                    .as_deref()
                    .map(|f| format!(" ({})", sora_core::text::one_line(f)))
                    .unwrap_or_default();
                self.warn(format!(
                    "{who} did not succeed on the service{why}: it has no video to download. {rerun} copies its prompt to send it again (a new, paid job)."
                ));
                return Vec::new();
            }
            JobState::Active => {
                self.warn(format!(
                    "{who} has not finished on the service as far as the journal knows: the next start of sora-tui resumes it and downloads its video."
                ));
                return Vec::new();
            }
            JobState::Succeeded => {}
        }
        if record.job_id.is_none() {
            self.warn(format!(
                "{who} was never created on the service (no id): there is nothing to download."
            ));
            return Vec::new();
        }
        let now = self
            .now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        if let Some(expired) = record.expires_at.filter(|at| *at <= now) {
            let when = sora_core::text::utc_time_millis(expired.saturating_mul(1000))
                .replace('T', " ")
                .trim_end_matches('Z')
                .to_string();
            self.warn(format!(
                "The content of {who} expired on the service at {when} UTC: it cannot be downloaded again. {rerun} copies its prompt to make it again (a new, paid job)."
            ));
            return Vec::new();
        }
        let (key, effect) = self.take_up(&record, TakeUpThen::Download);
        self.inform(format!(
            "Downloading {who} again as {key} (Jobs panel): what is on disk is kept, a partial file resumes."
        ));
        vec![effect]
    }

    /// `u` on the History page: upload the entry's downloaded videos not yet in the bucket.
    pub(super) fn upload_entry(&mut self) -> Vec<Effect> {
        let Some(record) = self.selected_history_entry() else {
            return Vec::new();
        };
        if let Some(index) = self.row_of_entry(&record) {
            return self.upload_job_at(index);
        }
        let who = entry_name(&record);
        let download = self
            .keymap
            .keys_label(Scope::History, Action::RetryDownload);
        if recorded_video(&record).is_none() {
            self.warn(format!(
                "{who} has no video saved: nothing to upload ({download} downloads it again, if it succeeded and has not expired)."
            ));
            return Vec::new();
        }
        let pending = record
            .video_paths()
            .filter(|path| !record.uploads.iter().any(|u| u.path == *path))
            .count();
        if pending == 0 {
            let copy = self.keymap.keys_label(Scope::History, Action::CopyJobUrl);
            self.inform(format!(
                "Every video of {who} is in the bucket already: {copy} copies its URL."
            ));
            return Vec::new();
        }
        let (key, effect) = self.take_up(&record, TakeUpThen::Upload);
        self.inform(format!(
            "Uploading {pending} video(s) of {who} to {} as {key} (Jobs panel)…",
            self.settings.output_bucket
        ));
        vec![effect]
    }

    /// `o` on the History page: the entry's video in the system player.
    pub(super) fn open_entry_video(&mut self) -> Vec<Effect> {
        let Some(record) = self.selected_history_entry() else {
            return Vec::new();
        };
        if let Some(index) = self.row_of_entry(&record) {
            return self.open_video_at(index);
        }
        let Some(path) = recorded_video(&record) else {
            let download = self
                .keymap
                .keys_label(Scope::History, Action::RetryDownload);
            let open = self.keymap.keys_label(Scope::History, Action::OpenVideo);
            self.warn(format!(
                "{} has no video saved: {download} downloads it again, then {open} opens it.",
                entry_name(&record)
            ));
            return Vec::new();
        };
        self.inform(format!("Opening {path}…"));
        vec![Effect::Open {
            path: path.into(),
            command: self.settings.open_command.clone(),
        }]
    }

    /// `y` / `p` / `w` on the History page: the entry's id, file path or public URL.
    pub(super) fn copy_from_entry(&mut self, action: Action) -> Vec<Effect> {
        let Some(record) = self.selected_history_entry() else {
            return Vec::new();
        };
        if let Some(index) = self.row_of_entry(&record) {
            return self.copy_from_job_at(index, action);
        }
        let who = entry_name(&record);
        let (what, text) = match action {
            Action::CopyJobId => ("id", record.job_id.clone()),
            Action::CopyJobPath => (
                "path",
                recorded_video(&record)
                    .or(record.downloads.first().map(|d| d.path.as_str()))
                    .map(str::to_string),
            ),
            _ => (
                "URL",
                record.uploads.iter().find_map(|u| u.public_url.clone()),
            ),
        };
        if let Some(text) = text {
            self.inform(format!("Copied the {what} of {who}: {text}"));
            return vec![Effect::Clipboard(text)];
        }
        let download = self
            .keymap
            .keys_label(Scope::History, Action::RetryDownload);
        let upload = self.keymap.keys_label(Scope::History, Action::Upload);
        let why = match (action, record.uploads.first()) {
            (Action::CopyJobId, _) => "was never created on the service (no id)".to_string(),
            (Action::CopyJobPath, _) => {
                format!("has no file saved ({download} downloads it again)")
            }
            (_, Some(stored)) => format!(
                "is in {}/{}, a private bucket: it has no public URL",
                stored.bucket, stored.object_path
            ),
            _ => format!(
                "has no URL yet: {upload} uploads its video, and a public bucket gives the URL"
            ),
        };
        self.warn(format!("{who} {why}: nothing to copy."));
        Vec::new()
    }
}
