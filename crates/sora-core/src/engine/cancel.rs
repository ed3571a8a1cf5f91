//! Cancelling and deleting a job of this session on the service it runs on.

use super::{Ctx, EngineEvent, JobKey};

/// Cancel (when running) and delete the job filed under `key`, on its own service. The job's
/// poll then sees it cancelled or gone and ends it; nothing is created.
pub(super) async fn delete_job(ctx: &Ctx, key: JobKey) {
    let (Some(id), Some(provider)) = (ctx.job_id(key), ctx.job_provider(key)) else {
        ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: "not created on the service yet: nothing to cancel (it is sent once; wait for its id)".into(),
        });
        return;
    };
    match provider.delete(&id).await {
        Ok(()) => ctx.send(EngineEvent::Info(format!(
            "{key}: {id} cancelled and deleted on {}",
            provider.describe()
        ))),
        Err(e) => ctx.send(EngineEvent::Warning {
            key: Some(key),
            message: format!("{id} could not be cancelled or deleted: {e}"),
        }),
    }
}
