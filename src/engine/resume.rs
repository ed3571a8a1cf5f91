//! Picking a journaled job up where it stopped. A job whose create request may or may not have
//! reached the service is reconciled by listing the service's jobs — never by sending again.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::generate::{self, Start};
use super::{Ctx, EngineEvent, JobKey};
use crate::journal::{JobRecord, NextStep};
use crate::providers::{ContentVariant, Job, Provider};

/// How far apart the recorded intent and the service's `created_at` may be for a listed job
/// to be taken as the one this process sent (clock skew and queueing included).
const RECONCILE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// Pages of the job list searched when reconciling.
const RECONCILE_PAGES: usize = 4;
/// Content expiring sooner than this is called out when a download resumes.
const EXPIRY_WARNING: Duration = Duration::from_secs(2 * 3600);

pub(super) async fn run(ctx: &Ctx, key: JobKey, journal_id: &str) -> bool {
    let Some(record) = ctx.journal.as_ref().and_then(|j| j.record(journal_id)) else {
        ctx.send(EngineEvent::JobFailed {
            key,
            message: format!("no journal entry {journal_id} to resume"),
            at: SystemTime::now(),
        });
        return false;
    };
    ctx.send(EngineEvent::JobSubmitting {
        key,
        prompt: record.request.prompt.clone(),
        at: SystemTime::now(),
    });
    ctx.set_journal_id(key, Some(record.id.clone()));
    if let Some(dir) = &record.download_dir {
        ctx.set_download_dir(key, dir.into());
    }
    let Some(provider) = ctx.services.provider.clone() else {
        ctx.send(EngineEvent::JobFailed {
            key,
            message: "cannot resume: no video service is configured".into(),
            at: SystemTime::now(),
        });
        return false;
    };
    let variants = resume_variants(ctx);
    match record.next_step() {
        NextStep::Done => true,
        NextStep::Reconcile => match reconcile(&provider, &record).await {
            Ok(Some(job)) => {
                tracing::info!(journal = %record.id, job = %job.id, "reconciled an uncertain create");
                generate::run(
                    ctx,
                    key,
                    Start::Existing { id: job.id },
                    &variants,
                    record.upload,
                )
                .await
            }
            Ok(None) => {
                ctx.send(EngineEvent::JobFailed {
                    key,
                    message: format!(
                        "the create request for \"{}\" never reached {}: no such job in its list, so nothing was created or charged. Re-run it from the history.",
                        record.request.prompt,
                        provider.describe()
                    ),
                    at: SystemTime::now(),
                });
                false
            }
            Err(e) => {
                // Not recorded as failed: the next start tries again.
                let _ = ctx.events.send(EngineEvent::JobFailed {
                    key,
                    message: format!("cannot reconcile yet (will try again next start): {e}"),
                    at: SystemTime::now(),
                });
                false
            }
        },
        NextStep::Poll | NextStep::Download => {
            warn_if_expiring(ctx, key, &record);
            let Some(id) = record.job_id.clone() else {
                return false;
            };
            generate::run(ctx, key, Start::Existing { id }, &variants, record.upload).await
        }
        NextStep::Upload(paths) => {
            if let Some(id) = &record.job_id {
                ctx.remember_job_id(key, id);
                let _ = ctx.events.send(EngineEvent::JobCreated {
                    key,
                    job_id: id.clone(),
                    at: SystemTime::now(),
                });
            }
            let mut ok = true;
            for path in paths {
                if !Path::new(&path).exists() {
                    ctx.send(EngineEvent::Warning {
                        key: Some(key),
                        message: format!("{path} is gone from disk: it cannot be uploaded"),
                    });
                    ok = false;
                    continue;
                }
                ok &= super::upload::run(ctx, key, Path::new(&path)).await;
            }
            ok
        }
    }
}

fn resume_variants(ctx: &Ctx) -> Vec<ContentVariant> {
    let mut v = vec![ContentVariant::Video];
    if ctx.settings.thumbnails {
        v.push(ContentVariant::Thumbnail);
    }
    v
}

fn warn_if_expiring(ctx: &Ctx, key: JobKey, record: &JobRecord) {
    let Some(expires) = record
        .expires_at
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
    else {
        return;
    };
    match expires.duration_since(SystemTime::now()) {
        Ok(left) if left < EXPIRY_WARNING => ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: format!(
                "{}: the service deletes this content in {} min: downloading now",
                record.job_id.as_deref().unwrap_or("job"),
                left.as_secs() / 60
            ),
        }),
        Ok(_) => {}
        Err(_) => ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: format!(
                "{}: the content has probably expired already; trying anyway",
                record.job_id.as_deref().unwrap_or("job")
            ),
        }),
    }
}

/// Find the job an interrupted create may have made: same prompt, created close to when the
/// intent was recorded, and (where the service echoes them) the same size and length.
async fn reconcile(provider: &Provider, record: &JobRecord) -> Result<Option<Job>, String> {
    let intent_at = UNIX_EPOCH + Duration::from_millis(record.started_at);
    let mut after: Option<String> = None;
    for _ in 0..RECONCILE_PAGES {
        let page = provider
            .list(50, after.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        if let Some(job) = page.jobs.iter().find(|j| matches(j, record, intent_at)) {
            return Ok(Some(job.clone()));
        }
        // Newest first: once a page ends before the intent, older pages cannot match.
        let oldest = page.jobs.iter().filter_map(|j| j.created_at).min();
        if !page.has_more || oldest.is_some_and(|t| t + RECONCILE_WINDOW < intent_at) {
            return Ok(None);
        }
        after = page.last_id.clone();
    }
    Ok(None)
}

pub fn matches(job: &Job, record: &JobRecord, intent_at: SystemTime) -> bool {
    let prompt_ok = job
        .prompt
        .as_deref()
        .is_some_and(|p| p == record.request.prompt);
    let time_ok = job.created_at.is_none_or(|t| {
        let gap = t
            .duration_since(intent_at)
            .or_else(|e| Ok::<_, ()>(e.duration()))
            .unwrap_or_default();
        gap <= RECONCILE_WINDOW
    });
    let size_ok = job
        .size
        .is_none_or(|s| record.request.size.is_empty() || s.to_string() == record.request.size);
    let seconds_ok = job
        .seconds
        .is_none_or(|s| record.request.seconds == 0 || s == record.request.seconds);
    prompt_ok && time_ok && size_ok && seconds_ok
}
