//! The download/upload log: every attempt and every file event as one line, plus the progress
//! of downloads still running.

use std::path::PathBuf;
use std::time::SystemTime;

use super::inflight::{InFlight, Phase, TransferKey};
use super::list_filter::ListFilter;
use super::{App, Effect};
use sora_core::download::{Attempt, AttemptOutcome};
use sora_core::engine::{Command, DownloadKey, JobKey};
use sora_core::providers::ContentVariant;

/// Older lines are dropped past this, so a long session keeps bounded memory.
const MAX_LOG_LINES: usize = 5_000;

#[derive(Debug, Clone, PartialEq)]
pub enum LogEntry {
    Attempt {
        key: DownloadKey,
        attempt: Attempt,
        /// True while this is the newest news about its download and it promised a retry: only
        /// then the line counts down to the next attempt.
        retry_pending: bool,
    },
    Saved {
        at: SystemTime,
        key: DownloadKey,
        path: PathBuf,
        bytes: u64,
    },
    DownloadFailed {
        at: SystemTime,
        key: DownloadKey,
        message: String,
    },
    UploadStarted {
        at: SystemTime,
        job: JobKey,
        bucket: String,
        object_path: String,
        /// Bytes sent and total, once the upload reports progress.
        progress: Option<(u64, u64)>,
    },
    UploadFinished {
        at: SystemTime,
        job: JobKey,
        bucket: String,
        object_path: String,
        public_url: Option<String>,
        bytes: u64,
    },
    UploadFailed {
        at: SystemTime,
        job: JobKey,
        path: PathBuf,
        message: String,
    },
}

impl LogEntry {
    /// What the line shows that a `/` filter matches: the job and file, the URL, the outcome.
    pub fn filter_fields(&self) -> Vec<String> {
        let path = |p: &PathBuf| p.display().to_string();
        match self {
            LogEntry::Attempt { key, attempt, .. } => vec![
                download_label(key),
                attempt.url.clone(),
                outcome_word(&attempt.outcome).to_string(),
                attempt.status.map(|s| s.to_string()).unwrap_or_default(),
                attempt.detail.clone(),
            ],
            LogEntry::Saved { key, path: p, .. } => {
                vec![download_label(key), "saved".into(), path(p)]
            }
            LogEntry::DownloadFailed { key, message, .. } => {
                vec![
                    download_label(key),
                    "download failed".into(),
                    message.clone(),
                ]
            }
            LogEntry::UploadStarted {
                job,
                bucket,
                object_path,
                ..
            } => vec![
                job.to_string(),
                "uploading".into(),
                format!("{bucket}/{object_path}"),
            ],
            LogEntry::UploadFinished {
                job,
                bucket,
                object_path,
                public_url,
                ..
            } => vec![
                job.to_string(),
                "uploaded".into(),
                format!("{bucket}/{object_path}"),
                public_url.clone().unwrap_or_default(),
            ],
            LogEntry::UploadFailed {
                job,
                path: p,
                message,
                ..
            } => vec![
                job.to_string(),
                "upload failed".into(),
                path(p),
                message.clone(),
            ],
        }
    }

    /// When the next attempt of this line's download is due, while it is still pending.
    pub fn retry_due(&self) -> Option<SystemTime> {
        match self {
            LogEntry::Attempt {
                attempt,
                retry_pending: true,
                ..
            } if attempt.outcome == AttemptOutcome::WillRetry => {
                let wait = attempt.next_retry_in?;
                // The engine reports an attempt when it ends; the wait starts then.
                Some(attempt.started_at + attempt.duration + wait)
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DownloadLog {
    pub entries: Vec<LogEntry>,
    /// Every download and upload still running, oldest first.
    pub active: Vec<InFlight>,
    /// The transfer `c` acts on, chosen with `J`/`K`; the newest one when none is.
    pub selected: Option<TransferKey>,
    /// Lines between the last entry and the bottom of the view: 0 follows the tail.
    pub scroll_from_bottom: usize,
    /// When each job's content expires on the service, as reported.
    pub expires: Vec<(JobKey, SystemTime)>,
    /// The transfer a first `c` asked to cancel; a second `c` confirms.
    pub cancel_armed: Option<TransferKey>,
    /// The `/` filter: only the lines and transfers it matches are drawn and cancelled.
    pub filter: ListFilter,
}

impl DownloadLog {
    pub fn push(&mut self, entry: LogEntry) {
        if let Some(key) = download_key(&entry) {
            self.settle_retries_of(&key.clone());
        }
        let shown = self.shows(&entry);
        self.entries.push(entry);
        // Keep a scrolled-up view on the same lines while new ones arrive below.
        if self.scroll_from_bottom > 0 && shown {
            self.scroll_from_bottom += 1;
        }
        if self.entries.len() > MAX_LOG_LINES {
            let excess = self.entries.len() - MAX_LOG_LINES;
            self.entries.drain(..excess);
        }
        self.clamp_scroll();
    }

    /// The newest "uploading" line of this object takes the progress.
    pub fn upload_progress(
        &mut self,
        job: JobKey,
        object_path: &str,
        (bytes, total): (u64, u64),
        now: SystemTime,
    ) {
        if let Some(active) = self.active.iter_mut().find(|a| {
            a.key.job() == job && a.is_upload() && a.object_path.as_deref() == Some(object_path)
        }) {
            active.progress(bytes, Some(total), now);
        }
        let line = self.entries.iter_mut().rev().find_map(|e| match e {
            LogEntry::UploadStarted {
                job: j,
                object_path: p,
                progress,
                ..
            } if *j == job && p == object_path => Some(progress),
            _ => None,
        });
        if let Some(progress) = line {
            *progress = Some((bytes, total));
        }
    }

    /// Newer news about `key` arrived: its earlier retry promises are no longer counting down.
    fn settle_retries_of(&mut self, key: &DownloadKey) {
        for entry in &mut self.entries {
            if let LogEntry::Attempt {
                key: of,
                retry_pending,
                ..
            } = entry
                && *retry_pending
                && of == key
            {
                *retry_pending = false;
            }
        }
    }

    pub fn progress(&mut self, key: DownloadKey, bytes: u64, total: Option<u64>, now: SystemTime) {
        let active = self.entry(TransferKey::Download(key), Phase::Receiving, now);
        active.phase = Phase::Receiving;
        active.progress(bytes, total, now);
    }

    /// The download waits for a slot.
    pub fn queued(&mut self, key: DownloadKey, now: SystemTime) {
        self.entry(TransferKey::Download(key), Phase::WaitingForSlot, now)
            .phase = Phase::WaitingForSlot;
    }

    /// A new attempt of the download went out: its earlier retry promise is kept.
    pub fn connecting(&mut self, key: DownloadKey, attempt: u32, now: SystemTime) {
        self.settle_retries_of(&key);
        let phase = Phase::Connecting { attempt };
        let active = self.entry(TransferKey::Download(key), phase, now);
        active.phase = phase;
        active.restart_rate();
    }

    /// Every byte is in: the file is being checked.
    pub fn verifying(&mut self, key: DownloadKey, bytes: u64, now: SystemTime) {
        let active = self.entry(TransferKey::Download(key), Phase::Verifying, now);
        active.phase = Phase::Verifying;
        active.bytes = bytes;
    }

    /// An attempt failed and the next one is due at `due`.
    pub fn retry_wait(&mut self, key: DownloadKey, due: SystemTime, now: SystemTime) {
        let phase = Phase::RetryWait { due };
        let active = self.entry(TransferKey::Download(key), phase, now);
        active.phase = phase;
        active.restart_rate();
    }

    /// An upload of `path` to `object_path` (in the output bucket) began.
    pub fn upload_began(
        &mut self,
        job: JobKey,
        path: PathBuf,
        object_path: String,
        now: SystemTime,
    ) {
        let active = self.entry(TransferKey::Upload { job, path }, Phase::Sending, now);
        active.object_path = Some(object_path);
    }

    fn entry(&mut self, key: TransferKey, phase: Phase, now: SystemTime) -> &mut InFlight {
        let index = match self.active.iter().position(|a| a.key == key) {
            Some(i) => i,
            None => {
                self.active.push(InFlight::new(key, phase, now));
                self.active.len() - 1
            }
        };
        &mut self.active[index]
    }

    pub fn end_download(&mut self, key: &DownloadKey) {
        self.end(&TransferKey::Download(key.clone()));
    }

    pub fn end(&mut self, key: &TransferKey) {
        self.active.retain(|a| a.key != *key);
        if self.cancel_armed.as_ref() == Some(key) {
            self.cancel_armed = None;
        }
        if self.selected.as_ref() == Some(key) {
            self.selected = None;
        }
    }

    pub fn set_expiry(&mut self, job: JobKey, at: SystemTime) {
        self.expires.retain(|(j, _)| *j != job);
        self.expires.push((job, at));
    }

    pub fn clear_expiry(&mut self, job: JobKey) {
        self.expires.retain(|(j, _)| *j != job);
    }

    pub fn expiry_of(&self, job: JobKey) -> Option<SystemTime> {
        self.expires
            .iter()
            .find(|(j, _)| *j == job)
            .map(|(_, t)| *t)
    }

    /// Whether the filter shows this log line.
    pub fn shows(&self, entry: &LogEntry) -> bool {
        !self.filter.is_active() || self.filter.matches(entry.filter_fields())
    }

    /// The log lines the filter shows, oldest first.
    pub fn visible_entries(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter().filter(|e| self.shows(e))
    }

    /// The transfers in flight the filter shows, oldest first.
    pub fn visible_active(&self) -> Vec<&InFlight> {
        self.active
            .iter()
            .filter(|a| self.filter.matches(transfer_fields(&a.key)))
            .collect()
    }

    /// The transfer `c` acts on: the selected one, else the newest one still running (among
    /// those the filter shows: `c` never cancels a transfer out of sight).
    pub fn cancel_candidate(&self) -> Option<&InFlight> {
        let shown = self.visible_active();
        self.selected
            .as_ref()
            .and_then(|key| shown.iter().find(|a| a.key == *key).copied())
            .or_else(|| shown.last().copied())
    }

    /// Move the transfer selection by `delta` rows (from the newest when none is selected).
    pub fn select_transfer(&mut self, delta: isize) {
        let shown: Vec<TransferKey> = self
            .visible_active()
            .into_iter()
            .map(|a| a.key.clone())
            .collect();
        let Some(last) = shown.len().checked_sub(1) else {
            self.selected = None;
            return;
        };
        let current = self
            .selected
            .as_ref()
            .and_then(|key| shown.iter().position(|k| k == key))
            .unwrap_or(last);
        let next = current.saturating_add_signed(delta).min(last);
        self.selected = shown.get(next).cloned();
        self.cancel_armed = None;
    }

    /// The filter changed: the scroll stays within the lines shown, and a transfer it hides is
    /// no longer chosen.
    pub fn filter_changed(&mut self) {
        self.clamp_scroll();
        let hidden = |key: &TransferKey| !self.filter.matches(transfer_fields(key));
        if self.selected.as_ref().is_some_and(hidden) {
            self.selected = None;
        }
        self.cancel_armed = None;
    }

    pub fn scroll_up(&mut self, lines: usize) {
        self.scroll_from_bottom = self.scroll_from_bottom.saturating_add(lines);
        self.clamp_scroll();
    }

    pub fn scroll_down(&mut self, lines: usize) {
        self.scroll_from_bottom = self.scroll_from_bottom.saturating_sub(lines);
    }

    pub fn scroll_to_top(&mut self) {
        self.scroll_from_bottom = usize::MAX;
        self.clamp_scroll();
    }

    pub fn follow_tail(&mut self) {
        self.scroll_from_bottom = 0;
    }

    fn clamp_scroll(&mut self) {
        let shown = if self.filter.is_active() {
            self.visible_entries().count()
        } else {
            self.entries.len()
        };
        self.scroll_from_bottom = self.scroll_from_bottom.min(shown.saturating_sub(1));
    }

    /// A transfer's gauge changes by itself: its "no data for" counter or its retry countdown.
    pub fn transfer_moving(&self, now: SystemTime) -> bool {
        self.active.iter().any(|a| match a.phase {
            Phase::Connecting { .. } | Phase::Receiving | Phase::Sending => true,
            Phase::RetryWait { due } => due > now,
            Phase::WaitingForSlot | Phase::Verifying => false,
        })
    }

    /// A countdown is on screen somewhere and needs the clock to move.
    pub fn has_pending_retry(&self, now: SystemTime) -> bool {
        self.entries
            .iter()
            .rev()
            .filter_map(LogEntry::retry_due)
            .any(|due| due > now)
    }
}

impl App {
    /// `c` in the downloads panel: cancels the selected transfer (the newest when none is
    /// selected). One still receiving asks first (a second `c` confirms); a stalled one, one
    /// waiting to retry, connecting or queued is cancelled at once. The partial file is kept.
    pub(super) fn cancel_download(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(item) = self.downloads.cancel_candidate().cloned() else {
            self.downloads.cancel_armed = None;
            self.warn("No download or upload is running: nothing to cancel.");
            return Vec::new();
        };
        let flowing = matches!(item.phase, Phase::Receiving | Phase::Sending)
            && item.quiet_for(now).is_none();
        if flowing && self.downloads.cancel_armed.as_ref() != Some(&item.key) {
            let question = match &item.key {
                TransferKey::Download(key) => format!(
                    "Cancel the {} download of {}? Press c again to confirm (the partial file is kept).",
                    key.variant.label(),
                    key.job
                ),
                TransferKey::Upload { job, path } => format!(
                    "Cancel the upload of {} ({job})? Press c again to confirm (the file stays on disk; u sends it again).",
                    path.display()
                ),
            };
            self.inform(question);
            self.downloads.cancel_armed = Some(item.key);
            return Vec::new();
        }
        self.downloads.cancel_armed = None;
        let command = match item.key {
            TransferKey::Download(key) => {
                self.inform(format!("Cancelling {} {}…", key.job, key.variant.label()));
                Command::CancelDownload { key }
            }
            TransferKey::Upload { job, path } => {
                self.inform(format!("Cancelling the upload of {}…", path.display()));
                Command::CancelUpload { job, path }
            }
        };
        vec![Effect::Engine(command)]
    }
}

/// `#1 video`: a download as the log names it.
pub fn download_label(key: &DownloadKey) -> String {
    let what = match key.variant {
        ContentVariant::Video => "video",
        ContentVariant::Thumbnail => "thumb",
        ContentVariant::Spritesheet => "sprites",
    };
    format!("{} {what}", key.job)
}

/// An attempt's outcome in the log's word.
pub fn outcome_word(outcome: &AttemptOutcome) -> &'static str {
    match outcome {
        AttemptOutcome::Saved => "saved",
        AttemptOutcome::WillRetry => "retry",
        AttemptOutcome::GaveUp => "gave up",
        AttemptOutcome::Cancelled => "cancelled",
        AttemptOutcome::Diagnostic => "diagnostic",
    }
}

/// What a transfer's gauge shows that a filter matches: the job, the file, where it goes.
fn transfer_fields(key: &TransferKey) -> Vec<String> {
    match key {
        TransferKey::Download(key) => vec![download_label(key)],
        TransferKey::Upload { job, path } => vec![job.to_string(), path.display().to_string()],
    }
}

fn download_key(entry: &LogEntry) -> Option<&DownloadKey> {
    match entry {
        LogEntry::Attempt { key, .. } => Some(key),
        LogEntry::Saved { key, .. } | LogEntry::DownloadFailed { key, .. } => Some(key),
        _ => None,
    }
}

/// Seconds left until `due`, rounded up, so the countdown shows "1s" until the moment passes.
pub fn seconds_until(due: SystemTime, now: SystemTime) -> Option<u64> {
    let left = due.duration_since(now).ok().filter(|d| !d.is_zero())?;
    Some(left.as_secs() + u64::from(left.subsec_nanos() > 0))
}
