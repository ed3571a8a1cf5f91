//! One job from start to files on disk (and in the bucket): create it (or remix, or pick up an
//! existing one), poll it to a terminal status, download every output, upload when asked.
//!
//! `run` is the sequence; each step is a module: `intent` (journaled before anything is sent),
//! `create` (the first answer), `poll`, and `fetch` (downloads and uploads).

mod create;
mod fetch;
mod intent;
mod poll;

use std::time::SystemTime;

use super::{Ctx, EngineEvent, JobKey};
use crate::download;
use crate::journal::{Event as JournalEvent, JobState};
use crate::providers::{ContentVariant, GenerationRequest, Job, JobStatus, Provider};

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
        /// CDN URLs of its outputs from the journal (Runway, fal): used when the service no
        /// longer answers for the job (fal keeps a result about an hour).
        known_outputs: Vec<String>,
    },
}

/// Why a run stopped before every file was there.
pub(super) enum JobEnd {
    /// The job failed, was refused, or is gone from the service: reported, and closed in the
    /// journal.
    Failed(String),
    /// This run stopped, but the job may live on (or may have been created): reported, and
    /// left open in the journal, so the next start picks it up instead of forgetting a paid job.
    Detached(String),
}

/// Run the whole flow; returns whether every step succeeded.
pub(super) async fn run(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    start: Start,
    variants: &[ContentVariant],
    upload: bool,
) -> bool {
    ctx.remember_provider(key, provider);
    let end = match run_to_files(ctx, key, provider, &start, variants, upload).await {
        Ok(ok) => return ok,
        Err(end) => end,
    };
    let message = match end {
        JobEnd::Failed(message) => message,
        JobEnd::Detached(message) => {
            ctx.set_journal_id(key, None);
            message
        }
    };
    ctx.send(EngineEvent::JobFailed {
        key,
        message,
        at: SystemTime::now(),
    });
    false
}

async fn run_to_files(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    start: &Start,
    variants: &[ContentVariant],
    upload: bool,
) -> Result<bool, JobEnd> {
    check_download_dir(ctx, key, start).await?;
    let prompt = match start {
        Start::New(request) => {
            provider
                .validate(request)
                .map_err(|e| JobEnd::Failed(format!("not sent: {e}")))?;
            request.prompt.clone()
        }
        Start::Remix { prompt, .. } => prompt.clone(),
        Start::Existing { .. } => String::new(),
    };
    intent::record(ctx, key, provider, start, upload, variants)?;
    // Only a create is a submit; picking up an existing job sends nothing new.
    if !matches!(start, Start::Existing { .. }) {
        ctx.send(EngineEvent::JobSubmitting {
            key,
            prompt,
            at: SystemTime::now(),
        });
    }
    ctx.send(EngineEvent::JobService {
        key,
        service: provider.describe(),
        estimate: match start {
            Start::New(request) => provider.estimate_text(request),
            _ => None,
        },
    });
    let image_url = create::image_url(ctx, key, provider, start).await?;
    let job = create::first_answer(ctx, key, provider, start, image_url.as_deref()).await?;
    ctx.remember_job_id(key, &job.id);
    ctx.send(EngineEvent::JobCreated {
        key,
        job_id: job.id.clone(),
        at: SystemTime::now(),
    });
    // The reference image goes to the input bucket while the job renders: filed under the
    // job id, so what the video was made from stays next to it.
    // (An image sent by URL is in the bucket already.)
    let image = match start {
        Start::New(request) if image_url.is_none() => request.image.as_deref(),
        _ => None,
    };
    let store_image = async {
        if let Some(image) = image {
            super::upload::input_image(ctx, key, image).await;
        }
    };
    let (polled, ()) = tokio::join!(poll::poll_to_end(ctx, provider, key, job), store_image);
    let job = polled?;
    record_succeeded(ctx, key, &job);
    check_outcome(&job)?;
    Ok(fetch::all(ctx, key, provider, &job, variants, upload).await)
}

/// Download a job's outputs again (asked by a front end after a failed or cancelled download):
/// the job as its service describes it now, checked, then every rendition fetched; one already
/// on disk (and journaled) is reported, a partial resumes. `Err` says why nothing was fetched.
pub(super) async fn refetch(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    id: &str,
    variants: &[ContentVariant],
) -> Result<bool, String> {
    let job = provider.get(id).await.map_err(|e| e.to_string())?;
    match check_outcome(&job) {
        Ok(()) => Ok(fetch::all(ctx, key, provider, &job, variants, false).await),
        Err(JobEnd::Failed(message) | JobEnd::Detached(message)) => Err(message),
    }
}

/// Where the files go is checked before anything is paid for (and before a resume polls).
async fn check_download_dir(ctx: &Ctx, key: JobKey, start: &Start) -> Result<(), JobEnd> {
    let Err(e) = download::files::check_dir_async(&ctx.download_dir(key)).await else {
        return Ok(());
    };
    Err(match start {
        Start::Existing { id, .. } if ctx.journal_id(key).is_some() => JobEnd::Detached(format!(
            "cannot download {id} yet: {e}. It stays in the journal for the next `sora-tui resume`"
        )),
        Start::Existing { id, .. } => JobEnd::Failed(format!("cannot download {id}: {e}")),
        _ => JobEnd::Failed(format!("not sent: {e}")),
    })
}

/// A succeeded job's outputs go into the journal: what resume needs to know is still to
/// download.
fn record_succeeded(ctx: &Ctx, key: JobKey, job: &Job) {
    if job.status != JobStatus::Succeeded {
        return;
    }
    let Some(id) = ctx.journal_id(key) else {
        return;
    };
    ctx.record(
        &id,
        JournalEvent::Status {
            status: job.status_text.clone(),
            state: JobState::Succeeded,
            expires_at: job
                .expires_at
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs()),
            outputs: job.outputs.iter().map(|o| o.id.clone()).collect(),
            output_urls: job.outputs.iter().filter_map(|o| o.url.clone()).collect(),
        },
    );
}

/// Only a succeeded job with outputs has anything to download.
fn check_outcome(job: &Job) -> Result<(), JobEnd> {
    match job.status {
        JobStatus::Succeeded if !job.outputs.is_empty() => Ok(()),
        JobStatus::Succeeded => Err(JobEnd::Failed(format!(
            "job {} succeeded but listed nothing to download",
            job.id
        ))),
        JobStatus::Failed => Err(JobEnd::Failed(job.explain_failure())),
        _ => Err(JobEnd::Failed(format!(
            "job {} was {}",
            job.id, job.status_text
        ))),
    }
}
