//! The retry loop: one attempt after another on the schedule, each reported, until the file is
//! saved, a verdict says stop, the schedule is used up or the caller cancels. A server's
//! `Retry-After` wins when it asks for longer than the schedule, up to [`MAX_RETRY_AFTER`].

use std::time::{Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::attempt::{self, AttemptError, Seen};
use super::{
    Attempt, AttemptOutcome, DownloadError, DownloadOptions, DownloadSpec, Downloaded,
    MAX_RETRY_AFTER, Report, RetrySchedule, Sink, Verdict, capped_retry_after,
    explain_persistent_404, jittered, judge_status, says_expired,
};
use crate::http::Http;

pub(super) async fn run(
    http: &Http,
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    options: &DownloadOptions,
    report: Sink<'_>,
    cancel: &CancellationToken,
) -> Result<Downloaded, DownloadError> {
    let url_text = spec.request.display_url();
    let mut retries = 0usize;
    loop {
        let number = u32::try_from(retries + 1).unwrap_or(u32::MAX);
        let started_at = SystemTime::now();
        let clock = Instant::now();
        let mut seen = Seen::default();
        let result = tokio::select! {
            r = attempt::run(http, spec, options, report, &mut seen) => Some(r),
            () = cancel.cancelled() => None,
        };
        if let Some(w) = seen.writer.take() {
            // Cancelled mid-body: the feeder is gone, the writer drains what was handed over.
            let _ = w.await;
        }
        let mut record = Attempt {
            number,
            method: "GET",
            url: url_text.clone(),
            status: seen.status,
            bytes: seen.bytes,
            started_at,
            duration: clock.elapsed(),
            outcome: AttemptOutcome::GaveUp,
            detail: String::new(),
            next_retry_in: None,
            request_id: seen.request_id.take(),
            headers: std::mem::take(&mut seen.headers),
        };
        let resumed = seen
            .resumed_from
            .map(|n| format!(" (resumed at byte {n})"))
            .unwrap_or_default();
        let Some(result) = result else {
            record.outcome = AttemptOutcome::Cancelled;
            record.detail = format!("cancelled; partial kept for resume{resumed}");
            report(Report::Attempt(record));
            return Err(DownloadError::Cancelled);
        };
        let expired_by_clock = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
        let mut last_body = Vec::new();
        let (verdict, retry_after) = match result {
            Ok(done) => {
                record.outcome = AttemptOutcome::Saved;
                record.detail = format!("{} verified{resumed}", done.path.display());
                report(Report::Attempt(record));
                return Ok(Downloaded {
                    path: done.path,
                    bytes: done.bytes,
                });
            }
            Err(AttemptError::Disk(e)) => {
                record.detail = e.to_string();
                report(Report::Attempt(record));
                return Err(e);
            }
            Err(AttemptError::Http {
                status,
                retry_after,
                body,
                raw,
            }) => {
                last_body = raw;
                let expired = expired_by_clock || (status == 404 && says_expired(&body));
                let mut verdict = judge_status(status, expired);
                let (Verdict::Retry { why } | Verdict::Stop { why }) = &mut verdict;
                if !body.is_empty() {
                    why.push_str(&format!(" (service: {body})"));
                }
                (verdict, retry_after)
            }
            Err(AttemptError::Body(why)) => (
                Verdict::Retry {
                    why: why + &resumed,
                },
                None,
            ),
            Err(AttemptError::Network(why)) => (Verdict::Retry { why }, None),
        };
        let why = match verdict {
            Verdict::Stop { why } => {
                record.detail = why.clone();
                report(Report::Attempt(record));
                return Err(DownloadError::GaveUp {
                    url: url_text,
                    why,
                    last_status: seen.status,
                    last_body,
                });
            }
            Verdict::Retry { why } => why,
        };
        let give_up = |record: &mut Attempt, final_why: String| {
            record.detail = final_why.clone();
            report(Report::Attempt(record.clone()));
            Err(DownloadError::GaveUp {
                url: url_text.clone(),
                why: final_why,
                last_status: seen.status,
                last_body: last_body.clone(),
            })
        };
        let Some(delay) = schedule.delay(retries) else {
            let final_why = if record.status == Some(404) {
                explain_persistent_404(spec.request.url.path(), expired_by_clock)
            } else {
                if number > 1 {
                    format!("{why}; gave up after {number} attempts")
                } else {
                    why
                }
            };
            return give_up(&mut record, final_why);
        };
        let delay = if options.jitter {
            jittered(delay, fastrand::f64())
        } else {
            delay
        };
        // The server's Retry-After wins when it asks for longer than the schedule.
        let delay = match capped_retry_after(retry_after, MAX_RETRY_AFTER) {
            Err(asked) => {
                let final_why = format!(
                    "{why}; the service asks to wait {}s, longer than sora-tui waits: run the download again later",
                    asked.as_secs()
                );
                return give_up(&mut record, final_why);
            }
            Ok(Some(asked)) => asked.max(delay),
            Ok(None) => delay,
        };
        record.outcome = AttemptOutcome::WillRetry;
        record.detail = why;
        record.next_retry_in = Some(delay);
        report(Report::Attempt(record));
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = cancel.cancelled() => return Err(DownloadError::Cancelled),
        }
        retries += 1;
    }
}
