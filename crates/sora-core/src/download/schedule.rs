//! When to try a download again, and whether to at all: pure functions of what the last attempt
//! saw, so the policy can be tested without a network.

use std::time::Duration;

/// Waits between attempts that may succeed later. The n-th retry waits `delays[n]`; when the
/// list is used up, the download gives up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

impl Default for RetrySchedule {
    /// 5 s, 10 s, 30 s, 60 s: covers content that lags a minute or two behind `succeeded`
    /// without hammering the service.
    fn default() -> Self {
        Self::from_secs(&[5, 10, 30, 60])
    }
}

impl RetrySchedule {
    pub fn from_secs(secs: &[u64]) -> Self {
        Self(secs.iter().map(|s| Duration::from_secs(*s)).collect())
    }

    /// The wait before retry number `retry` (0-based), or None when the schedule is used up.
    pub fn delay(&self, retry: usize) -> Option<Duration> {
        self.0.get(retry).copied()
    }

    pub fn max_attempts(&self) -> usize {
        self.0.len() + 1
    }
}

/// Spread of the jitter added to scheduled waits: ±20 %, so many clients that failed together
/// do not retry together.
pub const JITTER: f64 = 0.2;

/// `delay` scaled by a factor in `1 ± JITTER`; `unit` is a random number in `[0, 1)` (injected,
/// so tests can pin it).
pub fn jittered(delay: Duration, unit: f64) -> Duration {
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.5
    };
    delay.mul_f64(1.0 - JITTER + 2.0 * JITTER * unit)
}

/// A service's `Retry-After` against the longest wait sora-tui accepts for it: `Ok(Some(d))` to
/// wait `d`, `Ok(None)` when none was sent, `Err(d)` when it asks for more than `cap` (the caller
/// gives up and says when to come back, or waits `cap`). The one rule for downloads, creates
/// and polls.
pub fn capped_retry_after(
    retry_after: Option<Duration>,
    cap: Duration,
) -> Result<Option<Duration>, Duration> {
    match retry_after {
        Some(asked) if asked > cap => Err(asked),
        asked => Ok(asked),
    }
}

/// Did the service's error text say the content expired (the Videos API says so in words;
/// Azure Sora only says "not found", so there only `expires_at` tells)?
pub fn says_expired(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("expired") || m.contains("no longer available")
}

/// What to do after an attempt that did not save the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Try again after the schedule's next delay (or the server's `Retry-After`, if longer).
    Retry { why: String },
    /// Retrying cannot help.
    Stop { why: String },
}

/// Judge an HTTP error status on the content route. `expired` is true when the content's
/// retention window (about 24 h after creation) has passed.
pub fn judge_status(status: u16, expired: bool) -> Verdict {
    match status {
        404 if expired => Verdict::Stop {
            why: "the content has expired (kept about 24 hours after the job was created): generate the video again".into(),
        },
        404 => Verdict::Retry {
            why: "not there yet? content can lag behind `succeeded`".into(),
        },
        401 => Verdict::Stop {
            why: "401: the key was refused: check the API key belongs to this resource".into(),
        },
        403 => Verdict::Stop {
            why: "403: access denied: the key or token lacks permission for this resource".into(),
        },
        410 => Verdict::Stop {
            why: "410: the content is gone (expired or deleted)".into(),
        },
        429 => Verdict::Retry {
            why: "rate limited: waiting as the service asks".into(),
        },
        408 | 500..=599 => Verdict::Retry {
            why: "the service had a transient problem".into(),
        },
        _ => Verdict::Stop {
            why: format!("{status}: the service refused the request"),
        },
    }
}

/// What a run of 404s most likely means, said when the schedule is used up, so the person
/// learns which cause fits instead of just "not found".
pub fn explain_persistent_404(url_path: &str, expired: bool) -> String {
    if expired {
        return "the content expired (about 24 hours after the job was created); generate the video again".into();
    }
    let mut causes = Vec::new();
    if url_path.ends_with("/content") {
        causes.push("the URL ends at `/content`, which is not a route: the video is at `/content/video`, the thumbnail at `/content/thumbnail`");
    }
    if url_path.contains("/task_") {
        causes.push("the URL holds a job id (`task_…`): content is keyed by the generation id (`gen_…`) from `job.generations`");
    }
    causes.push("the content is not available yet (wait and run `download` again) or the deployment was retired");
    format!("404 on every attempt. Likely: {}", causes.join("; or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_schedule_is_5_10_30_60() {
        let s = RetrySchedule::default();
        let secs: Vec<u64> = (0..5)
            .filter_map(|i| s.delay(i))
            .map(|d| d.as_secs())
            .collect();
        assert_eq!(secs, vec![5, 10, 30, 60]);
        assert_eq!(s.delay(4), None);
        assert_eq!(s.max_attempts(), 5);
    }

    #[test]
    fn jitter_stays_within_twenty_percent() {
        let d = Duration::from_secs(10);
        assert_eq!(jittered(d, 0.0), Duration::from_secs(8));
        assert_eq!(jittered(d, 0.5), Duration::from_secs(10));
        assert_eq!(jittered(d, 1.0), Duration::from_secs(12));
        assert_eq!(jittered(d, f64::NAN), d);
        for _ in 0..100 {
            let j = jittered(d, fastrand::f64());
            assert!(j >= Duration::from_secs(8) && j <= Duration::from_secs(12));
        }
        assert!(says_expired(
            "The content of video 'v' has expired and can no longer be downloaded."
        ));
        assert!(!says_expired("Resource not found"));
    }

    #[test]
    fn retries_what_time_can_fix_and_stops_on_the_rest() {
        assert!(matches!(judge_status(404, false), Verdict::Retry { .. }));
        assert!(matches!(judge_status(503, false), Verdict::Retry { .. }));
        assert!(matches!(judge_status(502, false), Verdict::Retry { .. }));
        assert!(matches!(judge_status(429, false), Verdict::Retry { .. }));
        assert!(matches!(judge_status(404, true), Verdict::Stop { .. }));
        assert!(matches!(judge_status(401, false), Verdict::Stop { .. }));
        assert!(matches!(judge_status(403, false), Verdict::Stop { .. }));
        assert!(matches!(judge_status(400, false), Verdict::Stop { .. }));
    }

    #[test]
    fn explains_the_wrong_route_and_the_wrong_id() {
        let e = explain_persistent_404("/openai/v1/video/generations/gen_1/content", false);
        assert!(e.contains("/content/video"), "{e}");
        let e = explain_persistent_404("/openai/v1/video/generations/task_1/content/video", false);
        assert!(e.contains("generation id"), "{e}");
        let e = explain_persistent_404("/x/gen_1/content/video", true);
        assert!(e.contains("expired"), "{e}");
    }
}
