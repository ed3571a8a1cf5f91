//! `App::update`: the one place state changes. Keys go to the input router (`input.rs`), which
//! resolves them through the keymap; engine events go to the reducer of the state they concern
//! (jobs, downloads, pages, buckets). Returns the effects: commands for the engine, and what only
//! the terminal can do.

use super::{App, Effect, Msg};
use sora_core::engine::EngineEvent;

impl App {
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => {
                let effects = self.on_key(key);
                self.settle_unseen();
                effects
            }
            Msg::MessagesSaved(result) => {
                self.on_messages_saved(result);
                Vec::new()
            }
            Msg::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            // Kept to resolve clicks against the layout; drawing asks the terminal itself.
            Msg::Resize { width, height } => {
                self.size = ratatui::layout::Rect::new(0, 0, width, height);
                Vec::new()
            }
            Msg::Mouse(event) => self.on_mouse(event),
            Msg::Drawn(limits) => {
                self.keep_scrolls_within(limits);
                Vec::new()
            }
            Msg::Clock(now) => {
                self.now = now;
                Vec::new()
            }
            Msg::Engine(event) => self.on_engine_event(event),
            Msg::PromptEdited(result) => {
                self.on_prompt_edited(result);
                self.reload_previews()
            }
            Msg::Preview { job, preview } => {
                if let Some(row) = self.jobs.row_mut(job) {
                    row.preview = Some(preview);
                }
                Vec::new()
            }
        }
    }

    /// Each engine event to the reducer of the state it concerns.
    fn on_engine_event(&mut self, event: EngineEvent) -> Vec<Effect> {
        self.log_failed_attempt(&event);
        match event {
            EngineEvent::JobComplete { key, ok } => {
                self.on_job_event(EngineEvent::JobComplete { key, ok });
                return self.job_ended(key);
            }
            EngineEvent::JobJournaled { key, journal_id } => {
                self.jobs.row_or_insert(key, "").journal_id = Some(journal_id);
            }
            event @ (EngineEvent::JobSubmitting { .. }
            | EngineEvent::JobResumed { .. }
            | EngineEvent::JobService { .. }
            | EngineEvent::JobCreated { .. }
            | EngineEvent::JobStatusChanged { .. }
            | EngineEvent::JobRetrying(_)
            | EngineEvent::JobFailed { .. }) => self.on_job_event(event),
            event @ (EngineEvent::Download { .. }
            | EngineEvent::DownloadQueued { .. }
            | EngineEvent::DownloadCancelled { .. }
            | EngineEvent::DownloadFinished { .. }
            | EngineEvent::DownloadFailed { .. }) => return self.on_download_event(event),
            event @ (EngineEvent::UploadStarted { .. }
            | EngineEvent::UploadProgress { .. }
            | EngineEvent::UploadFinished { .. }
            | EngineEvent::UploadFailed { .. }) => return self.on_upload_event(event),
            event @ (EngineEvent::History(_) | EngineEvent::Doctor(_)) => self.on_page_event(event),
            EngineEvent::Info(message) => self.inform(message),
            EngineEvent::Account { family, text } => self.on_account(family, text),
            EngineEvent::Warning { key, message } => match key {
                Some(key) => {
                    // A running job's problem is what its end explains, unless a failed
                    // download or upload says more later.
                    if let Some(row) = self.jobs.row_mut(key).filter(|r| r.is_active()) {
                        row.last_error = Some(message.clone());
                    }
                    self.warn(format!("{key}: {message}"));
                }
                None => self.warn(message),
            },
            EngineEvent::ServiceJobs { service, result } => self.on_service_jobs(&service, result),
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
}
