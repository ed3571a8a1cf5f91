//! Uploads, streamed from disk through [`StorageClient::upload`](crate::storage::StorageClient::upload)
//! (plain `POST`, or the resumable TUS endpoint above `supabase.resumable_threshold_mib`):
//! downloaded videos to the output bucket, reference images to the input bucket.

use std::path::Path;

use super::{Ctx, EngineEvent, JobKey};
use crate::download::Throttle;
use crate::storage::{StorageClient, StorageError, content_type_for};

/// Upload progress goes to the front end at most this often.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Upload `path` to `<output bucket>/<job id>/<file name>`; returns whether it worked.
pub(super) async fn run(ctx: &Ctx, job: JobKey, path: &Path) -> bool {
    let bucket = ctx.settings.output_bucket.clone();
    let object_path = object_path(ctx, job, path, "video.mp4");
    let failed = |message: String| {
        ctx.send(EngineEvent::UploadFailed {
            job,
            path: path.to_path_buf(),
            message,
        });
        false
    };
    let Some(storage) = ctx.services.storage.clone() else {
        return failed(super::NO_STORAGE.into());
    };
    if let Some(bytes) = already_stored(&storage, path, &bucket, &object_path).await {
        // A run killed after the upload finished but before it was recorded: nothing to send.
        ctx.send(EngineEvent::Info(format!(
            "{bucket}/{object_path} already holds {} (same size{}): not sent again",
            path.display(),
            if bytes.1 { " and MD5" } else { "" }
        )));
        ctx.send(EngineEvent::UploadFinished {
            job,
            path: path.to_path_buf(),
            bucket: bucket.clone(),
            public_url: storage.shareable_url(&bucket, &object_path).await,
            object_path,
            bytes: bytes.0,
        });
        return true;
    }
    match store(ctx, &storage, job, path, &bucket, &object_path).await {
        Ok(()) => true,
        Err(UploadError::Cancelled) => failed(format!(
            "upload of {} cancelled; the file stays on disk and can be uploaded again",
            path.display()
        )),
        Err(e) => failed(format!(
            "upload of {} to {bucket}/{object_path} failed: {e}",
            path.display()
        )),
    }
}

/// Store a job's reference image at `<input bucket>/<job id>/<file name>`. Only a warning when
/// it fails: the job does not need the stored copy, the service already has the image.
/// Without storage configured there is nothing to do.
pub(super) async fn input_image(ctx: &Ctx, job: JobKey, image: &Path) {
    let Some(storage) = ctx.services.storage.clone() else {
        tracing::debug!("no storage configured: the input image is not stored");
        return;
    };
    let bucket = ctx.settings.input_bucket.clone();
    let object_path = object_path(ctx, job, image, "input-image");
    if let Err(e) = store(ctx, &storage, job, image, &bucket, &object_path).await {
        ctx.send(EngineEvent::Warning {
            key: Some(job),
            message: format!(
                "the input image {} was not stored in {bucket}/{object_path}: {e} (the job goes on)",
                image.display()
            ),
        });
    }
}

/// How long the URL of an image stored for a service to fetch stays valid: long enough for a
/// task that waits behind the account's concurrency.
const IMAGE_URL_VALID_SECS: u64 = 24 * 60 * 60;

/// Store an image too large to send inline at `<input bucket>/uploads/<journal id>/<name>` and
/// give a signed URL the service can fetch it from (the bucket may be private). The error says
/// what to do; nothing has been sent to the service yet.
pub(super) async fn input_image_url(
    ctx: &Ctx,
    job: JobKey,
    image: &Path,
) -> Result<String, String> {
    let Some(storage) = ctx.services.storage.clone() else {
        return Err(format!(
            "image {} is too large to send inline, and sending it by URL needs Supabase Storage: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (it goes to the {} bucket), or use a smaller image",
            image.display(),
            ctx.settings.input_bucket
        ));
    };
    let bucket = ctx.settings.input_bucket.clone();
    let folder = ctx.journal_id(job).unwrap_or_else(crate::journal::new_id);
    let name = image.file_name().map_or_else(
        || "input-image".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let object_path = format!("uploads/{folder}/{name}");
    store(ctx, &storage, job, image, &bucket, &object_path)
        .await
        .map_err(|e| {
            format!(
                "storing image {} in {bucket}/{object_path} failed: {e}",
                image.display()
            )
        })?;
    storage
        .signed_url(&bucket, &object_path, IMAGE_URL_VALID_SECS)
        .await
        .map_err(|e| format!("the stored image {bucket}/{object_path} got no signed URL: {e}"))
}

/// Whether the object already holds this file: the same size, and the same MD5 where its
/// `ETag` is a plain MD5 (a multipart upload's is not; the size of a file at its job's own path
/// then has to do). `Some((bytes, md5 compared))` when it does. Any doubt (no object, the
/// check failed) means upload.
async fn already_stored(
    storage: &StorageClient,
    path: &Path,
    bucket: &str,
    object_path: &str,
) -> Option<(u64, bool)> {
    let len = tokio::fs::metadata(path).await.ok()?.len();
    let info = match storage.object_info(bucket, object_path).await {
        Ok(info) => info?,
        Err(e) => {
            tracing::debug!(error = %e, "object check failed; uploading");
            return None;
        }
    };
    if info.size != Some(len) {
        return None;
    }
    let Some(remote) = info.md5_hex() else {
        return Some((len, false));
    };
    let file = tokio::fs::File::open(path).await.ok()?.into_std().await;
    let local = tokio::task::spawn_blocking(move || {
        crate::download::digest::hash(crate::download::digest::Algorithm::Md5, file)
    })
    .await
    .ok()?
    .ok()?;
    (crate::download::digest::hex(&local) == remote).then_some((len, true))
}

/// `<job id>/<file name>` (`uploads/…` while the job id is unknown).
fn object_path(ctx: &Ctx, job: JobKey, path: &Path, fallback_name: &str) -> String {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| fallback_name.into());
    let folder = ctx.job_id(job).unwrap_or_else(|| "uploads".into());
    format!("{folder}/{file_name}")
}

/// One upload reported as `UploadStarted` and, when it worked, `UploadFinished`; the caller
/// decides how a failure is reported.
async fn store(
    ctx: &Ctx,
    storage: &StorageClient,
    job: JobKey,
    path: &Path,
    bucket: &str,
    object_path: &str,
) -> Result<(), UploadError> {
    ctx.send(EngineEvent::UploadStarted {
        job,
        path: path.to_path_buf(),
        bucket: bucket.to_string(),
        object_path: object_path.to_string(),
    });
    let bytes = tokio::fs::metadata(path)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    // Progress at most every 250 ms, so a fast upload cannot flood the front end; the first and
    // the last always.
    let throttle = std::sync::Mutex::new(Throttle::new(PROGRESS_EVERY));
    let report = |sent: u64, total: u64| {
        let due = throttle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .ready(sent == total);
        if due {
            let _ = ctx.events.send(EngineEvent::UploadProgress {
                job,
                object_path: object_path.to_string(),
                bytes: sent,
                total,
            });
        }
    };
    let upload = storage.upload(
        bucket,
        object_path,
        path,
        content_type_for(path),
        true,
        &report,
    );
    let token = ctx.cancel.child_token();
    let slot = (job, path.to_path_buf());
    if let Ok(mut map) = ctx.uploads.lock() {
        map.insert(slot.clone(), token.clone());
    }
    let result = tokio::select! {
        r = upload => Some(r),
        () = token.cancelled() => None,
    };
    if let Ok(mut map) = ctx.uploads.lock() {
        map.remove(&slot);
    }
    let Some(result) = result else {
        return Err(UploadError::Cancelled);
    };
    result.map_err(UploadError::Storage)?;
    ctx.send(EngineEvent::UploadFinished {
        job,
        path: path.to_path_buf(),
        bucket: bucket.to_string(),
        public_url: storage.shareable_url(bucket, object_path).await,
        object_path: object_path.to_string(),
        bytes,
    });
    Ok(())
}

#[derive(Debug, thiserror::Error)]
enum UploadError {
    #[error("upload cancelled")]
    Cancelled,
    #[error("{0}")]
    Storage(StorageError),
}
