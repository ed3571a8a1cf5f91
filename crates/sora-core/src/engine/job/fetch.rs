//! Every wanted rendition of every output to disk, one download slot each, and the upload of
//! each video when asked. A URL that keeps answering 404 before expiry gets the diagnostics.

use std::path::PathBuf;
use std::time::SystemTime;

use crate::download::{self, DownloadError, DownloadSpec, Expect};
use crate::engine::{Ctx, DownloadKey, EngineEvent, JobKey};
use crate::providers::{ContentRequest, ContentVariant, Job, Output, Provider};

/// Download what was asked of a finished job (uploading each video when `upload`); whether
/// every video arrived (and was stored).
pub(super) async fn all(
    ctx: &Ctx,
    key: JobKey,
    provider: &Provider,
    job: &Job,
    variants: &[ContentVariant],
    upload: bool,
) -> bool {
    let mut ok = true;
    for output in &job.outputs {
        for &variant in variants.iter().filter(|v| provider.variants().contains(v)) {
            let dkey = DownloadKey {
                job: key,
                output_id: output.id.clone(),
                variant,
            };
            match fetch(ctx, provider, job, output, dkey).await {
                // A video the journal records as stored (a resume) is not sent again.
                Some(path) if variant == ContentVariant::Video && upload => {
                    ok &= ctx.recorded_upload(key, &path)
                        || crate::engine::upload::run(ctx, key, &path).await;
                }
                Some(_) => {}
                // A missing thumbnail is a pity, a missing video is a failure.
                None => ok &= variant != ContentVariant::Video,
            }
        }
    }
    ok
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
    let mut spec = DownloadSpec {
        request,
        target: ctx.download_dir(key.job).join(file_name),
        expect: Expect::Media(key.variant),
        expires_at: job.expires_at,
    };
    let token = ctx.cancel.child_token();
    if let Ok(mut map) = ctx.downloads.lock() {
        map.insert(key.clone(), token.clone());
    }
    let mut result = fetch_in_slot(ctx, http, &key, &spec, &job.id, &token).await;
    if signed_url_refused(&result, output)
        && let Some(fresh) = fresh_request(provider, &job.id, output, key.variant).await
    {
        // Runway's signed URLs last 24–48 h: getting the task again signs them anew.
        ctx.send(EngineEvent::Warning {
            key: Some(key.job),
            message: format!(
                "{}: the signed output URL was refused (expired?); got a fresh one from the service and trying again",
                job.id
            ),
        });
        spec.request = fresh;
        result = fetch_in_slot(ctx, http, &key, &spec, &job.id, &token).await;
    }
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

/// Wait for a download slot (saying so when all are taken), then download; when the documented
/// URL keeps answering 404 before expiry, run the diagnostics and try what they find.
async fn fetch_in_slot(
    ctx: &Ctx,
    http: &crate::http::Http,
    key: &DownloadKey,
    spec: &DownloadSpec,
    job_id: &str,
    token: &tokio_util::sync::CancellationToken,
) -> Result<download::Downloaded, DownloadError> {
    let slots = std::sync::Arc::clone(&ctx.download_slots);
    let _permit = match std::sync::Arc::clone(&slots).try_acquire_owned() {
        Ok(p) => p,
        Err(_) => {
            ctx.send(EngineEvent::DownloadQueued { key: key.clone() });
            tokio::select! {
                p = slots.acquire_owned() => p.map_err(|_| DownloadError::Cancelled)?,
                () = token.cancelled() => return Err(DownloadError::Cancelled),
            }
        }
    };
    let options = &ctx.limits.options;
    let schedule = &ctx.settings.retry_schedule;
    // The download reports in its own words; the engine files each report under the key.
    let report = |report| {
        ctx.send(EngineEvent::Download {
            key: key.clone(),
            report,
        })
    };
    let first = download::download(http, spec, schedule, options, &report, token).await;
    let expired = spec.expires_at.is_some_and(|t| SystemTime::now() >= t);
    let Err(DownloadError::GaveUp {
        last_status: Some(404),
        ..
    }) = &first
    else {
        return first;
    };
    // A signed CDN URL has no neighbours to diagnose: its refusal is handled by re-signing.
    if expired || spec.request.headers.is_empty() {
        return first;
    }
    let number = u32::try_from(schedule.max_attempts() + 1).unwrap_or(u32::MAX);
    let found = download::diagnose::run(http, &spec.request, Some(job_id), number, &report).await;
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
        if let Ok(done) = download::download(http, &alt, &once, options, &report, token).await {
            return Ok(done);
        }
    }
    first
}

/// A CDN output whose URL the CDN refused: worth asking the service for a fresh URL.
fn signed_url_refused(
    result: &Result<download::Downloaded, DownloadError>,
    output: &Output,
) -> bool {
    output.url.is_some()
        && matches!(
            result,
            Err(DownloadError::GaveUp {
                last_status: Some(401 | 403 | 404 | 410),
                ..
            })
        )
}

/// The same output, as the service describes it now (with a newly signed URL).
async fn fresh_request(
    provider: &Provider,
    job_id: &str,
    output: &Output,
    variant: ContentVariant,
) -> Option<ContentRequest> {
    let job = provider.get(job_id).await.ok()?;
    let fresh = job.outputs.iter().find(|o| o.index == output.index)?;
    if fresh.url == output.url {
        return None;
    }
    provider.content_request(fresh, variant).await.ok()
}
