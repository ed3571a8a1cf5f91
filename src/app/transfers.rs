//! Downloads and uploads as the engine reports them: each lands in the transfer log, and changes
//! the files of its job's row (a saved file, its upload state).

use super::downloads::LogEntry;
use super::inflight::TransferKey;
use super::jobs::{DownloadedFile, UploadState};
use super::{App, Effect};
use sora_core::download::Report;
use sora_core::engine::{EngineEvent, JobKey};

impl App {
    /// A download's attempts, progress and end: the log, the gauge, and the job's files.
    pub(super) fn on_download_event(&mut self, event: EngineEvent) -> Vec<Effect> {
        let now = self.now;
        let mut effects = Vec::new();
        match event {
            EngineEvent::Download { key, report } => match report {
                Report::Attempt(attempt) => {
                    let entry = LogEntry::Attempt {
                        key: key.clone(),
                        retry_pending: attempt.next_retry_in.is_some(),
                        attempt,
                    };
                    // Waiting for its next try is still in flight: listed, and cancellable.
                    if let Some(due) = entry.retry_due() {
                        self.downloads.retry_wait(key, due, now);
                    }
                    self.downloads.push(entry);
                }
                Report::Progress { bytes, total } => {
                    self.downloads.progress(key, bytes, total, now);
                }
                Report::Connecting { attempt } => self.downloads.connecting(key, attempt, now),
                Report::Verifying { bytes } => self.downloads.verifying(key, bytes, now),
            },
            EngineEvent::DownloadQueued { key } => self.downloads.queued(key, now),
            EngineEvent::DownloadCancelled { key } => {
                self.downloads.end_download(&key);
                self.inform(format!(
                    "{} download cancelled: the partial file is kept; fetching it again resumes it.",
                    key.job
                ));
            }
            EngineEvent::DownloadFinished { key, path, bytes } => {
                self.downloads.end_download(&key);
                if key.variant == sora_core::providers::ContentVariant::Thumbnail
                    && self.settings.images != sora_core::config::Images::Off
                {
                    effects.push(Effect::LoadPreview {
                        job: key.job,
                        path: path.clone(),
                    });
                }
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
                // The engine's advice names the CLI, which the dashboard's journal lock refuses
                // while it runs: here the key does it.
                let message =
                    message.replace("run `download` again", "download it again: d on the job");
                self.jobs.row_or_insert(key.job, "").last_error = Some(message.clone());
                self.warn(format!(
                    "{} download failed: {message}. {}",
                    key.job,
                    super::job_actions::RETRY_HINT
                ));
                self.downloads.push(LogEntry::DownloadFailed {
                    at: now,
                    key,
                    message,
                });
            }
            // Routed elsewhere by `on_engine_event`.
            _ => {}
        }
        effects
    }

    /// An upload of a job's file: its mark in the job's row, and a line in the log.
    pub(super) fn on_upload_event(&mut self, event: EngineEvent) -> Vec<Effect> {
        let now = self.now;
        match event {
            EngineEvent::UploadStarted {
                job,
                path,
                bucket,
                object_path,
            } => {
                self.set_upload_state(job, &path, UploadState::Uploading);
                self.downloads
                    .upload_began(job, path, object_path.clone(), now);
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
                .upload_progress(job, &object_path, (bytes, total), now),
            EngineEvent::UploadFinished {
                job,
                path,
                bucket,
                object_path,
                public_url,
                bytes,
            } => {
                self.downloads.end(&TransferKey::Upload {
                    job,
                    path: path.clone(),
                });
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
                self.downloads.end(&TransferKey::Upload {
                    job,
                    path: path.clone(),
                });
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
            // Routed elsewhere by `on_engine_event`.
            _ => {}
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
}
