//! The bucket browser's actions as engine tasks: each [`StorageOp`] runs against the storage
//! client and ends in one `EngineEvent::Storage`.

use super::command::{ListQuery, PAGE_SIZE, StorageOp};
use super::events::{StorageDone, StorageFailure};
use super::{Ctx, NO_STORAGE};
use crate::storage::{ListOptions, ObjectEntry, content_type_for};

pub(super) async fn list_page(
    ctx: &Ctx,
    bucket: &str,
    prefix: &str,
    query: &ListQuery,
) -> Result<Vec<ObjectEntry>, String> {
    let Some(storage) = &ctx.services.storage else {
        return Err(NO_STORAGE.into());
    };
    let options = ListOptions {
        limit: PAGE_SIZE,
        offset: query.offset,
        sort: query.sort,
        descending: query.descending,
        search: query.search.clone(),
    };
    storage
        .list_objects_with(bucket, prefix, &options)
        .await
        .map_err(|e| e.to_string())
}

pub(super) async fn run(ctx: &Ctx, op: &StorageOp) -> Result<StorageDone, StorageFailure> {
    let Some(storage) = &ctx.services.storage else {
        return Err(StorageFailure::plain(NO_STORAGE));
    };
    let done = |message: String| StorageDone {
        message,
        url: None,
        totals: None,
    };
    let fail = |e: crate::storage::StorageError| StorageFailure::from_error(&e);
    let work = async {
        match op {
            StorageOp::CreateBucket { name, public } => {
                storage.create_bucket(name, *public).await.map_err(fail)?;
                let kind = if *public { "public" } else { "private" };
                Ok(done(format!("created {kind} bucket {name}")))
            }
            StorageOp::SetBucketPublic { bucket, public } => {
                storage
                    .set_bucket_public(bucket, *public)
                    .await
                    .map_err(fail)?;
                let kind = if *public { "public" } else { "private" };
                Ok(done(format!("{bucket} is now {kind}")))
            }
            StorageOp::DeleteBucket { bucket } => {
                storage.delete_bucket(bucket).await.map_err(fail)?;
                Ok(done(format!("deleted bucket {bucket}")))
            }
            StorageOp::UploadFile {
                path,
                bucket,
                object_path,
                upsert,
            } => {
                let bytes = tokio::fs::metadata(path)
                    .await
                    .map(|m| m.len())
                    .unwrap_or(0);
                let resumable = bytes > storage.resumable_threshold();
                storage
                    .upload(
                        bucket,
                        object_path,
                        path,
                        content_type_for(path),
                        *upsert,
                        &|_, _| {},
                    )
                    .await
                    .map_err(fail)?;
                let how = if resumable { " (resumable)" } else { "" };
                Ok(StorageDone {
                    message: format!(
                        "uploaded {} to {bucket}/{object_path}{how}, {} bytes",
                        path.display(),
                        bytes
                    ),
                    url: storage.shareable_url(bucket, object_path).await,
                    totals: None,
                })
            }
            StorageOp::DownloadObject {
                bucket,
                object_path,
                out,
                overwrite,
            } => {
                // A file of the user's is replaced only once they said so.
                if !*overwrite && tokio::fs::symlink_metadata(out).await.is_ok() {
                    return Err(StorageFailure {
                        conflict: true,
                        ..StorageFailure::plain(format!(
                            "{} exists and was left as it is",
                            out.display()
                        ))
                    });
                }
                if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
                    tokio::fs::create_dir_all(dir).await.map_err(|e| {
                        StorageFailure::plain(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let bytes = storage
                    .download_to(bucket, object_path, out)
                    .await
                    .map_err(fail)?;
                Ok(done(format!(
                    "downloaded {bucket}/{object_path} to {}, {bytes} bytes",
                    out.display()
                )))
            }
            StorageOp::SignUrl {
                bucket,
                object_path,
                expires_in,
            } => {
                let url = storage
                    .signed_url(bucket, object_path, *expires_in)
                    .await
                    .map_err(fail)?;
                Ok(StorageDone {
                    message: format!("signed URL for {bucket}/{object_path}, valid {expires_in} s"),
                    url: Some(url),
                    totals: None,
                })
            }
            StorageOp::MoveObject { bucket, from, to } => {
                storage.move_object(bucket, from, to).await.map_err(fail)?;
                Ok(done(format!("moved {bucket}/{from} to {to}")))
            }
            StorageOp::CountFolder { .. }
            | StorageOp::DeleteFolder { .. }
            | StorageOp::Transfer { .. } => super::storage_folder::run(storage, op).await,
            StorageOp::DeleteObjects { bucket, paths } => {
                let deleted = storage.delete_objects(bucket, paths).await.map_err(fail)?;
                Ok(done(format!(
                    "deleted {} of {} object(s) from {bucket}",
                    deleted.len(),
                    paths.len()
                )))
            }
        }
    };
    tokio::select! {
        result = work => result,
        () = ctx.cancel.cancelled() => Err(StorageFailure::plain("cancelled")),
    }
}
