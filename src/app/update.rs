//! `App::update`: the one place state changes. Keys resolve to actions through the keymap;
//! engine events reduce into the panels' state. Returns the commands for the engine.

use crossterm::event::{Event, KeyEvent, KeyEventKind};
use tui_input::backend::crossterm::EventHandler;

use super::buckets::{BucketsPane, ObjectsLocation, Remote, join_folder, parent_folder};
use super::downloads::LogEntry;
use super::jobs::{DownloadedFile, JobEnd, StatusStep, UploadState};
use super::{App, Focus, Msg, Page};
use crate::ui::keymap::{Action, Scope};
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_core::storage::{Bucket, ObjectEntry};

/// How far PgUp/PgDn move the log; the view height is a render concern, so use a fixed step.
const PAGE_LINES: usize = 10;

impl App {
    pub fn update(&mut self, msg: Msg) -> Vec<Command> {
        match msg {
            Msg::Key(key) => self.on_key(key),
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            // The terminal redraws at the new size; nothing in state depends on it.
            Msg::Resize { .. } => Vec::new(),
            Msg::Clock(now) => {
                self.now = now;
                Vec::new()
            }
            Msg::Engine(event) => self.on_engine_event(event),
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Command> {
        // Windows also reports releases; act on presses (and auto-repeat) only.
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        // An open text field or question takes every key, whoever raised it.
        if let Some(commands) = self.modal_key(&key) {
            return commands;
        }
        let global = self.keymap.action_in(Scope::Global, &key);
        if self.help_visible {
            return match global {
                Some(Action::Quit) => self.perform(Action::Quit),
                Some(Action::ToggleHelp) => self.perform(Action::CloseHelp),
                _ => match self.keymap.action_in(Scope::Help, &key) {
                    Some(action) => self.perform(action),
                    None => Vec::new(),
                },
            };
        }
        if let Some(scope) = self.page_scope() {
            let action = global.or_else(|| self.keymap.action_in(scope, &key));
            return match action {
                Some(action) => self.perform(action),
                None => Vec::new(),
            };
        }
        let typing = self.focus == Focus::Prompt;
        let action = global
            .or_else(|| self.keymap.action_in(self.focus.scope(), &key))
            .or_else(|| {
                (!typing)
                    .then(|| self.keymap.action_in(Scope::Browse, &key))
                    .flatten()
            });
        match action {
            Some(action) => self.perform(action),
            None if typing => {
                self.prompt.input.handle_event(&Event::Key(key));
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    fn on_paste(&mut self, text: &str) {
        if self.paste_into_modal(text) {
            return;
        }
        if self.focus != Focus::Prompt || self.help_visible || self.page != Page::Dashboard {
            return;
        }
        self.paste_into_prompt(text);
    }

    /// The keymap scope of the page on screen, unless it is the dashboard.
    fn page_scope(&self) -> Option<Scope> {
        match self.page {
            Page::Dashboard => None,
            Page::History => Some(Scope::History),
            Page::Doctor => Some(Scope::Doctor),
        }
    }

    fn perform(&mut self, action: Action) -> Vec<Command> {
        if self.page == Page::History {
            match action {
                Action::Up => {
                    self.history.move_selection(-1);
                    return Vec::new();
                }
                Action::Down => {
                    self.history.move_selection(1);
                    return Vec::new();
                }
                Action::Refresh => return vec![Command::LoadHistory],
                _ => {}
            }
        }
        match action {
            Action::Quit => self.quit = true,
            Action::NextFocus => self.focus = self.focus.next(),
            Action::PrevFocus => self.focus = self.focus.previous(),
            Action::ToggleHelp => self.help_visible = !self.help_visible,
            Action::CloseHelp => self.help_visible = false,
            Action::FocusPrompt => self.focus = Focus::Prompt,
            Action::LeavePrompt => {
                if self.prompt.remix_of.take().is_some() {
                    self.inform("Remix cancelled: Enter now generates a new video.");
                }
                self.focus = Focus::Jobs;
            }
            Action::Submit => return self.submit(),
            Action::NextSize | Action::PrevSize => {
                let forward = action == Action::NextSize;
                self.prompt
                    .step_size(&self.settings.allowed_sizes(), forward);
                // A smaller limit at the new size pulls the variant count down with it.
                let max = self.settings.max_variants_at(self.prompt.size);
                self.prompt.variants = self.prompt.variants.min(max);
            }
            Action::MoreSeconds | Action::FewerSeconds => {
                let forward = action == Action::MoreSeconds;
                self.prompt
                    .step_seconds(&self.settings.profile.seconds, forward);
            }
            Action::MoreVariants | Action::FewerVariants => {
                let forward = action == Action::MoreVariants;
                let max = self.settings.max_variants_at(self.prompt.size);
                self.prompt.step_variants(max, forward);
            }
            Action::Upload => return self.upload_selected_job(),
            Action::CancelDownload => return self.cancel_download(),
            Action::Remix => self.start_remix(),
            Action::ShowHistory => {
                self.page = Page::History;
                self.history.records = Remote::Loading;
                return vec![Command::LoadHistory];
            }
            Action::ShowDoctor => {
                self.page = Page::Doctor;
                return self.run_doctor(false);
            }
            Action::Back => self.page = Page::Dashboard,
            Action::RunDoctor => return self.run_doctor(false),
            Action::RunDoctorProbe => return self.run_doctor(true),
            Action::Rerun => self.rerun_selected(),
            Action::RemoveEntry => self.ask_remove(false),
            Action::RemoveEverything => self.ask_remove(true),

            Action::Refresh => return self.refresh_buckets(),
            Action::Open => return self.open_in_buckets(),
            Action::Parent => return self.open_parent_folder(),
            Action::Left => self.buckets.pane = BucketsPane::Buckets,
            Action::Right => self.buckets.pane = BucketsPane::Objects,
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                self.navigate(action);
                return self.next_page();
            }
            // The bucket browser's actions and its modals' keys.
            _ => return self.bucket_action(action),
        }
        Vec::new()
    }

    fn navigate(&mut self, action: Action) {
        let step: isize = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -(PAGE_LINES as isize),
            Action::PageDown => PAGE_LINES as isize,
            Action::Top => isize::MIN,
            _ => isize::MAX,
        };
        match self.focus {
            Focus::Prompt => {}
            Focus::Jobs => self.jobs.move_selection(step),
            Focus::Buckets => self.buckets.move_selection(step),
            Focus::Downloads => match action {
                Action::Top => self.downloads.scroll_to_top(),
                Action::Bottom => self.downloads.follow_tail(),
                // The log counts from the bottom: "up" means further from the tail.
                _ if step < 0 => self.downloads.scroll_up(step.unsigned_abs()),
                _ => self.downloads.scroll_down(step.unsigned_abs()),
            },
        }
    }

    fn run_doctor(&mut self, probe: bool) -> Vec<Command> {
        self.doctor.report = Remote::Loading;
        self.doctor.probed = probe;
        vec![Command::RunDoctor { probe }]
    }

    /// Copy the selected entry's prompt and parameters into the prompt, ready to send again.
    fn rerun_selected(&mut self) {
        let Some(record) = self.history.selected_record() else {
            return;
        };
        let request = record.request.clone();
        self.prompt.input = tui_input::Input::new(request.prompt.clone());
        if let Some(size) = sora_core::providers::Size::parse(&request.size) {
            self.prompt.size = size;
        }
        if request.seconds > 0 {
            self.prompt.seconds = request.seconds;
            self.prompt.variants = request.variants.max(1);
        }
        self.prompt.remix_of = None;
        self.page = Page::Dashboard;
        self.focus = Focus::Prompt;
        self.inform(
            "Prompt and parameters copied from the history: Enter sends it (a new, paid job).",
        );
    }

    fn ask_remove(&mut self, everything: bool) {
        let Some(record) = self.history.selected_record() else {
            return;
        };
        let who = record
            .job_id
            .clone()
            .unwrap_or_else(|| format!("\"{}\"", record.request.prompt));
        let question = if everything {
            format!(
                "Remove {who} from the history, delete its {} file(s) and delete the job on the service? (y/n)",
                record.downloads.len()
            )
        } else {
            format!("Remove {who} from the history? Files and the remote job stay. (y/n)")
        };
        let on_yes = vec![Command::RemoveHistory {
            journal_id: record.id.clone(),
            files: everything,
            remote: everything,
        }];
        self.confirm(question, on_yes);
    }

    /// Turn the prompt into a remix of the selected job's video.
    fn start_remix(&mut self) {
        if !self.settings.supports_remix {
            self.warn("This provider cannot remix: remix is part of the v1 videos API (azure-sora2 or openai).");
            return;
        }
        let Some(row) = self.jobs.selected_row() else {
            self.warn("No job to remix: generate a video first.");
            return;
        };
        let done = row
            .steps
            .last()
            .is_some_and(|s| s.status == sora_core::providers::JobStatus::Succeeded);
        let Some(id) = row.job_id.clone().filter(|_| done) else {
            self.warn(format!(
                "{} has not finished: only a finished video can be remixed.",
                row.key
            ));
            return;
        };
        self.inform(format!(
            "Remix of {id}: type what to change, Enter sends it, Esc cancels."
        ));
        self.prompt.remix_of = Some(id);
        self.focus = Focus::Prompt;
    }

    fn upload_selected_job(&mut self) -> Vec<Command> {
        let Some(row) = self.jobs.rows.get_mut(self.jobs.selected) else {
            self.warn("No job to upload: submit a prompt first.");
            return Vec::new();
        };
        let key = row.key;
        let mut commands = Vec::new();
        for file in row.files.iter_mut().filter(|f| f.needs_upload()) {
            // Marked now, not when the engine answers, so a second `u` cannot upload twice.
            file.upload = UploadState::Uploading;
            commands.push(Command::Upload {
                job: key,
                path: file.path.clone(),
            });
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

    /// `c` in the downloads panel: the first press names the download, the second cancels it.
    fn cancel_download(&mut self) -> Vec<Command> {
        let Some(key) = self.downloads.cancel_candidate().cloned() else {
            self.downloads.cancel_armed = None;
            self.warn("No download is running: nothing to cancel.");
            return Vec::new();
        };
        if self.downloads.cancel_armed.as_ref() == Some(&key) {
            self.downloads.cancel_armed = None;
            self.inform(format!("Cancelling {} {}…", key.job, key.variant.label()));
            return vec![Command::CancelDownload { key }];
        }
        self.inform(format!(
            "Cancel the {} download of {}? Press c again to confirm (the partial file is kept).",
            key.variant.label(),
            key.job
        ));
        self.downloads.cancel_armed = Some(key);
        Vec::new()
    }

    fn refresh_buckets(&mut self) -> Vec<Command> {
        // Keep showing the old list while the new one is on its way.
        if self.buckets.buckets.loaded().is_none() {
            self.buckets.buckets = Remote::Loading;
        }
        let mut commands = vec![Command::ListBuckets];
        if let Some(location) = self.buckets.shown.clone() {
            commands.push(self.list_objects(location));
        }
        commands
    }

    fn open_in_buckets(&mut self) -> Vec<Command> {
        match self.buckets.pane {
            BucketsPane::Buckets => {
                let Some(bucket) = self.buckets.selected_bucket_name().map(str::to_string) else {
                    return Vec::new();
                };
                vec![self.list_objects(ObjectsLocation {
                    bucket,
                    prefix: String::new(),
                })]
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
                vec![self.list_objects(location)]
            }
        }
    }

    fn open_parent_folder(&mut self) -> Vec<Command> {
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
        vec![self.list_objects(location)]
    }

    pub(super) fn list_objects(&mut self, location: ObjectsLocation) -> Command {
        let query = self.buckets.begin_listing(location.clone());
        Command::ListObjects {
            bucket: location.bucket,
            prefix: location.prefix,
            query,
        }
    }

    fn on_engine_event(&mut self, event: EngineEvent) -> Vec<Command> {
        let now = self.now;
        match event {
            EngineEvent::JobSubmitting { key, prompt, at } => {
                self.jobs.row_or_insert(key, &prompt).submitted_at = Some(at);
            }
            EngineEvent::JobCreated { key, job_id, .. } => {
                self.jobs.row_or_insert(key, "").job_id = Some(job_id);
            }
            EngineEvent::JobStatusChanged {
                key,
                status,
                status_text,
                progress,
                at,
                expires_at,
            } => {
                let row = self.jobs.row_or_insert(key, "");
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
                if let Some(expires) = expires_at {
                    self.downloads.set_expiry(key, expires);
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
                self.warn(format!("{key} failed: {message}"));
            }
            EngineEvent::History(result) => match result {
                Ok(records) => self.history.set(records),
                Err(e) => self.history.records = Remote::Failed(e),
            },
            EngineEvent::Doctor(report) => {
                let failed = report.failed();
                self.doctor.report = Remote::Loaded(report);
                if failed {
                    self.warn("The doctor found problems: see the fixes on the Doctor page (F6).");
                } else {
                    self.inform("Doctor: every check passed.");
                }
            }
            EngineEvent::Info(message) => self.inform(message),
            EngineEvent::Warning { key, message } => match key {
                Some(key) => self.warn(format!("{key}: {message}")),
                None => self.warn(message),
            },
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
            EngineEvent::DownloadAttempt(attempt) => {
                self.downloads.push(LogEntry::Attempt {
                    retry_pending: attempt.next_retry_in.is_some(),
                    attempt,
                });
            }
            EngineEvent::DownloadProgress { key, bytes, total } => {
                self.downloads.progress(key, bytes, total, now);
            }
            EngineEvent::DownloadQueued { key } => self.downloads.queued(key),
            EngineEvent::DownloadCancelled { key } => {
                self.downloads.end_download(&key);
                self.inform(format!(
                    "{} download cancelled: the partial file is kept; fetching it again resumes it.",
                    key.job
                ));
            }
            EngineEvent::DownloadFinished { key, path, bytes } => {
                self.downloads.end_download(&key);
                let row = self.jobs.row_or_insert(key.job, "");
                row.files.retain(|f| f.path != path);
                row.files.push(DownloadedFile {
                    variant: key.variant,
                    path: path.clone(),
                    bytes,
                    upload: UploadState::NotUploaded,
                });
                self.downloads.push(LogEntry::Saved {
                    at: now,
                    key,
                    path,
                    bytes,
                });
            }
            EngineEvent::DownloadFailed { key, message } => {
                self.downloads.end_download(&key);
                self.jobs.row_or_insert(key.job, "").last_error = Some(message.clone());
                self.warn(format!("{} download failed: {message}", key.job));
                self.downloads.push(LogEntry::DownloadFailed {
                    at: now,
                    key,
                    message,
                });
            }
            EngineEvent::UploadStarted {
                job,
                path,
                bucket,
                object_path,
            } => {
                self.set_upload_state(job, &path, UploadState::Uploading);
                self.downloads.push(LogEntry::UploadStarted {
                    at: now,
                    job,
                    bucket,
                    object_path,
                    progress: None,
                });
            }
            EngineEvent::UploadProgress {
                job,
                object_path,
                bytes,
                total,
            } => self
                .downloads
                .upload_progress(job, &object_path, bytes, total),
            EngineEvent::UploadFinished {
                job,
                path,
                bucket,
                object_path,
                public_url,
                bytes,
            } => {
                self.set_upload_state(
                    job,
                    &path,
                    UploadState::Uploaded {
                        bucket: bucket.clone(),
                        object_path: object_path.clone(),
                        public_url: public_url.clone(),
                    },
                );
                self.inform(format!("{job} uploaded to {bucket}/{object_path}"));
                self.downloads.push(LogEntry::UploadFinished {
                    at: now,
                    job,
                    bucket: bucket.clone(),
                    object_path: object_path.clone(),
                    public_url,
                    bytes,
                });
                return self.show_uploaded_object(bucket, &object_path);
            }
            EngineEvent::UploadFailed { job, path, message } => {
                self.set_upload_state(job, &path, UploadState::Failed(message.clone()));
                self.jobs.row_or_insert(job, "").last_error = Some(message.clone());
                self.warn(format!("{job} upload failed: {message}"));
                self.downloads.push(LogEntry::UploadFailed {
                    at: now,
                    job,
                    path,
                    message,
                });
            }
            EngineEvent::BucketsListed(result) => return self.on_buckets_listed(result),
            EngineEvent::ObjectsListed {
                bucket,
                prefix,
                query,
                result,
            } => return self.on_objects_listed(bucket, prefix, &query, result),
            EngineEvent::Storage { op, result } => return self.on_storage_event(op, result),
        }
        Vec::new()
    }

    fn set_upload_state(&mut self, job: JobKey, path: &std::path::Path, state: UploadState) {
        if let Some(file) = self
            .jobs
            .row_mut(job)
            .and_then(|row| row.files.iter_mut().find(|f| f.path == path))
        {
            file.upload = state;
        }
    }

    /// Point the buckets panel at the folder of a fresh upload so the new object shows.
    fn show_uploaded_object(&mut self, bucket: String, object_path: &str) -> Vec<Command> {
        self.buckets.select_bucket_named(&bucket);
        vec![self.list_objects(ObjectsLocation {
            bucket,
            prefix: parent_folder(object_path).to_string(),
        })]
    }

    fn on_buckets_listed(&mut self, result: Result<Vec<Bucket>, String>) -> Vec<Command> {
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
        vec![self.list_objects(ObjectsLocation {
            bucket,
            prefix: String::new(),
        })]
    }

    fn on_objects_listed(
        &mut self,
        bucket: String,
        prefix: String,
        query: &sora_core::engine::ListQuery,
        result: Result<Vec<ObjectEntry>, String>,
    ) -> Vec<Command> {
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
                if self.buckets.accept_page(query, page) {
                    // The selection may already sit near the end (End pressed while loading).
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
