//! Polling a job to its end: an interval that grows while nothing changes (or what the service
//! asks for), and transient failures ridden out with capped, jittered backoff.

use std::time::{Duration, SystemTime};

use super::JobEnd;
use crate::download::capped_retry_after;
use crate::engine::{Ctx, EngineEvent, JobKey, Retry, RetryStep};
use crate::providers::{Job, Provider};

/// Consecutive failed polls tolerated before the job is reported lost (with its id, so the
/// user can look it up: the job itself keeps running on the service).
const MAX_POLL_FAILURES: u32 = 8;
/// Longest wait between polls after errors.
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(60);
/// While nothing changes, the poll interval grows by this factor, up to `POLL_SLOWDOWN_CAP`
/// times the configured interval: long renders are not polled as often as short ones.
const POLL_GROWTH: f64 = 1.25;
const POLL_SLOWDOWN_CAP: u32 = 4;
/// The next poll interval: the service's `openai-poll-after-ms` if it sent one, else the
/// current interval grown a little (reset to the base whenever something changed).
pub(super) fn next_interval(
    base: Duration,
    current: Duration,
    changed: bool,
    asked: Option<Duration>,
) -> Duration {
    if let Some(asked) = asked {
        return asked.clamp(Duration::from_millis(100), MAX_POLL_BACKOFF);
    }
    if changed {
        return base;
    }
    current.mul_f64(POLL_GROWTH).min(base * POLL_SLOWDOWN_CAP)
}

/// Poll until the job reaches a terminal status, reporting each change of status or progress.
pub(super) async fn poll_to_end(
    ctx: &Ctx,
    provider: &Provider,
    key: JobKey,
    first: Job,
) -> Result<Job, JobEnd> {
    let base = ctx.settings.poll_interval;
    let mut last_seen: Option<(String, Option<u8>, Vec<String>)> = None;
    let mut job = first;
    let mut interval = base;
    loop {
        let seen = (job.status_text.clone(), job.progress, job.notes.clone());
        let changed = last_seen.as_ref() != Some(&seen);
        if changed {
            last_seen = Some(seen);
            ctx.send(EngineEvent::JobStatusChanged {
                key,
                status: job.status,
                status_text: job.status_text.clone(),
                progress: job.progress,
                at: SystemTime::now(),
                expires_at: job.expires_at,
                notes: job.notes.clone(),
            });
        }
        if job.status.is_terminal() {
            return Ok(job);
        }
        interval = next_interval(base, interval, changed, job.poll_after);
        job = poll_once(ctx, provider, key, &job.id, interval).await?;
    }
}

/// Wait `wait`, then GET the job; transient failures and unreadable answers are retried with
/// capped backoff and jitter, honouring `Retry-After`.
async fn poll_once(
    ctx: &Ctx,
    provider: &Provider,
    key: JobKey,
    id: &str,
    wait: Duration,
) -> Result<Job, JobEnd> {
    let mut wait = wait;
    let mut failures = 0u32;
    loop {
        let answer = tokio::select! {
            answer = async {
                tokio::time::sleep(wait).await;
                provider.get(id).await
            } => answer,
            () = ctx.cancel.cancelled() => return Err(JobEnd::Detached(format!(
                "stopped watching job {id} (it keeps running on the service; `sora-tui resume` picks it up)"
            ))),
        };
        match answer {
            Ok(job) => return Ok(job),
            // A poll is a GET: an unreadable answer is asked again, like a 5xx.
            Err(e) if e.is_worth_rereading() && failures < MAX_POLL_FAILURES => {
                failures += 1;
                let backoff = ctx.settings.poll_interval * 2u32.saturating_pow(failures);
                let jitter = Duration::from_millis(fastrand::u64(0..500));
                // The service's Retry-After is honoured, up to the longest backoff.
                wait = match capped_retry_after(e.retry_after(), MAX_POLL_BACKOFF) {
                    Ok(Some(asked)) => asked,
                    Ok(None) => backoff.min(MAX_POLL_BACKOFF) + jitter,
                    Err(_) => MAX_POLL_BACKOFF,
                };
                tracing::warn!(job = %id, error = %e, ?wait, "poll failed, retrying");
                let retry = Retry::new(key, RetryStep::Poll, &e, wait, failures, MAX_POLL_FAILURES);
                ctx.send(EngineEvent::JobRetrying(retry));
            }
            Err(e) if e.is_gone() => {
                return Err(JobEnd::Failed(format!(
                    "job {id} is gone from the service: {e}"
                )));
            }
            Err(e) => {
                return Err(JobEnd::Detached(format!(
                    "lost track of job {id} after {} failed poll(s): {e}. The job may still finish: `sora-tui status {id}` shows it, `sora-tui resume` picks it up.",
                    failures + 1
                )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_slows_down_while_nothing_changes_and_obeys_the_service() {
        let base = Duration::from_secs(5);
        let mut i = base;
        let mut seen = vec![];
        for _ in 0..10 {
            i = next_interval(base, i, false, None);
            seen.push(i);
        }
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(
            *seen.last().expect("some"),
            Duration::from_secs(20),
            "capped at 4x"
        );
        assert_eq!(
            next_interval(base, Duration::from_secs(20), true, None),
            base,
            "reset on change"
        );
        assert_eq!(
            next_interval(base, base, false, Some(Duration::from_millis(1500))),
            Duration::from_millis(1500),
            "openai-poll-after-ms wins"
        );
    }
}
