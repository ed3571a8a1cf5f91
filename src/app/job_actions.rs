//! Actions on the selected job of the timeline: download it again, open its video, copy its id,
//! file path or URL. (Upload, remix and delete live beside the row they act on, in `jobs.rs`.)

use super::keymap::Action;
use super::{App, Effect};
use crate::app::jobs::UploadState;
use sora_core::engine::Command;
use sora_core::providers::ContentVariant;

/// Where the dashboard's advice points when a download failed: the key, not a CLI command
/// (which the dashboard's journal lock would refuse while it runs).
pub const RETRY_HINT: &str = "d on the job (Jobs panel) downloads it again; a partial file resumes";

impl App {
    /// `d`: fetch the selected job's outputs again, after a failed or cancelled download.
    pub(super) fn retry_selected_download(&mut self) -> Vec<Effect> {
        let Some(index) = self.jobs.selected_index() else {
            self.warn_no_job("No job selected.");
            return Vec::new();
        };
        self.retry_download_at(index)
    }

    /// `d` on the job in row `index` (the selected one, or a History entry's row).
    pub(super) fn retry_download_at(&mut self, index: usize) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get_mut(index) else {
            self.warn_no_job("No job selected.");
            return Vec::new();
        };
        let key = row.key;
        if row.job_id.is_none() {
            self.warn(format!(
                "{key} has no id on the service yet: there is nothing to download."
            ));
            return Vec::new();
        }
        if row.listed {
            return self.fetch_listed_job(index);
        }
        if row.is_active() {
            self.warn(format!(
                "{key} is still running: its downloads start (and retry) by themselves; c in Downloads cancels one."
            ));
            return Vec::new();
        }
        row.end = None;
        row.ended_at = None;
        row.last_error = None;
        self.inform(format!(
            "Downloading {key} again: what is on disk is kept, a partial file resumes."
        ));
        vec![Effect::Engine(Command::RetryDownload { key })]
    }

    /// `o`: the selected job's video in the system player (`[ui] open_command`, else
    /// `xdg-open`/`open`), started by the runtime without waiting for it.
    pub(super) fn open_selected_video(&mut self) -> Vec<Effect> {
        let Some(index) = self.jobs.selected_index() else {
            self.warn_no_job("No job selected.");
            return Vec::new();
        };
        self.open_video_at(index)
    }

    /// `o` on the job in row `index`.
    pub(super) fn open_video_at(&mut self, index: usize) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get(index) else {
            return Vec::new();
        };
        let key = row.key;
        let video = row
            .files
            .iter()
            .find(|f| f.variant == ContentVariant::Video)
            .map(|f| f.path.clone());
        let Some(path) = video else {
            self.warn(format!(
                "{key} has no video on disk yet: d downloads it, then o opens it."
            ));
            return Vec::new();
        };
        self.inform(format!("Opening {}…", path.display()));
        vec![Effect::Open {
            path,
            command: self.settings.open_command.clone(),
        }]
    }

    /// `y` / `p` / `w`: the selected job's id, file path or URL to the clipboard (OSC 52), and
    /// on screen in the notice for terminals without it.
    pub(super) fn copy_from_selected_job(&mut self, action: Action) -> Vec<Effect> {
        let Some(index) = self.jobs.selected_index() else {
            self.warn_no_job("No job selected.");
            return Vec::new();
        };
        self.copy_from_job_at(index, action)
    }

    /// `y` / `p` / `w` on the job in row `index`.
    pub(super) fn copy_from_job_at(&mut self, index: usize, action: Action) -> Vec<Effect> {
        let Some(row) = self.jobs.rows.get(index) else {
            return Vec::new();
        };
        let key = row.key;
        let video = row
            .files
            .iter()
            .find(|f| f.variant == ContentVariant::Video)
            .or(row.files.first());
        let (what, text) = match action {
            Action::CopyJobId => ("id", row.job_id.clone()),
            Action::CopyJobPath => ("path", video.map(|f| f.path.display().to_string())),
            _ => (
                "URL",
                row.files.iter().find_map(|f| match &f.upload {
                    UploadState::Uploaded {
                        public_url: Some(url),
                        ..
                    } => Some(url.clone()),
                    _ => None,
                }),
            ),
        };
        let Some(text) = text else {
            let why = match action {
                Action::CopyJobId => "has no id on the service yet",
                Action::CopyJobPath => "has no file on disk yet (d downloads it)",
                _ => "has no URL yet: u uploads its video, and a public bucket gives the URL",
            };
            self.warn(format!("{key} {why}: nothing to copy."));
            return Vec::new();
        };
        self.inform(format!("Copied the {what} of {key}: {text}"));
        vec![Effect::Clipboard(text)]
    }
}
