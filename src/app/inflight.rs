//! Transfers in flight: every download and upload still running, with its bytes, its smoothed
//! rate, when its last byte came (so a stall shows), and what it is doing right now. The
//! downloads panel lists them; `c` cancels the selected one.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use sora_core::engine::{DownloadKey, JobKey};

/// Weight of the newest sample in the smoothed rate.
const RATE_SMOOTHING: f64 = 0.3;
/// A transfer that received nothing for this long says so instead of showing its rate.
pub const QUIET_SHOWN_AFTER: Duration = Duration::from_secs(3);

/// Which transfer: a download of a job's rendition, or an upload of one of its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferKey {
    Download(DownloadKey),
    Upload { job: JobKey, path: PathBuf },
}

impl TransferKey {
    pub fn job(&self) -> JobKey {
        match self {
            TransferKey::Download(key) => key.job,
            TransferKey::Upload { job, .. } => *job,
        }
    }
}

/// What a transfer is doing now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Queued behind `download.max_concurrent` running downloads.
    WaitingForSlot,
    /// Attempt `attempt` sent its request and waits for the answer.
    Connecting { attempt: u32 },
    /// Bytes are coming (or were, until the last one: see [`InFlight::quiet_for`]).
    Receiving,
    /// The last attempt failed; the next one goes out at `due`.
    RetryWait { due: SystemTime },
    /// Every byte is on disk; the file is checked before it gets its name.
    Verifying,
    /// An upload sending the file.
    Sending,
}

/// One transfer that has not ended.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub key: TransferKey,
    /// Bytes on disk (download) or taken by the server (upload) so far.
    pub bytes: u64,
    pub total: Option<u64>,
    pub phase: Phase,
    /// Smoothed bytes per second (exponentially weighted), once two samples are known.
    pub rate: Option<f64>,
    /// When the last new byte came, or the transfer started when none has: the stall clock.
    pub last_byte_at: SystemTime,
    /// For an upload, where it goes (`bucket/object`).
    pub object_path: Option<String>,
    /// The previous sample: when, how many bytes.
    last_sample: Option<(SystemTime, u64)>,
}

impl InFlight {
    pub fn new(key: TransferKey, phase: Phase, now: SystemTime) -> Self {
        Self {
            key,
            bytes: 0,
            total: None,
            phase,
            rate: None,
            last_byte_at: now,
            object_path: None,
            last_sample: None,
        }
    }

    pub fn download_key(&self) -> Option<&DownloadKey> {
        match &self.key {
            TransferKey::Download(key) => Some(key),
            TransferKey::Upload { .. } => None,
        }
    }

    pub fn is_upload(&self) -> bool {
        matches!(self.key, TransferKey::Upload { .. })
    }

    /// Queued behind the running downloads.
    pub fn waiting(&self) -> bool {
        self.phase == Phase::WaitingForSlot
    }

    /// How long nothing arrived, while the transfer expects bytes (connecting, receiving,
    /// sending) and it has been long enough to say so.
    pub fn quiet_for(&self, now: SystemTime) -> Option<Duration> {
        if !matches!(
            self.phase,
            Phase::Connecting { .. } | Phase::Receiving | Phase::Sending
        ) {
            return None;
        }
        let quiet = now.duration_since(self.last_byte_at).ok()?;
        (quiet >= QUIET_SHOWN_AFTER).then_some(quiet)
    }

    /// Seconds left at the current rate, when both the total and a rate are known.
    pub fn eta_secs(&self) -> Option<u64> {
        let total = self.total?;
        let rate = self.rate.filter(|r| *r > 0.0)?;
        Some((total.saturating_sub(self.bytes) as f64 / rate).ceil() as u64)
    }

    /// `bytes` of `total` so far, seen at `now`.
    pub fn progress(&mut self, bytes: u64, total: Option<u64>, now: SystemTime) {
        if bytes > self.bytes || self.last_sample.is_none() {
            self.last_byte_at = now;
        }
        self.bytes = bytes;
        self.total = total.or(self.total);
        self.sample(bytes, now);
    }

    /// A new attempt (or a wait before one): the rate starts over, the byte count stays.
    pub fn restart_rate(&mut self) {
        self.rate = None;
        self.last_sample = None;
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
