//! The jobs timeline: one row per job, reduced from engine events.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::modal::{Asked, OnYes};
use super::{App, Effect};
use sora_core::engine::{Command, EngineEvent, JobKey, Retry};
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
    /// The service and model it runs on (`Runway · api.dev.runwayml.com · gen4.5`).
    pub service: Option<String>,
    /// What it was estimated to cost before it was sent.
    pub estimate: Option<String>,
    /// What the service last said besides the status: cost, queue position, logs.
    pub notes: Vec<String>,
    /// The finished video's thumbnail, once the saved file is decoded.
    pub preview: Option<super::preview::Preview>,
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
            service: None,
            estimate: None,
            notes: Vec::new(),
            preview: None,
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
    pub fn row(&self, key: JobKey) -> Option<&JobRow> {
        self.rows.iter().find(|r| r.key == key)
    }

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

impl App {
    /// A job's lifecycle: its row in the timeline, and the notice about it.
    pub(super) fn on_job_event(&mut self, event: EngineEvent) {
        let now = self.now;
        match event {
            EngineEvent::JobSubmitting { key, prompt, at }
            | EngineEvent::JobResumed { key, prompt, at } => {
                self.jobs.row_or_insert(key, &prompt).submitted_at = Some(at);
            }
            EngineEvent::JobService {
                key,
                service,
                estimate,
            } => {
                let row = self.jobs.row_or_insert(key, "");
                row.service = Some(service);
                row.estimate = estimate;
            }
            EngineEvent::JobCreated { key, job_id, at } => {
                let row = self.jobs.row_or_insert(key, "");
                row.job_id = Some(job_id);
                // A job picked up by id has no submit: the timeline starts when it was found.
                row.submitted_at.get_or_insert(at);
            }
            EngineEvent::JobStatusChanged {
                key,
                status,
                status_text,
                progress,
                at,
                expires_at,
                notes,
            } => {
                let row = self.jobs.row_or_insert(key, "");
                if !notes.is_empty() {
                    row.notes = notes;
                }
                let repeated = row
                    .steps
                    .last()
                    .is_some_and(|s| s.status == status && s.text == status_text);
                if !repeated {
                    row.steps.push(StatusStep {
                        status,
                        text: status_text,
                        at,
                    });
                }
                row.progress = progress.or(row.progress);
                // Only finished content expires; a failed or cancelled job has none to lose.
                match expires_at {
                    Some(expires) if status == JobStatus::Succeeded => {
                        self.downloads.set_expiry(key, expires)
                    }
                    _ => self.downloads.clear_expiry(key),
                }
            }
            EngineEvent::JobRetrying(retry) => {
                self.inform(format!("{}: {}", retry.key, retry.describe()));
                self.jobs.row_or_insert(retry.key, "").retries.push(retry);
            }
            EngineEvent::JobFailed { key, message, at } => {
                let row = self.jobs.row_or_insert(key, "");
                row.end = Some(JobEnd::Failed {
                    message: message.clone(),
                });
                row.ended_at = Some(at);
                self.downloads.clear_expiry(key);
                if self.give_back_refused_prompt(key) {
                    self.warn(format!(
                        "{key} failed: {message} — the prompt is back in the field: fix it and press Enter."
                    ));
                } else {
                    self.warn(format!("{key} failed: {message}"));
                }
            }
            EngineEvent::JobComplete { key, ok } => {
                let row = self.jobs.row_or_insert(key, "");
                // A failure already recorded says more than "not ok": keep it.
                if !matches!(row.end, Some(JobEnd::Failed { .. })) {
                    row.end = Some(JobEnd::Completed { ok });
                    row.ended_at = Some(now);
                }
                if ok {
                    self.inform(format!("{key} done"));
                } else {
                    let reason = row.last_error.clone().unwrap_or_default();
                    self.warn(
                        format!("{key} finished with errors {reason}")
                            .trim_end()
                            .to_string(),
                    );
                }
            }
            // Routed elsewhere by `on_engine_event`.
            _ => {}
        }
    }

    /// Ask before cancelling and deleting the selected job on its service: `y` only.
    /// `q`: quit, unless jobs are running; then say what becomes of them and ask. They go on
    /// on the service and the next start resumes them, but the demo's end with its simulator.
    pub(super) fn quit_or_ask(&mut self) {
        let running = self.jobs.rows.iter().filter(|r| r.is_active()).count();
        if running == 0 {
            self.quit = true;
            return;
        }
        let fate = if self.settings.demo {
            "the demo's simulator stops with the dashboard, so they are lost (nothing was paid)"
        } else {
            "they go on on the service, and the next `sora-tui` resumes and downloads them"
        };
        self.ask(
            format!("Quit with {running} job(s) running? If you quit, {fate}."),
            OnYes::Quit,
            Asked::ByKey,
        );
    }

    pub(super) fn ask_delete_job(&mut self) {
        let Some(row) = self.jobs.selected_row() else {
            self.warn("No job selected.");
            return;
        };
        let Some(id) = row.job_id.clone() else {
            self.warn("This job has no id on the service yet: nothing to cancel.");
            return;
        };
        let key = row.key;
        let service = row.service.clone().unwrap_or_else(|| "its service".into());
        let what = if row.is_active() {
            "Cancel and delete"
        } else {
            "Delete"
        };
        self.confirm(
            format!("{what} job {id} on {service}? Its content on the service goes with it (files on disk stay)."),
            vec![Command::DeleteJob { key }],
        );
    }

    pub(super) fn upload_selected_job(&mut self) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get_mut(self.jobs.selected) else {
            self.warn("No job to upload: submit a prompt first.");
            return Vec::new();
        };
        let key = row.key;
        let mut commands = Vec::new();
        for file in row.files.iter_mut().filter(|f| f.needs_upload()) {
            // Marked now, not when the engine answers, so a second `u` cannot upload twice.
            file.upload = UploadState::Uploading;
            commands.push(Effect::Engine(Command::Upload {
                job: key,
                path: file.path.clone(),
            }));
        }
        let downloaded = row.files.len();
        match (commands.len(), downloaded) {
            (0, 0) => self.warn(format!(
                "{key} has no downloaded file yet: nothing to upload."
            )),
            (0, _) => self.inform(format!(
                "Every file of {key} is already uploaded or uploading."
            )),
            (n, _) => self.inform(format!(
                "Uploading {n} file(s) of {key} to {}",
                self.settings.output_bucket
            )),
        }
        commands
    }
}
