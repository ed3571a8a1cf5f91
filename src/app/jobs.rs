//! The jobs timeline: one row per job, reduced from engine events.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use sora_core::engine::{JobKey, Retry};
use sora_core::providers::{ContentVariant, JobStatus};

/// A status the job passed through, with when the engine saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusStep {
    pub status: JobStatus,
    /// The service's own word (`preprocessing`, `in_progress`...), which is what we show.
    pub text: String,
    pub at: SystemTime,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UploadState {
    NotUploaded,
    Uploading,
    Uploaded {
        bucket: String,
        object_path: String,
        public_url: Option<String>,
    },
    Failed(String),
}

/// A file of the job that is on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct DownloadedFile {
    pub variant: ContentVariant,
    pub path: PathBuf,
    pub bytes: u64,
    pub upload: UploadState,
}

impl DownloadedFile {
    /// Uploading it (again) makes sense: never sent, or the last try failed.
    pub fn needs_upload(&self) -> bool {
        matches!(
            self.upload,
            UploadState::NotUploaded | UploadState::Failed(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum JobEnd {
    /// The engine finished every step; `ok` is false when some download or upload failed.
    Completed {
        ok: bool,
    },
    Failed {
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub key: JobKey,
    pub prompt: String,
    /// The service's job id, once the create call answered.
    pub job_id: Option<String>,
    /// When the engine sent the create request; the timeline's zero.
    pub submitted_at: Option<SystemTime>,
    pub steps: Vec<StatusStep>,
    /// Every create or poll that failed and was tried again, oldest first.
    pub retries: Vec<Retry>,
    pub progress: Option<u8>,
    pub files: Vec<DownloadedFile>,
    /// The last download/upload error, shown when the job ends without success.
    pub last_error: Option<String>,
    pub end: Option<JobEnd>,
    pub ended_at: Option<SystemTime>,
}

impl JobRow {
    pub fn new(key: JobKey, prompt: String) -> Self {
        Self {
            key,
            prompt,
            job_id: None,
            submitted_at: None,
            steps: Vec::new(),
            retries: Vec::new(),
            progress: None,
            files: Vec::new(),
            last_error: None,
            end: None,
            ended_at: None,
        }
    }

    pub fn is_active(&self) -> bool {
        self.end.is_none()
    }

    /// Time since submit: live while active, frozen at the end.
    pub fn elapsed(&self, now: SystemTime) -> Option<Duration> {
        let start = self.submitted_at?;
        let until = self.ended_at.unwrap_or(now);
        Some(until.duration_since(start).unwrap_or_default())
    }

    /// When `at` happened relative to submit.
    pub fn offset(&self, at: SystemTime) -> Option<Duration> {
        at.duration_since(self.submitted_at?).ok()
    }
}

#[derive(Debug, Clone, Default)]
pub struct JobsState {
    pub rows: Vec<JobRow>,
    pub selected: usize,
}

impl JobsState {
    pub fn row_mut(&mut self, key: JobKey) -> Option<&mut JobRow> {
        self.rows.iter_mut().find(|r| r.key == key)
    }

    /// The row of `key`, created when the engine reports a job this screen did not start.
    pub fn row_or_insert(&mut self, key: JobKey, prompt: &str) -> &mut JobRow {
        let index = match self.rows.iter().position(|r| r.key == key) {
            Some(i) => i,
            None => {
                self.rows.push(JobRow::new(key, prompt.to_string()));
                self.rows.len() - 1
            }
        };
        &mut self.rows[index]
    }

    pub fn selected_row(&self) -> Option<&JobRow> {
        self.rows.get(self.selected)
    }

    pub fn select_last(&mut self) {
        self.selected = self.rows.len().saturating_sub(1);
    }

    pub fn move_selection(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn any_active(&self) -> bool {
        self.rows.iter().any(JobRow::is_active)
    }
}
