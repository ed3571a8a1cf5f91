//! `cp` and `mv`: one object, or a folder with -r (each object to the same place under the
//! destination, `--jobs` at a time), within a bucket or to another (the server's
//! `destinationBucket`). A copy overwrites only with `--upsert`; a move never overwrites. After
//! a folder move the source is listed again: anything still there is reported.

use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{check_bucket_exists, client, split};
use crate::cli::{CopyArgs, MoveArgs};
use sora_core::config::Config;
use sora_core::present;
use sora_core::storage::folder::{join_path, thousands};
use sora_core::storage::{ListOptions, Route, StorageClient, Transfer, check_object_path};
use sora_core::text::one_line;

/// Where `source_path` goes for a destination `BUCKET/PATH`: a destination ending in `/`, or a
/// bare `BUCKET`, keeps the source's name inside it.
fn destination(source_path: &str, dest: &str) -> Result<(String, String)> {
    let trimmed = dest.trim_start_matches('/');
    let inside = trimmed.ends_with('/') || !trimmed.contains('/');
    let (bucket, path) = split(dest, true)?;
    let path = if inside {
        let name = source_path.rsplit('/').next().unwrap_or(source_path);
        join_path(&path, name)
    } else {
        path
    };
    Ok((bucket, path))
}

/// The common arguments of `cp` and `mv`.
struct Request<'a> {
    kind: Transfer,
    source: &'a str,
    destination: &'a str,
    recursive: bool,
    upsert: bool,
    jobs: usize,
}

pub async fn cp(config: &Config, args: &CopyArgs) -> Result<ExitCode> {
    let request = Request {
        kind: Transfer::Copy,
        source: &args.source,
        destination: &args.destination,
        recursive: args.recursive,
        upsert: args.upsert,
        jobs: usize::from(args.jobs),
    };
    run(config, &request).await
}

pub async fn mv(config: &Config, args: &MoveArgs) -> Result<ExitCode> {
    let request = Request {
        kind: Transfer::Move,
        source: &args.source,
        destination: &args.destination,
        recursive: args.recursive,
        upsert: false,
        jobs: usize::from(args.jobs),
    };
    run(config, &request).await
}

async fn run(config: &Config, request: &Request<'_>) -> Result<ExitCode> {
    let storage = client(config)?;
    if request.recursive {
        return folder(&storage, request).await;
    }
    let (bucket, from) = split(request.source, false)?;
    let (to_bucket, to) = destination(&from, request.destination)?;
    check_object_path(&to)?;
    let route = Route {
        kind: request.kind,
        bucket: &bucket,
        from: &from,
        to_bucket: &to_bucket,
        to: &to,
        upsert: request.upsert,
    };
    if let Err(error) = storage.transfer_object(&route).await {
        // Folders exist only through their objects: name one as such.
        let missing = error
            .api()
            .is_some_and(|e| e.code.as_deref() == Some("NoSuchKey"));
        let inside = ListOptions {
            limit: 1,
            ..ListOptions::default()
        };
        if missing
            && storage
                .list_objects_with(&bucket, &from, &inside)
                .await
                .is_ok_and(|entries| !entries.is_empty())
        {
            anyhow::bail!(
                "{bucket}/{from} is a folder, not an object: add -r to {} everything in it (`sora-tui {} -r {} {}`)",
                request.kind.verb(),
                if request.kind == Transfer::Copy {
                    "cp"
                } else {
                    "mv"
                },
                request.source,
                request.destination
            );
        }
        return Err(anyhow::Error::new(error).context(format!(
            "cannot {} {bucket}/{from} to {to_bucket}/{to}",
            request.kind.verb()
        )));
    }
    println!(
        "{} {bucket}/{from} to {to_bucket}/{to}",
        request.kind.past()
    );
    Ok(ExitCode::SUCCESS)
}

async fn folder(storage: &StorageClient, request: &Request<'_>) -> Result<ExitCode> {
    let (bucket, from) = split(request.source, true)?;
    let (to_bucket, to) = if from.is_empty() {
        split(request.destination, true)?
    } else {
        destination(&from, request.destination)?
    };
    let nested = bucket == to_bucket
        && (from.is_empty() || to == from || to.starts_with(&format!("{from}/")));
    anyhow::ensure!(
        !nested,
        "{to_bucket}/{to} is inside {bucket}/{from}: a folder cannot be {} into itself",
        request.kind.past()
    );
    let source = format!("{bucket}/{from}");
    let target = format!("{to_bucket}/{to}");
    let tree = storage
        .walk(&bucket, &from, &mut |_| {})
        .await
        .with_context(|| format!("cannot list {source}"))?;
    if tree.is_empty() {
        check_bucket_exists(storage, &bucket, &format!("list {source}")).await?;
        anyhow::bail!("nothing under {source}: no such folder (an object goes without -r)");
    }
    let route = Route {
        kind: request.kind,
        bucket: &bucket,
        from: &from,
        to_bucket: &to_bucket,
        to: &to,
        upsert: request.upsert,
    };
    let results = storage.transfer_tree(&route, &tree, request.jobs).await;
    let mut failed = 0u64;
    for (key, result) in &results {
        if let Err(error) = result {
            failed += 1;
            eprintln!(
                "cannot {} {}: {}",
                request.kind.verb(),
                one_line(&format!("{bucket}/{key}")),
                one_line(&error.to_string())
            );
        }
    }
    let done = results.len() as u64 - failed;
    println!(
        "{} {} of {} objects ({}) from {source} to {target}; {} failed",
        request.kind.past(),
        thousands(done),
        thousands(results.len() as u64),
        present::bytes(tree.totals.bytes),
        thousands(failed)
    );
    let mut complete = failed == 0;
    if request.kind == Transfer::Move {
        let left = storage
            .walk(&bucket, &from, &mut |_| {})
            .await
            .with_context(|| format!("cannot check what is left in {source}"))?;
        if !left.is_empty() {
            complete = false;
            eprintln!("{source} still holds {}", left.totals.describe());
        }
    }
    Ok(if complete {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
