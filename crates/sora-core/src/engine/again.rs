//! What a front end asks of a job a second time: download its outputs again (after a failed or
//! cancelled download: a partial file resumes), make the files its journal records known (a job
//! resumed from an earlier session), so they can be uploaded, opened or copied; and the
//! service's own job list, so jobs this program never saw can be downloaded or deleted.

use std::path::Path;

use super::job;
use super::{Ctx, DownloadKey, EngineEvent, JobKey};
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

/// The configured service's newest jobs, each filed under a key from `first_key` on (its id and
/// service remembered, so it can be downloaded or deleted by key).
pub(super) async fn list_service_jobs(ctx: &Ctx, first_key: JobKey) {
    let provider = match ctx.services.pick(None) {
        Ok(provider) => provider,
        Err(message) => {
            ctx.send(EngineEvent::ServiceJobs {
                service: "no service".into(),
                result: Err(message),
            });
            return;
        }
    };
    let result = match provider.list(super::SERVICE_JOBS_PAGE, None).await {
        Ok(page) => Ok(page
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
            .collect()),
        Err(e) => Err(e.to_string()),
    };
    ctx.send(EngineEvent::ServiceJobs {
        service: provider.describe(),
        result,
    });
}
