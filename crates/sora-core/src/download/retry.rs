//! The retry loop: one attempt after another on the schedule, each reported, until the file is
//! saved, a verdict says stop, the schedule is used up or the caller cancels. A server's
//! `Retry-After` wins when it asks for longer than the schedule, up to [`MAX_RETRY_AFTER`].

use std::time::{Duration, Instant, SystemTime};

use tokio_util::sync::CancellationToken;

use super::attempt::{self, AttemptDone, AttemptError, Seen};
use super::partial;
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
    let url = spec.request.display_url();
    let mut retries = 0usize;
    loop {
        let number = u32::try_from(retries + 1).unwrap_or(u32::MAX);
        report(Report::Connecting { attempt: number });
        let (result, mut record, resumed) =
            one_attempt(http, spec, options, report, cancel, number, &url).await;
        let expired_by_clock = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
        let failure = match result {
            None => {
                record.outcome = AttemptOutcome::Cancelled;
                record.detail = format!("cancelled; partial kept for resume{resumed}");
                report(Report::Attempt(record));
                return Err(DownloadError::Cancelled);
            }
            Some(Ok(done)) => {
                record.outcome = AttemptOutcome::Saved;
                record.detail = format!("{} verified{resumed}", done.path.display());
                report(Report::Attempt(record));
                return Ok(Downloaded {
                    path: done.path,
                    bytes: done.bytes,
                });
            }
            Some(Err(AttemptError::Disk(e))) => {
                record.detail = e.to_string();
                report(Report::Attempt(record));
                return Err(e);
            }
            Some(Err(e)) => judge(e, &resumed, expired_by_clock),
        };
        let give_up = |mut record: Attempt, why: String| {
            record.detail = why.clone();
            report(Report::Attempt(record.clone()));
            Err(DownloadError::GaveUp {
                url: url.clone(),
                why,
                last_status: record.status,
                last_body: failure.body.clone(),
            })
        };
        let why = match failure.verdict {
            Verdict::Stop { mut why } => {
                // A key refused mid-run (rotated): the bytes so far wait for the fixed key.
                if matches!(record.status, Some(401 | 403)) {
                    why.push_str(
                        &partial::kept_after_refusal(&spec.target, "fixing the key").await,
                    );
                }
                return give_up(record, why);
            }
            Verdict::Retry { why } => why,
        };
        let delay = match next_delay(schedule, retries, options, failure.retry_after) {
            Ok(delay) => delay,
            Err(Exhausted::Schedule) if record.status == Some(404) => {
                let why = explain_persistent_404(spec.request.url.path(), expired_by_clock);
                return give_up(record, why);
            }
            Err(Exhausted::Schedule) if number > 1 => {
                return give_up(record, format!("{why}; gave up after {number} attempts"));
            }
            Err(Exhausted::Schedule) => return give_up(record, why),
            Err(Exhausted::AsksTooLong(asked)) => {
                let why = format!(
                    "{why}; the service asks to wait {}, longer than sora-tui waits: run the download again later",
                    crate::present::duration(asked)
                );
                return give_up(record, why);
            }
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

/// Run attempt `number` (`None` in the result: cancelled); what it saw goes into its record,
/// whose outcome and detail the caller fills in. Also says where a resumed attempt started.
async fn one_attempt(
    http: &Http,
    spec: &DownloadSpec,
    options: &DownloadOptions,
    report: Sink<'_>,
    cancel: &CancellationToken,
    number: u32,
    url: &str,
) -> (Option<Result<AttemptDone, AttemptError>>, Attempt, String) {
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
    let record = Attempt {
        number,
        method: "GET",
        url: url.to_string(),
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
    (result, record, resumed)
}

/// A failed attempt, judged: stop or retry, the wait the server asked for, and its error body.
struct Failure {
    verdict: Verdict,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// What a failure (other than the disk's) means for the next attempt.
fn judge(error: AttemptError, resumed: &str, expired_by_clock: bool) -> Failure {
    let retry = |why| Failure {
        verdict: Verdict::Retry { why },
        retry_after: None,
        body: Vec::new(),
    };
    match error {
        AttemptError::Http {
            status,
            retry_after,
            body,
            raw,
        } => {
            let expired = expired_by_clock || (status == 404 && says_expired(&body));
            let mut verdict = judge_status(status, expired);
            let (Verdict::Retry { why } | Verdict::Stop { why }) = &mut verdict;
            if !body.is_empty() {
                why.push_str(&format!(" (service: {body})"));
            }
            Failure {
                verdict,
                retry_after,
                body: raw,
            }
        }
        AttemptError::Body(why) => retry(why + resumed),
        AttemptError::Network(why) => retry(why),
        // The caller ends the download on a disk error before asking.
        AttemptError::Disk(e) => Failure {
            verdict: Verdict::Stop { why: e.to_string() },
            retry_after: None,
            body: Vec::new(),
        },
    }
}

/// Why no retry is scheduled.
enum Exhausted {
    /// The schedule is used up.
    Schedule,
    /// The server asks to wait longer than [`MAX_RETRY_AFTER`].
    AsksTooLong(Duration),
}

/// The wait before retry number `retries` (0-based): the schedule's (jittered), unless the
/// server's `Retry-After` asks for longer.
fn next_delay(
    schedule: &RetrySchedule,
    retries: usize,
    options: &DownloadOptions,
    retry_after: Option<Duration>,
) -> Result<Duration, Exhausted> {
    let delay = schedule.delay(retries).ok_or(Exhausted::Schedule)?;
    let delay = if options.jitter {
        jittered(delay, fastrand::f64())
    } else {
        delay
    };
    match capped_retry_after(retry_after, MAX_RETRY_AFTER) {
        Err(asked) => Err(Exhausted::AsksTooLong(asked)),
        Ok(Some(asked)) => Ok(asked.max(delay)),
        Ok(None) => Ok(delay),
    }
}
