//! The bucket browser's folder-wide actions: count a folder (all levels down), delete it (in
//! the server's batches, then listed again: anything left is a failure), and copy or move an
//! object or a folder, within a bucket or to another.

use super::command::StorageOp;
use super::events::{StorageDone, StorageFailure};
use crate::present;
use crate::storage::folder::thousands;
use crate::storage::{Route, StorageClient, Transfer};

/// Objects copied or moved at a time for a folder.
const JOBS: usize = 4;

fn location(bucket: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        bucket.to_string()
    } else {
        format!("{bucket}/{prefix}")
    }
}

fn done(message: String) -> StorageDone {
    StorageDone {
        message,
        url: None,
        totals: None,
    }
}

pub(super) async fn run(
    storage: &StorageClient,
    op: &StorageOp,
) -> Result<StorageDone, StorageFailure> {
    let fail = |e: crate::storage::StorageError| StorageFailure::from_error(&e);
    match op {
        StorageOp::CountFolder { bucket, prefix, .. } => {
            let tree = storage
                .walk(bucket, prefix, &mut |_| {})
                .await
                .map_err(fail)?;
            Ok(StorageDone {
                totals: Some(tree.totals),
                ..done(format!(
                    "{} holds {}",
                    location(bucket, prefix),
                    tree.totals.describe()
                ))
            })
        }
        StorageOp::DeleteFolder { bucket, prefix } => {
            let name = location(bucket, prefix);
            let tree = storage
                .walk(bucket, prefix, &mut |_| {})
                .await
                .map_err(fail)?;
            let keys = tree.keys();
            let outcome = storage
                .delete_keys(bucket, &keys, &mut |_, _| {})
                .await
                .map_err(fail)?;
            let after = storage
                .walk(bucket, prefix, &mut |_| {})
                .await
                .map_err(fail)?;
            if after.is_empty() {
                return Ok(done(format!(
                    "deleted {} objects ({}); {name} is empty",
                    thousands(outcome.deleted),
                    present::bytes(tree.totals.bytes)
                )));
            }
            let why = outcome
                .failures
                .first()
                .map(|f| format!(": {f}"))
                .unwrap_or_default();
            Err(StorageFailure::plain(format!(
                "{name} still holds {} after deleting {}{why}; delete it again to retry",
                after.totals.describe(),
                thousands(outcome.deleted)
            )))
        }
        StorageOp::Transfer {
            kind,
            bucket,
            from,
            to_bucket,
            to,
            folder,
            upsert,
        } => {
            let route = Route {
                kind: *kind,
                bucket,
                from,
                to_bucket,
                to,
                upsert: *upsert,
            };
            let source = location(bucket, from);
            let target = location(to_bucket, to);
            if !folder {
                storage.transfer_object(&route).await.map_err(fail)?;
                return Ok(done(format!("{} {source} to {target}", kind.past())));
            }
            let tree = storage
                .walk(bucket, from, &mut |_| {})
                .await
                .map_err(fail)?;
            let results = storage.transfer_tree(&route, &tree, JOBS).await;
            let failures: Vec<String> = results
                .iter()
                .filter_map(|(key, r)| r.as_ref().err().map(|e| format!("{key}: {e}")))
                .collect();
            let moved = results.len() - failures.len();
            let left = if *kind == Transfer::Move {
                storage
                    .walk(bucket, from, &mut |_| {})
                    .await
                    .map_err(fail)?
                    .keys()
                    .len()
            } else {
                0
            };
            let summary = format!(
                "{} {} of {} objects from {source} to {target}",
                kind.past(),
                thousands(moved as u64),
                thousands(results.len() as u64)
            );
            match failures.first() {
                None if left == 0 => Ok(done(summary)),
                first => Err(StorageFailure::plain(format!(
                    "{summary}; {} failed, {} still in {source}{}",
                    thousands(failures.len() as u64),
                    thousands(left as u64),
                    first.map(|f| format!(" (first: {f})")).unwrap_or_default()
                ))),
            }
        }
        other => Err(StorageFailure::plain(format!(
            "not a folder action: {other:?}"
        ))),
    }
}
