//! `App::update`: the one place state changes. Keys go to the input router (`input.rs`), which
//! resolves them through the keymap; engine events go to the reducer of the state they concern
//! (jobs, downloads, pages, buckets). Returns the effects: commands for the engine, and what only
//! the terminal can do.

use super::{App, Effect, Msg};
use sora_core::engine::EngineEvent;

impl App {
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        match msg {
            Msg::Key(key) => self.on_key(key),
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
            Msg::Clock(now) => {
                self.now = now;
                Vec::new()
            }
            Msg::Engine(event) => self.on_engine_event(event),
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
        match event {
            event @ (EngineEvent::JobSubmitting { .. }
            | EngineEvent::JobResumed { .. }
            | EngineEvent::JobService { .. }
            | EngineEvent::JobCreated { .. }
            | EngineEvent::JobStatusChanged { .. }
            | EngineEvent::JobRetrying(_)
            | EngineEvent::JobFailed { .. }
            | EngineEvent::JobComplete { .. }) => self.on_job_event(event),
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
                Some(key) => self.warn(format!("{key}: {message}")),
                None => self.warn(message),
            },
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
