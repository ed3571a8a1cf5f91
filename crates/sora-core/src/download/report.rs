//! What a download reports while it runs, in its own words: each HTTP attempt (for the attempt
//! log) and the bytes on disk so far. It carries no key: whoever asked for the download files the
//! reports under its own (the engine adds the job and rendition, a bucket download needs none).

use std::time::{Duration, Instant, SystemTime};

/// How a single download attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The body was saved and verified.
    Saved,
    /// Failed in a way that retrying may fix; another attempt is scheduled.
    WillRetry,
    /// Failed and will not be retried (bad key, retired deployment, schedule exhausted...).
    GaveUp,
    /// Stopped by the user; the partial file is kept so a later download resumes it.
    Cancelled,
    /// A diagnostic request (job or metadata re-fetched to look for another URL): it informs,
    /// it does not fetch the content itself.
    Diagnostic,
}

/// One HTTP attempt at fetching content, as the attempt log shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    pub method: &'static str,
    /// The URL without any secret.
    pub url: String,
    /// None when no HTTP answer arrived (connection refused, timeout...).
    pub status: Option<u16>,
    pub bytes: u64,
    pub started_at: SystemTime,
    pub duration: Duration,
    pub outcome: AttemptOutcome,
    /// What happened, for a person: "404 Resource not found: content not ready yet?".
    pub detail: String,
    /// When the next attempt is due, if one is scheduled.
    pub next_retry_in: Option<Duration>,
    /// `apim-request-id` / `x-request-id` of the answer, for support tickets.
    pub request_id: Option<String>,
    /// The answer's useful headers only (content-type, content-length, content-range, etag,
    /// last-modified, retry-after, request ids), in the order received.
    pub headers: Vec<(String, String)>,
}

/// What a download tells its caller as it goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// An attempt ended (or a diagnostic request answered).
    Attempt(Attempt),
    /// Bytes of the file on disk so far, of `total` when the answer said; at most every
    /// `DownloadOptions::progress_every`.
    Progress { bytes: u64, total: Option<u64> },
    /// Attempt `attempt` (1-based) is sending its request and waiting for the answer.
    Connecting { attempt: u32 },
    /// The body is complete (`bytes` on disk): it is being checked before it gets its name.
    Verifying { bytes: u64 },
}

/// Where a download's reports go: the caller's closure, called on the download's task.
pub type Sink<'a> = &'a (dyn Fn(Report) + Send + Sync);

/// Progress reported at most once per `every`, so a fast transfer cannot flood a front end:
/// the first report goes out at once, a final one (the transfer complete) always.
#[derive(Debug, Clone)]
pub struct Throttle {
    every: Duration,
    last: Option<Instant>,
}

impl Throttle {
    pub fn new(every: Duration) -> Self {
        Self { every, last: None }
    }

    /// Whether to report now; `last` marks the final report of a transfer, which always goes.
    pub fn ready(&mut self, last: bool) -> bool {
        let due = last || self.last.is_none_or(|t| t.elapsed() >= self.every);
        if due {
            self.last = Some(Instant::now());
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_throttle_lets_the_first_and_the_last_through_and_spaces_the_rest() {
        let mut t = Throttle::new(Duration::from_secs(3600));
        assert!(t.ready(false), "the first report goes at once");
        assert!(!t.ready(false), "then not before the hour");
        assert!(t.ready(true), "the last one always");
        let mut every_time = Throttle::new(Duration::ZERO);
        assert!(every_time.ready(false) && every_time.ready(false));
    }
}
