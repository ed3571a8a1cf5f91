//! The jobs timeline: one row per job, reduced from engine events.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::keymap::{Action, Scope};
use super::list_filter::{ListFilter, moved_among, nearest_visible};
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
    /// Its entry in the journal, once recorded (before the create went out), or resumed from.
    pub journal_id: Option<String>,
    /// The parameters it was sent with (`480x480 5s x1`, `duration=5 ratio=1280:720`), when
    /// this screen sent it.
    pub params: Option<String>,
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
    /// Loaded from the service's own job list (`S`): shown as listed, not followed.
    pub listed: bool,
    /// The service it was listed from, when not the configured default: `d` fetches it there.
    pub listed_via: Option<sora_core::engine::Via>,
    /// The finished video's thumbnail, once the saved file is decoded.
    pub preview: Option<super::preview::Preview>,
}

impl JobRow {
    pub fn new(key: JobKey, prompt: String) -> Self {
        Self {
            key,
            prompt,
            job_id: None,
            journal_id: None,
            params: None,
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
            listed: false,
            listed_via: None,
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

    /// What the row shows that a `/` filter matches: key, prompt, job id, status, service and
    /// model, parameters, and how it ended.
    pub fn filter_fields(&self) -> Vec<String> {
        let mut fields = vec![self.key.to_string(), self.prompt.clone()];
        fields.extend(self.job_id.clone());
        fields.extend(self.service.clone());
        fields.extend(self.params.clone());
        fields.extend(self.steps.last().map(|s| s.text.clone()));
        fields.extend(match &self.end {
            None => None,
            Some(JobEnd::Completed { ok: true }) => Some("downloaded".to_string()),
            Some(JobEnd::Completed { ok: false }) => Some(format!(
                "incomplete: {}",
                self.last_error.as_deref().unwrap_or_default()
            )),
            Some(JobEnd::Failed { message }) => Some(format!("failed: {message}")),
        });
        fields
    }

    /// When `at` happened relative to submit.
    pub fn offset(&self, at: SystemTime) -> Option<Duration> {
        at.duration_since(self.submitted_at?).ok()
    }
}

#[derive(Debug, Clone, Default)]
pub struct JobsState {
    pub rows: Vec<JobRow>,
    /// Index in `rows` of the selected job; only a row the filter shows counts as selected.
    pub selected: usize,
    /// The `/` filter: only the rows it matches are drawn, clicked and acted on.
    pub filter: ListFilter,
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

    /// Whether the filter shows this row.
    pub fn shows(&self, row: &JobRow) -> bool {
        !self.filter.is_active() || self.filter.matches(row.filter_fields())
    }

    /// Indices in `rows` of the rows on the list, in order.
    pub fn visible(&self) -> Vec<usize> {
        (0..self.rows.len())
            .filter(|i| self.shows(&self.rows[*i]))
            .collect()
    }

    /// The selected job, if the filter shows it: an action never reaches a hidden row.
    pub fn selected_index(&self) -> Option<usize> {
        self.rows
            .get(self.selected)
            .filter(|r| self.shows(r))
            .map(|_| self.selected)
    }

    pub fn selected_row(&self) -> Option<&JobRow> {
        self.rows.get(self.selected_index()?)
    }

    pub fn selected_row_mut(&mut self) -> Option<&mut JobRow> {
        let index = self.selected_index()?;
        self.rows.get_mut(index)
    }

    /// The newest job, when the filter shows it; a new job it hides leaves the selection alone.
    pub fn select_last(&mut self) {
        match self.rows.last() {
            Some(row) if self.shows(row) => self.selected = self.rows.len() - 1,
            _ => self.keep_selection_visible(),
        }
    }

    pub fn move_selection(&mut self, delta: isize) {
        if let Some(index) = moved_among(&self.visible(), self.selected, delta) {
            self.selected = index;
        }
    }

    /// After the filter or a row changed: the selection on the nearest row still shown.
    pub fn keep_selection_visible(&mut self) {
        if let Some(index) = nearest_visible(&self.visible(), self.selected) {
            self.selected = index;
        }
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
        // A row that changed may have left the filter's rows: the selection stays on one shown.
        self.jobs.keep_selection_visible();
    }

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

    /// No job is selected: `why`, unless the filter hides every job, which is what to say then.
    pub(super) fn warn_no_job(&mut self, why: &str) {
        if self.jobs.filter.is_active() && !self.jobs.rows.is_empty() {
            let clear = self.keymap.keys_label(Scope::Filtered, Action::ClearFilter);
            self.warn(format!(
                "No job selected: no job matches /{} ({clear} clears the filter).",
                self.jobs.filter.text().trim()
            ));
        } else {
            self.warn(why);
        }
    }

    /// Ask before cancelling and deleting the selected job on its service: `y` only.
    pub(super) fn ask_delete_job(&mut self) {
        match self.jobs.selected_index() {
            Some(index) => self.ask_delete_job_at(index),
            None => self.warn_no_job("No job selected."),
        }
    }

    /// The question before `x` (or `:delete ID`) cancels and deletes the job of row `index`.
    pub(super) fn ask_delete_job_at(&mut self, index: usize) {
        let Some(row) = self.jobs.rows.get(index) else {
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
        let Some(index) = self.jobs.selected_index() else {
            self.warn_no_job("No job to upload: submit a prompt first.");
            return Vec::new();
        };
        self.upload_job_at(index)
    }

    /// `u` on the job in row `index` (the selected one, or a History entry's row).
    pub(super) fn upload_job_at(&mut self, index: usize) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get_mut(index) else {
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
