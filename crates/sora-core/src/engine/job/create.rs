//! The first answer about a job: create it (retrying only a 429, which created nothing), start a
//! remix, or look up an existing one. A failure says whether the job may exist anyway.

use std::time::Duration;

use super::{JobEnd, Start};
use crate::download::capped_retry_after;
use crate::engine::{Ctx, EngineEvent, JobKey, Retry, RetryStep};
use crate::providers::{
    GenerationRequest, ImageRoute, Job, JobStatus, Output, Provider, ProviderError,
};

/// Create requests refused with 429 are retried this many times (a 429 means nothing was created).
const MAX_CREATE_RATE_LIMITED: u32 = 4;
/// A rate-limited create waits at most this long for its next try.
const MAX_CREATE_WAIT: Duration = Duration::from_secs(15 * 60);

/// A rate-limited create without `Retry-After` waits this long.
const DEFAULT_CREATE_WAIT: Duration = Duration::from_secs(10);

/// The job as the service first describes it, or how this run ends: failed when the service
/// refused, detached when the job may exist (or, when picked up, lives on) regardless.
pub(super) async fn first_answer(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    start: &Start,
    image_url: Option<&str>,
) -> Result<Job, JobEnd> {
    let answer = match start {
        Start::New(request) => create(ctx, key, provider, request, image_url).await,
        Start::Remix { source, prompt } => provider.remix(source, prompt).await,
        Start::Existing { id, known_outputs } => match provider.get(id).await {
            Err(e) if e.is_gone() && !known_outputs.is_empty() => {
                tracing::info!(job = %id, "the service forgot the job; downloading its journaled outputs");
                Ok(known_job(id, known_outputs))
            }
            answer => answer,
        },
    };
    answer.map_err(|e| match classify(ctx, start, &e) {
        // A Sora service that refuses as a missing deployment is most likely retired: say when.
        JobEnd::Failed(message) if refused_as_retired(&e) => match provider.family().retirement() {
            Some(retired) => JobEnd::Failed(format!("{message}. {}", retired.notice())),
            None => JobEnd::Failed(message),
        },
        end => end,
    })
}

/// Where a Runway or fal image too large to go inline can be fetched from: stored in the input
/// bucket first. None when the image goes inline (or there is none). Nothing is sent on error.
pub(super) async fn image_url(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    start: &Start,
) -> Result<Option<String>, JobEnd> {
    let Start::New(request) = start else {
        return Ok(None);
    };
    let (Some(path), route) = (&request.image, provider.image_route(request).await) else {
        return Ok(None);
    };
    match route {
        Err(e) => Err(JobEnd::Failed(format!("not sent: {e}"))),
        Ok(ImageRoute::ByUrl) => super::super::upload::input_image_url(ctx, key, path)
            .await
            .map(Some)
            .map_err(|e| JobEnd::Failed(format!("not sent: {e}"))),
        Ok(_) => Ok(None),
    }
}

/// The refusal a retired model or deployment gives: unknown deployment, 404 or 410 Gone.
fn refused_as_retired(e: &ProviderError) -> bool {
    e.api_error()
        .is_some_and(|a| a.looks_like_missing_deployment() || a.status == 410 || a.status == 404)
}

/// What a failed first request means for the job.
fn classify(ctx: &Ctx, start: &Start, e: &ProviderError) -> JobEnd {
    let what = match start {
        Start::New(_) => "could not create the job",
        Start::Remix { .. } => "could not start the remix",
        Start::Existing { .. } => "could not look up the job",
    };
    let existing = matches!(start, Start::Existing { .. });
    if !existing && e.may_have_created() {
        // The request may have reached the service: keep the intent open (not failed) so the
        // next start looks for the job instead of sending it again.
        let reconcile = if ctx.journal.is_some() {
            " It may have been created anyway: the next start looks it up in the service's job list (it is never sent twice)."
        } else {
            " It may have been created anyway: check `sora-tui jobs` before sending it again."
        };
        return JobEnd::Detached(format!("{what}: {e}.{reconcile}"));
    }
    if existing && !e.is_gone() {
        // Offline, a rotated key, a busy service: the job itself is untouched.
        return JobEnd::Detached(format!(
            "{what}: {e}. It stays in the journal for the next `resume`."
        ));
    }
    JobEnd::Failed(format!("{what}: {e}"))
}

/// Send the create, retrying only what is safe to retry: a 429 (nothing was created).
async fn create(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    request: &GenerationRequest,
    image_url: Option<&str>,
) -> Result<Job, ProviderError> {
    let mut refused = 0;
    loop {
        match provider.create_with(request, image_url).await {
            // Only a 429 is safe to retry: the service refused before creating anything. Any
            // other failure may have created the job, and a second create would be paid twice.
            Err(e) if e.is_rate_limited() => {
                refused += 1;
                if refused > MAX_CREATE_RATE_LIMITED {
                    return Err(e);
                }
                let wait = match capped_retry_after(e.retry_after(), MAX_CREATE_WAIT) {
                    Ok(asked) => asked.unwrap_or(DEFAULT_CREATE_WAIT),
                    // Not sent; waiting a day in silence would look like a hang.
                    Err(_) => return Err(e),
                };
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

/// A finished job the service no longer answers for, from the output URLs the journal kept.
fn known_job(id: &str, urls: &[String]) -> Job {
    Job {
        id: id.to_string(),
        status: JobStatus::Succeeded,
        status_text: "COMPLETED (from the journal)".into(),
        progress: None,
        prompt: None,
        model: None,
        size: None,
        seconds: None,
        created_at: None,
        finished_at: None,
        expires_at: None,
        failure_reason: None,
        outputs: urls
            .iter()
            .enumerate()
            .map(|(index, url)| Output::on_cdn(id, index, url.clone()))
            .collect(),
        remixed_from: None,
        poll_after: None,
        notes: Vec::new(),
        failure_explained: false,
    }
}
