//! One job from start to files on disk (and in the bucket): create it (or remix, or pick up an
//! existing one), poll it to a terminal status, download every output, upload when asked.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{Ctx, EngineEvent, JobKey};
use crate::download::{self, DownloadError, DownloadSpec};
use crate::engine::{DownloadKey, Retry, RetryStep};
use crate::providers::{
    ContentRequest, ContentVariant, GenerationRequest, Job, JobStatus, Output, Provider,
    ProviderError,
};

/// Consecutive failed polls tolerated before the job is reported lost (with its id, so the
/// user can look it up: the job itself keeps running on the service).
const MAX_POLL_FAILURES: u32 = 8;
/// Longest wait between polls after errors.
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(60);
/// While nothing changes, the poll interval grows by this factor, up to `POLL_SLOWDOWN_CAP`
/// times the configured interval: long renders are not polled as often as short ones.
const POLL_GROWTH: f64 = 1.25;
const POLL_SLOWDOWN_CAP: u32 = 4;
/// Create requests refused with 429 are retried this many times (a 429 means nothing was created).
const MAX_CREATE_RATE_LIMITED: u32 = 4;
/// A rate-limited create waits at most this long for its next try.
const MAX_CREATE_WAIT: Duration = Duration::from_secs(15 * 60);

/// How a job comes to exist.
#[derive(Debug, Clone)]
pub(super) enum Start {
    New(GenerationRequest),
    Remix {
        source: String,
        prompt: String,
    },
    /// A job (or, on Azure Sora, a generation) that already exists: poll it and download.
    Existing {
        id: String,
    },
}

/// Run the whole flow; returns whether every step succeeded.
pub(super) async fn run(
    ctx: &Ctx,
    key: JobKey,
    start: Start,
    variants: &[ContentVariant],
    upload: bool,
) -> bool {
    let fail = |message: String| {
        ctx.send(EngineEvent::JobFailed {
            key,
            message,
            at: SystemTime::now(),
        });
        false
    };
    // This run stops, but the job may live on (or may have been created): the journal keeps
    // it open, so the next start picks it up instead of forgetting a paid job.
    let detach = |message: String| {
        ctx.set_journal_id(key, None);
        fail(message)
    };
    let Some(provider) = ctx.services.provider.clone() else {
        return fail("no video service is configured: set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY, or OPENAI_API_KEY with provider = \"openai\" (or run with --demo)".into());
    };
    // Where the files go is checked before anything is paid for (and before a resume polls).
    if let Err(e) = download::files::check_dir_async(&ctx.download_dir(key)).await {
        return match &start {
            Start::Existing { id } if ctx.journal_id(key).is_some() => detach(format!(
                "cannot download {id} yet: {e}. It stays in the journal for the next `sora-tui resume`"
            )),
            Start::Existing { id } => fail(format!("cannot download {id}: {e}")),
            _ => fail(format!("not sent: {e}")),
        };
    }
    let (prompt, created) = match &start {
        Start::New(request) => {
            if let Err(e) = provider.validate(request) {
                return fail(format!("not sent: {e}"));
            }
            (request.prompt.clone(), None)
        }
        Start::Remix { prompt, .. } => (prompt.clone(), None),
        Start::Existing { id } => (String::new(), Some(id.clone())),
    };
    // The intent is on disk before the request goes out: if the process dies in between,
    // the next start reconciles by listing the service's jobs instead of sending again.
    if let (Some(journal), false) = (&ctx.journal, matches!(start, Start::Existing { .. })) {
        let id = crate::journal::new_id();
        if let Err(e) = super::append_off_the_runtime(
            journal,
            &id,
            intent_entry(&provider, &start, upload, &ctx.download_dir(key), variants),
        ) {
            return fail(format!(
                "not sent: the job could not be recorded first ({e})"
            ));
        }
        ctx.set_journal_id(key, Some(id));
    }
    ctx.send(EngineEvent::JobSubmitting {
        key,
        prompt,
        at: SystemTime::now(),
    });
    let first = match (&start, created) {
        (Start::New(request), _) => create(ctx, key, &provider, request).await,
        (Start::Remix { source, prompt }, _) => provider.remix(source, prompt).await,
        (Start::Existing { .. }, Some(id)) => provider.get(&id).await,
        (Start::Existing { id }, None) => provider.get(id).await,
    };
    let job = match first {
        Ok(job) => job,
        Err(e) => {
            let what = match start {
                Start::New(_) => "could not create the job",
                Start::Remix { .. } => "could not start the remix",
                Start::Existing { .. } => "could not look up the job",
            };
            let existing = matches!(start, Start::Existing { .. });
            if !existing && may_have_created(&e) {
                // The request may have reached the service: keep the intent open (not
                // failed) so the next start looks for the job instead of sending it again.
                let reconcile = if ctx.journal.is_some() {
                    " It may have been created anyway: the next start looks it up in the service's job list (it is never sent twice)."
                } else {
                    " It may have been created anyway: check `sora-tui jobs` before sending it again."
                };
                return detach(format!("{what}: {e}.{reconcile}"));
            }
            if existing && !is_gone(&e) {
                // Offline, a rotated key, a busy service: the job itself is untouched.
                return detach(format!(
                    "{what}: {e}. It stays in the journal for the next `resume`."
                ));
            }
            return fail(format!("{what}: {e}"));
        }
    };
    ctx.remember_job_id(key, &job.id);
    ctx.send(EngineEvent::JobCreated {
        key,
        job_id: job.id.clone(),
        at: SystemTime::now(),
    });
    // The reference image goes to the input bucket while the job renders: filed under the
    // job id, so what the video was made from stays next to it.
    let image = match &start {
        Start::New(request) => request.image.as_deref(),
        _ => None,
    };
    let store_image = async {
        if let Some(image) = image {
            super::upload::input_image(ctx, key, image).await;
        }
    };
    let (polled, ()) = tokio::join!(poll_to_end(ctx, &provider, key, job), store_image);
    let job = match polled {
        Ok(job) => job,
        Err(PollEnd::Gone(message)) => return fail(message),
        Err(PollEnd::Detached(message)) => return detach(message),
    };
    if job.status == JobStatus::Succeeded
        && let Some(id) = ctx.journal_id(key)
    {
        // What resume needs to know is still to download.
        ctx.record(
            &id,
            crate::journal::Event::Status {
                status: job.status_text.clone(),
                state: crate::journal::JobState::Succeeded,
                expires_at: job
                    .expires_at
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| d.as_secs()),
                outputs: job.outputs.iter().map(|o| o.id.clone()).collect(),
            },
        );
    }
    match job.status {
        JobStatus::Succeeded if !job.outputs.is_empty() => {}
        JobStatus::Succeeded => {
            return fail(format!(
                "job {} succeeded but listed nothing to download",
                job.id
            ));
        }
        JobStatus::Failed => return fail(explain_failure(&job)),
        _ => return fail(format!("job {} was {}", job.id, job.status_text)),
    }

    let mut ok = true;
    for output in &job.outputs {
        for &variant in variants.iter().filter(|v| provider.variants().contains(v)) {
            let dkey = DownloadKey {
                job: key,
                output_id: output.id.clone(),
                variant,
            };
            match fetch(ctx, &provider, &job, output, dkey).await {
                // A video the journal records as stored (a resume) is not sent again.
                Some(path) if variant == ContentVariant::Video && upload => {
                    ok &= ctx.recorded_upload(key, &path)
                        || super::upload::run(ctx, key, &path).await;
                }
                Some(_) => {}
                // A missing thumbnail is a pity, a missing video is a failure.
                None => ok &= variant != ContentVariant::Video,
            }
        }
    }
    ok
}

async fn create(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    request: &GenerationRequest,
) -> Result<Job, ProviderError> {
    let mut refused = 0;
    loop {
        match provider.create(request).await {
            // Only a 429 is safe to retry: the service refused before creating anything. Any
            // other failure may have created the job, and a second create would be paid twice.
            Err(e @ ProviderError::Api { .. }) if is_rate_limited(&e) => {
                refused += 1;
                if refused > MAX_CREATE_RATE_LIMITED {
                    return Err(e);
                }
                let wait = e.retry_after().unwrap_or(Duration::from_secs(10));
                if wait > MAX_CREATE_WAIT {
                    // Not sent; waiting a day in silence would look like a hang.
                    return Err(e);
                }
                tracing::info!(?wait, "create rate limited; waiting as asked");
                let retry = Retry::new(
                    key,
                    RetryStep::Create,
                    &e,
                    wait,
                    refused,
                    MAX_CREATE_RATE_LIMITED,
                );
                ctx.send(EngineEvent::JobRetrying(retry));
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = ctx.cancel.cancelled() => return Err(e),
                }
            }
            other => return other,
        }
    }
}

fn is_rate_limited(e: &ProviderError) -> bool {
    matches!(e, ProviderError::Api { error, .. } if error.status == 429)
}

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

async fn poll_to_end(
    ctx: &Ctx,
    provider: &Provider,
    key: JobKey,
    first: Job,
) -> Result<Job, PollEnd> {
    let base = ctx.settings.poll_interval;
    let mut last_seen: Option<(String, Option<u8>)> = None;
    let mut job = first;
    let mut interval = base;
    loop {
        let seen = (job.status_text.clone(), job.progress);
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
            });
        }
        if job.status.is_terminal() {
            return Ok(job);
        }
        interval = next_interval(base, interval, changed, job.poll_after);
        job = poll_once(ctx, provider, key, &job.id, interval).await?;
    }
}

/// Wait `wait`, then GET the job; transient failures are retried with capped backoff and
/// jitter, honouring `Retry-After`.
async fn poll_once(
    ctx: &Ctx,
    provider: &Provider,
    key: JobKey,
    id: &str,
    wait: Duration,
) -> Result<Job, PollEnd> {
    let mut wait = wait;
    let mut failures = 0u32;
    loop {
        let answer = tokio::select! {
            answer = async {
                tokio::time::sleep(wait).await;
                provider.get(id).await
            } => answer,
            () = ctx.cancel.cancelled() => return Err(PollEnd::Detached(format!(
                "stopped watching job {id} (it keeps running on the service; `sora-tui resume` picks it up)"
            ))),
        };
        match answer {
            Ok(job) => return Ok(job),
            Err(e) if e.is_transient() && failures < MAX_POLL_FAILURES => {
                failures += 1;
                let backoff = ctx.settings.poll_interval * 2u32.saturating_pow(failures);
                let jitter = Duration::from_millis(fastrand::u64(0..500));
                // The service's Retry-After is honoured, up to the longest backoff.
                wait = e
                    .retry_after()
                    .map_or(backoff.min(MAX_POLL_BACKOFF) + jitter, |ra| {
                        ra.min(MAX_POLL_BACKOFF)
                    });
                tracing::warn!(job = %id, error = %e, ?wait, "poll failed, retrying");
                let retry = Retry::new(key, RetryStep::Poll, &e, wait, failures, MAX_POLL_FAILURES);
                ctx.send(EngineEvent::JobRetrying(retry));
            }
            Err(e) if is_gone(&e) => {
                return Err(PollEnd::Gone(format!(
                    "job {id} is gone from the service: {e}"
                )));
            }
            Err(e) => {
                return Err(PollEnd::Detached(format!(
                    "lost track of job {id} after {} failed poll(s): {e}. The job may still finish: `sora-tui status {id}` shows it, `sora-tui resume` picks it up.",
                    failures + 1
                )));
            }
        }
    }
}

/// Why polling ended without a terminal status.
pub(super) enum PollEnd {
    /// The service says the job no longer exists (deleted, expired).
    Gone(String),
    /// This run stopped watching (cancelled, offline, refused key): the job may live on.
    Detached(String),
}

/// A create that failed this way may still have created the job: no answer, an answer that
/// could not be read, or a server error or timeout after the request arrived. Only a 4xx
/// (429 included) is a refusal before anything was made.
fn may_have_created(e: &ProviderError) -> bool {
    match e {
        ProviderError::Network { .. } | ProviderError::Decode { .. } => true,
        ProviderError::Api { error, .. } => error.status >= 500 || error.status == 408,
        _ => false,
    }
}

/// The job does not exist on the service (any more).
fn is_gone(e: &ProviderError) -> bool {
    matches!(e, ProviderError::Api { error, .. } if error.status == 404 || error.status == 410)
}

/// Fetch one rendition; `Some(path)` when it is on disk.
async fn fetch(
    ctx: &Ctx,
    provider: &Provider,
    job: &Job,
    output: &Output,
    key: DownloadKey,
) -> Option<PathBuf> {
    let failed = |message: String| {
        ctx.send(EngineEvent::DownloadFailed {
            key: key.clone(),
            message,
        });
        None
    };
    if let Some((path, bytes)) = ctx.recorded_download(&key) {
        // Already on disk from before a restart: report it, do not fetch (or record) again.
        let _ = ctx.events.send(EngineEvent::DownloadFinished {
            key,
            path: path.clone(),
            bytes,
        });
        return Some(path);
    }
    let request = match provider.content_request(output, key.variant).await {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let http = match &ctx.http {
        Ok(h) => h,
        Err(e) => return failed(e.clone()),
    };
    let stem = download::files::safe_file_stem(&output.id);
    let file_name = match key.variant {
        ContentVariant::Video => format!("{stem}.mp4"),
        ContentVariant::Thumbnail => format!("{stem}.thumbnail.jpg"),
        ContentVariant::Spritesheet => format!("{stem}.spritesheet.jpg"),
    };
    let spec = DownloadSpec {
        key: key.clone(),
        request,
        target: ctx.download_dir(key.job).join(file_name),
        expires_at: job.expires_at,
    };
    let token = ctx.cancel.child_token();
    if let Ok(mut map) = ctx.downloads.lock() {
        map.insert(key.clone(), token.clone());
    }
    let result = fetch_in_slot(ctx, http, &spec, &job.id, &token).await;
    if let Ok(mut map) = ctx.downloads.lock() {
        map.remove(&key);
    }
    match result {
        Ok(done) => {
            ctx.send(EngineEvent::DownloadFinished {
                key,
                path: done.path.clone(),
                bytes: done.bytes,
            });
            Some(done.path)
        }
        Err(DownloadError::Cancelled) => {
            ctx.send(EngineEvent::DownloadCancelled { key });
            None
        }
        Err(e) => failed(e.to_string()),
    }
}

/// The journal line that says a job is about to be created.
fn intent_entry(
    provider: &Provider,
    start: &Start,
    upload: bool,
    download_dir: &std::path::Path,
    variants: &[ContentVariant],
) -> crate::journal::Event {
    let (request, remix_of, cost_estimate) = match start {
        Start::New(r) => (
            crate::journal::RequestRecord {
                prompt: r.prompt.clone(),
                size: r.size.to_string(),
                seconds: r.seconds,
                variants: r.variants,
                image: r.image.as_ref().map(|p| p.display().to_string()),
            },
            None,
            provider.profile().estimate(r),
        ),
        Start::Remix { source, prompt } => (
            crate::journal::RequestRecord {
                prompt: prompt.clone(),
                size: String::new(),
                seconds: 0,
                variants: 1,
                image: None,
            },
            Some(source.clone()),
            None,
        ),
        Start::Existing { id } => (
            crate::journal::RequestRecord {
                prompt: String::new(),
                size: String::new(),
                seconds: 0,
                variants: 1,
                image: None,
            },
            Some(id.clone()),
            None,
        ),
    };
    crate::journal::Event::Intent {
        family: provider.family().label().to_string(),
        provider: provider.describe(),
        request,
        upload,
        cost_estimate,
        remix_of,
        download_dir: Some(download_dir.display().to_string()),
        renditions: variants
            .iter()
            .filter(|v| provider.variants().contains(v))
            .map(|v| v.label().to_string())
            .collect(),
    }
}

/// Wait for a download slot (saying so when all are taken), then download; when the documented
/// URL keeps answering 404 before expiry, run the diagnostics and try what they find.
async fn fetch_in_slot(
    ctx: &Ctx,
    http: &crate::http::Http,
    spec: &DownloadSpec,
    job_id: &str,
    token: &tokio_util::sync::CancellationToken,
) -> Result<download::Downloaded, DownloadError> {
    let slots = std::sync::Arc::clone(&ctx.download_slots);
    let _permit = match std::sync::Arc::clone(&slots).try_acquire_owned() {
        Ok(p) => p,
        Err(_) => {
            ctx.send(EngineEvent::DownloadQueued {
                key: spec.key.clone(),
            });
            tokio::select! {
                p = slots.acquire_owned() => p.map_err(|_| DownloadError::Cancelled)?,
                () = token.cancelled() => return Err(DownloadError::Cancelled),
            }
        }
    };
    let options = &ctx.limits.options;
    let schedule = &ctx.settings.retry_schedule;
    let first = download::download_with(http, spec, schedule, options, &ctx.events, token).await;
    let expired = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
    let Err(DownloadError::GaveUp {
        last_status: Some(404),
        ..
    }) = &first
    else {
        return first;
    };
    if expired {
        return first;
    }
    let number = u32::try_from(schedule.max_attempts() + 1).unwrap_or(u32::MAX);
    let found = download::diagnose::run(
        http,
        &spec.key,
        &spec.request,
        Some(job_id),
        number,
        &ctx.events,
    )
    .await;
    for url in found {
        // Credentials go only where they came from.
        let same_origin = url.origin() == spec.request.url.origin();
        let mut alt = spec.clone();
        alt.request = ContentRequest {
            headers: if same_origin {
                spec.request.headers.clone()
            } else {
                reqwest::header::HeaderMap::new()
            },
            url,
        };
        let once = download::RetrySchedule(Vec::new());
        if let Ok(done) =
            download::download_with(http, &alt, &once, options, &ctx.events, token).await
        {
            return Ok(done);
        }
    }
    first
}

/// A failed job, explained with what the user can do about it.
fn explain_failure(job: &Job) -> String {
    let reason = job.failure_reason.as_deref().unwrap_or("no reason given");
    let lower = reason.to_ascii_lowercase();
    let advice = if lower.contains("output_moderation") {
        "the generated video was withheld by content moderation: try a different prompt"
    } else if lower.contains("moderation") || lower.contains("blocked") || lower.contains("policy")
    {
        "the prompt or input image was refused by content moderation: rephrase it (no real people, copyrighted characters or unsafe content; no faces in reference images)"
    } else if lower.contains("internal") || lower.contains("server_error") {
        "the service failed internally: submitting again usually works"
    } else {
        "submitting again may help; if it keeps failing, check the reason with the service's documentation"
    };
    format!("job {} failed: {reason} — {advice}", job.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed_job(reason: &str) -> Job {
        Job {
            id: "task_1".into(),
            status: JobStatus::Failed,
            status_text: "failed".into(),
            progress: None,
            prompt: None,
            model: None,
            size: None,
            seconds: None,
            created_at: None,
            finished_at: None,
            expires_at: None,
            failure_reason: Some(reason.into()),
            outputs: vec![],
            remixed_from: None,
            poll_after: None,
        }
    }

    #[test]
    fn moderation_failures_say_what_to_do() {
        let text = explain_failure(&failed_job("input_moderation"));
        assert!(
            text.contains("input_moderation") && text.contains("rephrase"),
            "{text}"
        );
        let text = explain_failure(&failed_job("moderation_blocked: Your request was blocked"));
        assert!(
            text.contains("Your request was blocked") && text.contains("rephrase"),
            "{text}"
        );
        let text = explain_failure(&failed_job("output_moderation"));
        assert!(text.contains("different prompt"), "{text}");
    }

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
