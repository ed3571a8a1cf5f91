//! One generation from prompt to files on disk (and in the bucket): create the job, poll it to a
//! terminal status, download every output, upload when asked. Each step reports events.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{Ctx, EngineEvent, JobKey};
use crate::download::{self, DownloadSpec};
use crate::engine::DownloadKey;
use crate::providers::{ContentVariant, GenerationRequest, Job, JobStatus, ProviderError};

/// Consecutive failed polls tolerated before the job is reported lost (with its id, so the
/// user can look it up: the job itself keeps running on the service).
const MAX_POLL_FAILURES: u32 = 8;
/// Longest wait between polls after errors.
const MAX_POLL_BACKOFF: Duration = Duration::from_secs(60);
/// Create requests refused with 429 are retried this many times (a 429 means nothing was created).
const MAX_CREATE_RATE_LIMITED: u32 = 4;

/// Run the whole flow; returns whether every step succeeded.
pub(super) async fn run(ctx: &Ctx, key: JobKey, request: &GenerationRequest, upload: bool) -> bool {
    let fail = |message: String| {
        ctx.send(EngineEvent::JobFailed {
            key,
            message,
            at: SystemTime::now(),
        });
        false
    };
    let Some(provider) = ctx.services.provider.clone() else {
        return fail("no video service is configured: set AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY (or run with --demo)".into());
    };
    if let Err(e) = provider.validate(request) {
        return fail(format!("not sent: {e}"));
    }
    ctx.send(EngineEvent::JobSubmitting {
        key,
        prompt: request.prompt.clone(),
        at: SystemTime::now(),
    });
    let job = match create(ctx, &provider, request).await {
        Ok(job) => job,
        Err(e) => return fail(format!("could not create the job: {e}")),
    };
    ctx.remember_job_id(key, &job.id);
    ctx.send(EngineEvent::JobCreated {
        key,
        job_id: job.id.clone(),
        at: SystemTime::now(),
    });
    let job = match poll_to_end(ctx, &provider, key, job).await {
        Ok(job) => job,
        Err(message) => return fail(message),
    };
    match job.status {
        JobStatus::Succeeded if !job.outputs.is_empty() => {}
        JobStatus::Succeeded => {
            return fail(format!(
                "job {} succeeded but listed no generations to download",
                job.id
            ));
        }
        JobStatus::Failed => return fail(explain_failure(&job)),
        _ => return fail(format!("job {} was {}", job.id, job.status_text)),
    }

    let mut ok = true;
    for output in &job.outputs {
        let mut variants = vec![ContentVariant::Video];
        if ctx.settings.thumbnails {
            variants.push(ContentVariant::Thumbnail);
        }
        for variant in variants {
            let dkey = DownloadKey {
                job: key,
                output_id: output.id.clone(),
                variant,
            };
            let saved = fetch(ctx, &provider, &job, output, dkey).await;
            match saved {
                Some(path) if variant == ContentVariant::Video && upload => {
                    ok &= super::upload::run(ctx, key, &path).await;
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
    provider: &crate::providers::Provider,
    request: &GenerationRequest,
) -> Result<Job, ProviderError> {
    let mut refused = 0;
    loop {
        match provider.create(request).await {
            // Only a 429 is safe to retry: the service refused before creating anything. Any
            // other failure may have created the job, and a second create would be paid twice.
            Err(e @ ProviderError::Api { .. })
                if e.retry_after().is_some()
                    || matches!(&e, ProviderError::Api { error, .. } if error.status == 429) =>
            {
                refused += 1;
                if refused > MAX_CREATE_RATE_LIMITED {
                    return Err(e);
                }
                let wait = e.retry_after().unwrap_or(Duration::from_secs(10));
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = ctx.cancel.cancelled() => return Err(e),
                }
            }
            other => return other,
        }
    }
}

async fn poll_to_end(
    ctx: &Ctx,
    provider: &crate::providers::Provider,
    key: JobKey,
    first: Job,
) -> Result<Job, String> {
    let mut last_status = String::new();
    let mut job = first;
    let mut failures = 0u32;
    loop {
        if job.status_text != last_status {
            last_status = job.status_text.clone();
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
        let mut wait = provider.poll_hint(ctx.settings.poll_interval);
        loop {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = ctx.cancel.cancelled() => return Err(format!("stopped watching job {} (it keeps running on the service)", job.id)),
            }
            match provider.get(&job.id).await {
                Ok(next) => {
                    failures = 0;
                    job = next;
                    break;
                }
                Err(e) if e.is_transient() && failures < MAX_POLL_FAILURES => {
                    failures += 1;
                    let backoff = ctx.settings.poll_interval * 2u32.saturating_pow(failures);
                    let jitter = Duration::from_millis(fastrand::u64(0..500));
                    wait = e
                        .retry_after()
                        .unwrap_or(backoff.min(MAX_POLL_BACKOFF) + jitter);
                    tracing::warn!(job = %job.id, error = %e, "poll failed, retrying");
                }
                Err(e) => {
                    return Err(format!("lost track of job {}: {e}", job.id));
                }
            }
        }
    }
}

/// Fetch one rendition; `Some(path)` when it is on disk.
async fn fetch(
    ctx: &Ctx,
    provider: &crate::providers::Provider,
    job: &Job,
    output: &crate::providers::Output,
    key: DownloadKey,
) -> Option<PathBuf> {
    let failed = |message: String| {
        ctx.send(EngineEvent::DownloadFailed {
            key: key.clone(),
            message,
        });
        None
    };
    let request = match provider.content_request(output, key.variant) {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let http = match &ctx.http {
        Ok(h) => h,
        Err(e) => return failed(e.clone()),
    };
    let file_name = format!(
        "{}.{}",
        safe_file_stem(&output.id),
        key.variant.file_extension()
    );
    let spec = DownloadSpec {
        key: key.clone(),
        request,
        target: ctx.settings.download_dir.join(file_name),
        expires_at: job.expires_at,
    };
    match download::download(
        http,
        &spec,
        &ctx.settings.retry_schedule,
        &ctx.events,
        &ctx.cancel,
    )
    .await
    {
        Ok(done) => {
            ctx.send(EngineEvent::DownloadFinished {
                key,
                path: done.path.clone(),
                bytes: done.bytes,
            });
            Some(done.path)
        }
        Err(e) => failed(e.to_string()),
    }
}

/// An id as a file name: only characters safe on every filesystem.
fn safe_file_stem(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if s.is_empty() { "output".into() } else { s }
}

/// A failed job, explained with what the user can do about it.
fn explain_failure(job: &Job) -> String {
    let reason = job.failure_reason.as_deref().unwrap_or("no reason given");
    let advice = match reason {
        "input_moderation" => {
            "the prompt or input image was refused by content moderation: rephrase it (no real people, copyrighted characters or unsafe content)"
        }
        "output_moderation" => {
            "the generated video was withheld by content moderation: try a different prompt"
        }
        "internal_error" => "the service failed internally: submitting again usually works",
        _ => "see the reason above; submitting again may help",
    };
    format!("job {} failed: {reason} — {advice}", job.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe() {
        assert_eq!(safe_file_stem("gen_01abc"), "gen_01abc");
        assert_eq!(safe_file_stem("../../etc/passwd"), "______etc_passwd");
        assert_eq!(safe_file_stem(""), "output");
    }

    #[test]
    fn moderation_failures_say_what_to_do() {
        let job = Job {
            id: "task_1".into(),
            status: JobStatus::Failed,
            status_text: "failed".into(),
            progress: None,
            created_at: None,
            finished_at: None,
            expires_at: None,
            failure_reason: Some("input_moderation".into()),
            outputs: vec![],
        };
        let text = explain_failure(&job);
        assert!(
            text.contains("input_moderation") && text.contains("rephrase"),
            "{text}"
        );
    }
}
