//! Reading answers under the policy: every chunk within the stall timeout, the minimum rate and
//! any deadline; JSON answers and error answers read up to their caps and no further.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;
use url::Url;

use super::{Direction, HttpError, HttpPolicy, error::transport};

/// The minimum-rate check: over each window of the policy's length, at least `min_rate` bytes
/// per second must move, so a server that trickles a byte every few seconds ends with an error
/// instead of never.
#[derive(Debug, Clone)]
pub struct Pace {
    min: u64,
    window: std::time::Duration,
    start: Instant,
    at_start: u64,
}

impl Pace {
    /// A check that starts now, with `bytes` moved so far.
    pub fn new(policy: &HttpPolicy, now: Instant, bytes: u64) -> Self {
        Self {
            min: policy.min_rate,
            window: policy.rate_window,
            start: now,
            at_start: bytes,
        }
    }

    /// At `now`, with `total` bytes moved: an error once a whole window has passed with fewer
    /// bytes than the minimum asks for.
    pub fn check(
        &mut self,
        now: Instant,
        total: u64,
        direction: Direction,
    ) -> Result<(), HttpError> {
        if self.min == 0 {
            return Ok(());
        }
        let elapsed = now.saturating_duration_since(self.start);
        if elapsed < self.window {
            return Ok(());
        }
        let moved = total.saturating_sub(self.at_start);
        let wanted = (self.min as f64 * elapsed.as_secs_f64()) as u64;
        if moved < wanted {
            return Err(HttpError::TooSlow {
                direction,
                bytes: moved,
                window: elapsed,
                min: self.min,
            });
        }
        self.start = now;
        self.at_start = total;
        Ok(())
    }

    /// When the current window ends, if the check is on.
    pub fn next_check(&self) -> Option<Instant> {
        (self.min > 0).then(|| self.start + self.window)
    }
}

/// An answer received under the policy. Its body is read with [`Response::chunk`],
/// [`Response::json_body`] or [`Response::error_body`], each bounded in time and size.
#[derive(Debug)]
pub struct Response {
    inner: reqwest::Response,
    policy: Arc<HttpPolicy>,
    deadline: Option<Instant>,
    secrets: Arc<[String]>,
    received: u64,
    last_byte: Instant,
    pace: Pace,
}

impl Response {
    pub(crate) fn new(
        inner: reqwest::Response,
        policy: Arc<HttpPolicy>,
        deadline: Option<Instant>,
        secrets: Arc<[String]>,
    ) -> Self {
        let now = Instant::now();
        let pace = Pace::new(&policy, now, 0);
        Self {
            inner,
            policy,
            deadline,
            secrets,
            received: 0,
            last_byte: now,
            pace,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.inner.status()
    }

    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The URL that answered (after redirects).
    pub fn url(&self) -> &Url {
        self.inner.url()
    }

    pub fn content_length(&self) -> Option<u64> {
        self.inner.content_length()
    }

    /// The raw answer, for a reader with timers of its own (the content download).
    pub fn into_inner(self) -> reqwest::Response {
        self.inner
    }

    /// The next piece of the body, or `None` at its end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        loop {
            let now = Instant::now();
            if let Some(deadline) = self.deadline
                && now >= deadline
            {
                return Err(HttpError::Deadline(self.policy.json_deadline));
            }
            let stall_at = self.last_byte + self.policy.stall_timeout;
            if now >= stall_at {
                return Err(HttpError::Stalled {
                    direction: Direction::Answer,
                    after: self.policy.stall_timeout,
                    bytes: self.received,
                });
            }
            self.pace.check(now, self.received, Direction::Answer)?;
            let wake = [Some(stall_at), self.deadline, self.pace.next_check()]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(stall_at);
            match tokio::time::timeout_at(wake, self.inner.chunk()).await {
                Ok(Ok(Some(bytes))) => {
                    self.received += bytes.len() as u64;
                    self.last_byte = Instant::now();
                    return Ok(Some(bytes));
                }
                Ok(Ok(None)) => return Ok(None),
                Ok(Err(e)) => return Err(transport(e)),
                Err(_) => {}
            }
        }
    }

    /// The whole body of a JSON answer; an error past `max_json_body`, where reading stops.
    pub async fn json_body(mut self) -> Result<Bytes, HttpError> {
        let max = self.policy.max_json_body;
        let mut body = BytesMut::new();
        while let Some(chunk) = self.chunk().await? {
            if body.len() + chunk.len() > max {
                return Err(HttpError::TooLarge { limit: max });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }

    /// At most `max_error_body` bytes of an error answer, read within the JSON deadline (an
    /// error page is small; a wrong route could stream anything): what arrived, with any key
    /// the request carried masked. The text goes to the log; callers show it shortened.
    pub async fn error_body(mut self) -> Bytes {
        let max = self.policy.max_error_body;
        let until = Instant::now() + self.policy.json_deadline;
        self.deadline = Some(self.deadline.map_or(until, |d| d.min(until)));
        let mut body = BytesMut::new();
        let mut ended = "complete".to_string();
        loop {
            match self.chunk().await {
                Ok(Some(chunk)) => {
                    let room = max.saturating_sub(body.len());
                    body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    if body.len() >= max {
                        ended = format!("cut at {max} bytes (http.max_error_body_kib)");
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    ended = e.to_string();
                    break;
                }
            }
        }
        let text = super::mask_secrets(&String::from_utf8_lossy(&body), &self.secrets);
        tracing::info!(
            status = self.inner.status().as_u16(),
            url = %super::redact_url(self.inner.url()),
            bytes = body.len(),
            ended = %ended,
            body = %text,
            "error answer"
        );
        Bytes::from(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_trickle_fails_the_pace_after_one_window() {
        let policy = HttpPolicy {
            min_rate: 100,
            rate_window: Duration::from_secs(3),
            ..HttpPolicy::default()
        };
        let t0 = Instant::now();
        let mut pace = Pace::new(&policy, t0, 0);
        assert!(
            pace.check(t0 + Duration::from_secs(2), 1, Direction::Answer)
                .is_ok()
        );
        let err = pace
            .check(t0 + Duration::from_secs(4), 2, Direction::Answer)
            .expect_err("too slow");
        assert!(
            err.to_string().contains("too slow: 2 bytes in 4 s"),
            "{err}"
        );
        // Fast enough: the window starts again.
        let mut pace = Pace::new(&policy, t0, 0);
        assert!(
            pace.check(t0 + Duration::from_secs(3), 400, Direction::Upload)
                .is_ok()
        );
        assert_eq!(pace.next_check(), Some(t0 + Duration::from_secs(6)));
        let off = HttpPolicy {
            min_rate: 0,
            ..policy
        };
        let mut pace = Pace::new(&off, t0, 0);
        assert!(
            pace.check(t0 + Duration::from_secs(100), 0, Direction::Answer)
                .is_ok()
        );
        assert_eq!(pace.next_check(), None);
    }
}
