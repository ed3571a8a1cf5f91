//! What a front end asks of a job a second time: download its outputs again (after a failed or
//! cancelled download: a partial file resumes), make the files its journal records known (a job
//! resumed from an earlier session), so they can be uploaded, opened or copied; take up a job
//! known only from the journal (the History page) to download or upload it; and the
//! service's own job list, page by page, so jobs this program never saw can be downloaded or
//! deleted.

use std::path::Path;
use std::time::SystemTime;

use super::job;
use super::{Ctx, DownloadKey, EngineEvent, JobKey, ServiceJobsPage, TakeUpThen, Via};
use crate::journal::JobRecord;
use crate::providers::ContentVariant;

/// Fetch every wanted rendition of the job filed under `key` that is not on disk, from the
/// service it runs on; whether every video arrived.
pub(super) async fn retry_download(ctx: &Ctx, key: JobKey, variants: &[ContentVariant]) -> bool {
    let (Some(id), Some(provider)) = (ctx.job_id(key), ctx.job_provider(key)) else {
        ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: "not created on the service yet: there is nothing to download".into(),
        });
        return false;
    };
    match job::refetch(ctx, key, &provider, &id, variants).await {
        Ok(ok) => ok,
        Err(message) => {
            ctx.send(EngineEvent::Warning {
                key: Some(key),
                message: format!("{id} cannot be downloaded: {message}"),
            });
            false
        }
    }
}

/// Report the files `record` says were downloaded and are still on disk, as downloads of this
/// job (not journaled again): a front end then knows them, as if this run had fetched them.
pub(super) fn announce_recorded_files(ctx: &Ctx, key: JobKey, record: &JobRecord) {
    for done in &record.downloads {
        let Some(variant) = ContentVariant::parse(&done.variant) else {
            continue;
        };
        let on_disk = std::fs::metadata(&done.path).is_ok_and(|m| m.len() == done.bytes);
        if !on_disk {
            continue;
        }
        let _ = ctx.events.send(EngineEvent::DownloadFinished {
            key: DownloadKey {
                job: key,
                output_id: done.output_id.clone(),
                variant,
            },
            path: Path::new(&done.path).to_path_buf(),
            bytes: done.bytes,
        });
    }
}

/// One page of a service's jobs (`via`, else the configured default), newest first, from the
/// cursor `after`; each filed under a key from `first_key` on (its id and service remembered,
/// so it can be downloaded or deleted by key).
pub(super) async fn list_service_jobs(
    ctx: &Ctx,
    first_key: JobKey,
    via: Option<&Via>,
    after: Option<&str>,
) {
    let provider = match ctx.services.pick(via) {
        Ok(provider) => provider,
        Err(message) => {
            ctx.send(EngineEvent::ServiceJobs {
                service: "no service".into(),
                result: Err(message),
            });
            return;
        }
    };
    let result = match provider.list(super::SERVICE_JOBS_PAGE, after).await {
        Ok(page) => {
            // A page that says more follow but names no cursor cannot be followed: asking
            // without one would only give the first page again.
            let next = page.last_id.clone().filter(|_| page.has_more);
            let jobs = page
                .jobs
                .into_iter()
                .take(super::SERVICE_JOBS_PAGE as usize)
                .zip(first_key.0..)
                .map(|(job, n)| {
                    let key = JobKey(n);
                    ctx.remember_job_id(key, &job.id);
                    ctx.remember_provider(key, &provider);
                    (key, job)
                })
                .collect();
            Ok(ServiceJobsPage {
                jobs,
                has_more: page.has_more,
                next,
            })
        }
        Err(e) => Err(e.to_string()),
    };
    ctx.send(EngineEvent::ServiceJobs {
        service: provider.describe(),
        result,
    });
}

/// File the journaled job `journal_id` under `key` (its journal entry, download folder, id and
/// service, as a resume does; the front end hears of its id, service and files on disk), then
/// download it again or upload its videos; whether that worked.
pub(super) async fn take_up(ctx: &Ctx, key: JobKey, journal_id: &str, then: TakeUpThen) -> bool {
    let missing = format!("no journal entry {journal_id}: it was removed from the history");
    // What is fetched or stored now is recorded in the same entry, so the history shows it.
    let Some(record) = super::resume::file_record(ctx, key, journal_id, missing) else {
        return false;
    };
    let Some(id) = record.job_id.clone() else {
        refuse_unrecorded(
            ctx,
            key,
            "it was never created on the service (no id): nothing to download or upload".into(),
        );
        return false;
    };
    ctx.remember_job_id(key, &id);
    // Not journaled again: the entry records the create already.
    let _ = ctx.events.send(EngineEvent::JobCreated {
        key,
        job_id: id.clone(),
        at: SystemTime::now(),
    });
    match super::resume::provider_for(ctx, &record) {
        Ok(provider) => {
            ctx.remember_provider(key, &provider);
            ctx.send(EngineEvent::JobService {
                key,
                service: provider.describe(),
                estimate: None,
            });
        }
        // An upload needs only the bucket; a download needs the service.
        Err(message) if then == TakeUpThen::Download => {
            refuse_unrecorded(ctx, key, format!("{id} cannot be downloaded: {message}"));
            return false;
        }
        Err(_) => {}
    }
    announce_recorded_files(ctx, key, &record);
    match then {
        TakeUpThen::Download => {
            let variants = super::resume::resume_variants(ctx, &record);
            retry_download(ctx, key, &variants).await
        }
        TakeUpThen::Upload => upload_recorded_videos(ctx, key, &record).await,
    }
}

/// The taken-up row fails with `message`, and the journal does not hear of it: the entry's job
/// succeeded on its service; only this attempt to act on it here cannot go on (a service not
/// configured in this run), and the History must not turn it into a failed job.
fn refuse_unrecorded(ctx: &Ctx, key: JobKey, message: String) {
    let _ = ctx.events.send(EngineEvent::JobFailed {
        key,
        message,
        at: SystemTime::now(),
    });
}

/// Upload each video `record` says was downloaded and not stored; one gone from disk (or cut
/// short) is said, not sent.
async fn upload_recorded_videos(ctx: &Ctx, key: JobKey, record: &JobRecord) -> bool {
    let pending: Vec<_> = record
        .downloads
        .iter()
        .filter(|d| d.variant == ContentVariant::Video.label())
        .filter(|d| !record.uploads.iter().any(|u| u.path == d.path))
        .collect();
    if pending.is_empty() {
        ctx.send(EngineEvent::Info(format!(
            "{key}: every downloaded video is in the bucket already (or none was downloaded)"
        )));
        return true;
    }
    let mut ok = true;
    for done in pending {
        let whole = std::fs::metadata(&done.path).is_ok_and(|m| m.len() == done.bytes);
        if !whole {
            ctx.send(EngineEvent::Warning {
                key: Some(key),
                message: format!(
                    "{} is gone from disk (or changed): it cannot be uploaded; d downloads it again",
                    done.path
                ),
            });
            ok = false;
            continue;
        }
        ok &= super::upload::run(ctx, key, Path::new(&done.path)).await;
    }
    ok
}
