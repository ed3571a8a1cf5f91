//! The download/upload log: every attempt and every file event as one line, plus the progress
//! of downloads still running.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{App, Effect};
use sora_core::download::{Attempt, AttemptOutcome};
use sora_core::engine::{Command, DownloadKey, JobKey};

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

/// Weight of the newest sample in the smoothed rate.
const RATE_SMOOTHING: f64 = 0.3;

/// Bytes so far of a download that has not finished, and how fast they come.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveDownload {
    pub key: DownloadKey,
    pub bytes: u64,
    pub total: Option<u64>,
    /// Queued behind `download.max_concurrent` running downloads.
    pub waiting: bool,
    /// Smoothed bytes per second (exponentially weighted), once two samples are known.
    pub rate: Option<f64>,
    /// The previous sample: when, how many bytes.
    last_sample: Option<(SystemTime, u64)>,
}

impl ActiveDownload {
    fn new(key: DownloadKey) -> Self {
        Self {
            key,
            bytes: 0,
            total: None,
            waiting: false,
            rate: None,
            last_sample: None,
        }
    }

    /// Seconds left at the current rate, when both the total and a rate are known.
    pub fn eta_secs(&self) -> Option<u64> {
        let total = self.total?;
        let rate = self.rate.filter(|r| *r > 0.0)?;
        Some((total.saturating_sub(self.bytes) as f64 / rate).ceil() as u64)
    }

    fn sample(&mut self, bytes: u64, now: SystemTime) {
        match self.last_sample {
            Some((at, before)) => {
                let Ok(dt) = now.duration_since(at) else {
                    return;
                };
                // Several events in one batch share a clock reading: wait for time to pass.
                if dt.as_secs_f64() < 0.05 {
                    return;
                }
                let instant = bytes.saturating_sub(before) as f64 / dt.as_secs_f64();
                self.rate = Some(match self.rate {
                    Some(r) => RATE_SMOOTHING * instant + (1.0 - RATE_SMOOTHING) * r,
                    None => instant,
                });
                self.last_sample = Some((now, bytes));
            }
            None => self.last_sample = Some((now, bytes)),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct DownloadLog {
    pub entries: Vec<LogEntry>,
    pub active: Vec<ActiveDownload>,
    /// Lines between the last entry and the bottom of the view: 0 follows the tail.
    pub scroll_from_bottom: usize,
    /// When each job's content expires on the service, as reported.
    pub expires: Vec<(JobKey, SystemTime)>,
    /// The download a first `c` asked to cancel; a second `c` confirms.
    pub cancel_armed: Option<DownloadKey>,
}

impl DownloadLog {
    pub fn push(&mut self, entry: LogEntry) {
        if let Some(key) = download_key(&entry) {
            self.settle_retries_of(&key.clone());
        }
        self.entries.push(entry);
        // Keep a scrolled-up view on the same lines while new ones arrive below.
        if self.scroll_from_bottom > 0 {
            self.scroll_from_bottom += 1;
        }
        if self.entries.len() > MAX_LOG_LINES {
            let excess = self.entries.len() - MAX_LOG_LINES;
            self.entries.drain(..excess);
        }
        self.clamp_scroll();
    }

    /// The newest "uploading" line of this object takes the progress.
    pub fn upload_progress(&mut self, job: JobKey, object_path: &str, bytes: u64, total: u64) {
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
        let active = self.active_entry(key);
        active.waiting = false;
        active.bytes = bytes;
        active.total = total;
        active.sample(bytes, now);
    }

    /// The download waits for a slot.
    pub fn queued(&mut self, key: DownloadKey) {
        self.active_entry(key).waiting = true;
    }

    fn active_entry(&mut self, key: DownloadKey) -> &mut ActiveDownload {
        let index = match self.active.iter().position(|a| a.key == key) {
            Some(i) => i,
            None => {
                self.active.push(ActiveDownload::new(key));
                self.active.len() - 1
            }
        };
        &mut self.active[index]
    }

    pub fn end_download(&mut self, key: &DownloadKey) {
        self.active.retain(|a| a.key != *key);
        if self.cancel_armed.as_ref() == Some(key) {
            self.cancel_armed = None;
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

    /// The download `c` acts on: the newest one still running or waiting.
    pub fn cancel_candidate(&self) -> Option<&DownloadKey> {
        self.active.last().map(|a| &a.key)
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
        self.scroll_from_bottom = self
            .scroll_from_bottom
            .min(self.entries.len().saturating_sub(1));
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
    /// `c` in the downloads panel: the first press names the download, the second cancels it.
    pub(super) fn cancel_download(&mut self) -> Vec<Effect> {
        let Some(key) = self.downloads.cancel_candidate().cloned() else {
            self.downloads.cancel_armed = None;
            self.warn("No download is running: nothing to cancel.");
            return Vec::new();
        };
        if self.downloads.cancel_armed.as_ref() == Some(&key) {
            self.downloads.cancel_armed = None;
            self.inform(format!("Cancelling {} {}…", key.job, key.variant.label()));
            return vec![Effect::Engine(Command::CancelDownload { key })];
        }
        self.inform(format!(
            "Cancel the {} download of {}? Press c again to confirm (the partial file is kept).",
            key.variant.label(),
            key.job
        ));
        self.downloads.cancel_armed = Some(key);
        Vec::new()
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
