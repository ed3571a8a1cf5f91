//! Upload of a downloaded file to the output bucket, streamed from disk.

use std::path::Path;

use super::{Ctx, EngineEvent, JobKey};
use crate::storage::content_type_for;

/// Upload `path` to `<output bucket>/<job id>/<file name>`; returns whether it worked.
pub(super) async fn run(ctx: &Ctx, job: JobKey, path: &Path) -> bool {
    let bucket = ctx.settings.output_bucket.clone();
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "video.mp4".into());
    let folder = ctx.job_id(job).unwrap_or_else(|| "uploads".into());
    let object_path = format!("{folder}/{file_name}");
    let failed = |message: String| {
        ctx.send(EngineEvent::UploadFailed {
            job,
            path: path.to_path_buf(),
            message,
        });
        false
    };
    let Some(storage) = ctx.services.storage.clone() else {
        return failed("Supabase is not configured: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (or run with --demo)".into());
    };
    ctx.send(EngineEvent::UploadStarted {
        job,
        path: path.to_path_buf(),
        bucket: bucket.clone(),
        object_path: object_path.clone(),
    });
    let bytes = tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    let upload = storage.upload_file(&bucket, &object_path, path, content_type_for(path), true);
    let result = tokio::select! {
        r = upload => r,
        () = ctx.cancel.cancelled() => return failed("upload cancelled".into()),
    };
    match result {
        Ok(_) => {
            ctx.send(EngineEvent::UploadFinished {
                job,
                path: path.to_path_buf(),
                bucket: bucket.clone(),
                public_url: Some(storage.public_url(&bucket, &object_path)),
                object_path,
                bytes,
            });
            true
        }
        Err(e) => failed(format!(
            "upload of {} to {bucket}/{object_path} failed: {e}",
            path.display()
        )),
    }
}
