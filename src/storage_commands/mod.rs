//! Headless Supabase Storage commands: `buckets`, `ls`, `du`, `upload`, `get`, `url`, `rm`,
//! `cp`, `mv`. Single objects here; listings in [`list`], whole folders in [`folders`] (delete),
//! [`transfer`] (upload and download) and [`copy`] (copy and move). Errors carry the server's
//! message and what to do.

mod copy;
mod folders;
mod list;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

pub use copy::{cp, mv};
pub use list::{du, ls};

use crate::cli::{BucketsArgs, GetArgs, RmArgs, UploadArgs, UrlArgs};
use sora_core::config::Config;
use sora_core::setup;
use sora_core::storage::{
    ListOptions, StorageApiError, StorageClient, check_bucket, check_object_path, check_prefix,
    content_type_for,
};
use sora_core::text::one_line;

/// Storage lists a missing bucket as empty: when a listing came back empty, ask for the bucket
/// itself, so a mistyped or never-created bucket is an error that says what to do, not a
/// silent "nothing here".
async fn check_bucket_exists(storage: &StorageClient, bucket: &str, what: &str) -> Result<()> {
    match storage.get_bucket(bucket).await {
        Err(e) if e.api().is_some_and(StorageApiError::is_missing_bucket) => {
            Err(anyhow::Error::new(e).context(format!("cannot {what}")))
        }
        _ => Ok(()),
    }
}

/// The storage client, once its key is known to be one that can manage Storage: an anon key
/// would make the project look empty, so that is said before anything is asked.
fn client(config: &Config) -> Result<StorageClient> {
    let storage = setup::storage(config, &setup::http(config)?)?;
    storage.check_key()?;
    Ok(storage)
}

/// `BUCKET/PATH` → (bucket, path); the path may be empty when `allow_empty`.
fn split(target: &str, allow_empty: bool) -> Result<(String, String)> {
    let target = target.trim_start_matches('/');
    let (bucket, path) = target.split_once('/').unwrap_or((target, ""));
    let path = path.trim_matches('/');
    anyhow::ensure!(
        !bucket.is_empty(),
        "`{target}` names no bucket: write BUCKET/PATH"
    );
    anyhow::ensure!(
        allow_empty || !path.is_empty(),
        "`{target}` names no object: write BUCKET/PATH"
    );
    check_bucket(bucket)?;
    if allow_empty {
        check_prefix(path)?;
    } else {
        check_object_path(path)?;
    }
    Ok((bucket.to_string(), path.to_string()))
}

/// Where `upload FILE TARGET` stores the file: `BUCKET/PATH` as given; a bare `BUCKET` (or
/// one ending in `/`, `BUCKET/FOLDER/`) keeps the file's own name, as `cp` would.
fn upload_target(target: &str, file: &std::path::Path) -> Result<(String, String)> {
    let (bucket, path) = split(target, true)?;
    if !path.is_empty() && !target.ends_with('/') {
        return split(target, false);
    }
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .with_context(|| format!("{} has no file name: write BUCKET/PATH", file.display()))?;
    let full = if path.is_empty() {
        format!("{bucket}/{name}")
    } else {
        format!("{bucket}/{path}/{name}")
    };
    split(&full, false)
}

pub async fn buckets(config: &Config, args: &BucketsArgs) -> Result<ExitCode> {
    let list = client(config)?
        .list_buckets()
        .await
        .context("cannot list buckets")?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        println!("no buckets");
    }
    for b in &list {
        let limit = match &b.file_size_limit {
            Some(serde_json::Value::Number(n)) => format!("limit {n} B"),
            Some(serde_json::Value::String(s)) => format!("limit {}", one_line(s)),
            _ => "no limit".to_string(),
        };
        let types = b
            .allowed_mime_types
            .as_ref()
            .filter(|t| !t.is_empty())
            .map_or_else(
                || "any type".to_string(),
                |t| one_line(&t.join(",")).into_owned(),
            );
        let public = if b.public { "public" } else { "private" };
        // Names and types are the server's: shown with their control characters visible.
        println!("{}\t{public}\t{limit}\t{types}", one_line(&b.name));
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn upload(config: &Config, args: &UploadArgs) -> Result<ExitCode> {
    if args.recursive {
        return transfer::upload_tree(config, args).await;
    }
    let storage = client(config)?;
    let (bucket, path) = upload_target(&args.target, &args.file)?;
    let resumable = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len()
        > storage.resumable_threshold();
    let answer = storage
        .upload(
            &bucket,
            &path,
            &args.file,
            args.content_type
                .as_deref()
                .unwrap_or_else(|| content_type_for(&args.file)),
            args.upsert,
            &|sent, total| {
                if resumable {
                    eprintln!("uploaded {sent} of {total} bytes");
                }
            },
        )
        .await
        .with_context(|| format!("cannot upload {} to {bucket}/{path}", args.file.display()))?;
    if let Some(note) = &answer.note {
        eprintln!("note: {note}");
    }
    println!("uploaded {}", one_line(&answer.key));
    match storage.shareable_url(&bucket, &path).await {
        Some(url) => println!("public URL: {}", one_line(&url)),
        None => println!(
            "no public URL: {} is private (or supabase.public_urls is off); `sora-tui url {}/{} --signed 3600` gives a link valid for an hour",
            one_line(&bucket),
            one_line(&bucket),
            one_line(&path)
        ),
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn get(config: &Config, args: &GetArgs) -> Result<ExitCode> {
    if args.recursive {
        return transfer::get_tree(config, args).await;
    }
    let storage = client(config)?;
    let (bucket, path) = split(&args.object, false)?;
    let name = path.rsplit('/').next().unwrap_or(path.as_str());
    // An existing folder is where the file goes, under the object's name.
    let out = match &args.out {
        Some(out) if out.is_dir() => out.join(name),
        Some(out) => out.clone(),
        None => PathBuf::from(name),
    };
    anyhow::ensure!(
        !out.is_dir(),
        "{} is a folder: give --out the file to write",
        out.display()
    );
    anyhow::ensure!(
        args.force || !out.exists(),
        "{} exists and was left as it is: add --force to replace it, or --out FILE to save elsewhere",
        out.display()
    );
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let bytes = storage
        .download_to(&bucket, &path, &out)
        .await
        .with_context(|| format!("cannot download {bucket}/{path}"))?;
    println!("saved {} ({bytes} bytes)", out.display());
    Ok(ExitCode::SUCCESS)
}

pub async fn url(config: &Config, args: &UrlArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, path) = split(&args.object, false)?;
    match args.signed {
        Some(secs) => {
            let url = storage
                .signed_url(&bucket, &path, secs)
                .await
                .with_context(|| format!("cannot sign a URL for {bucket}/{path}"))?;
            println!("{}", one_line(&url));
        }
        // Checked first: a URL that answers 404 is no answer.
        None => {
            let what = || format!("no public URL for {bucket}/{path}");
            let found = storage.get_bucket(&bucket).await.with_context(what)?;
            anyhow::ensure!(
                found.public,
                "{}: bucket {bucket} is private, so its public URL answers 'Bucket not found'; use --signed SECONDS, or make the bucket public",
                what()
            );
            storage
                .check_object(&bucket, &path)
                .await
                .with_context(what)?;
            println!("{}", storage.public_url(&bucket, &path));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn rm(config: &Config, args: &RmArgs) -> Result<ExitCode> {
    if args.recursive {
        return folders::rm_tree(config, args).await;
    }
    let storage = client(config)?;
    let mut by_bucket: Vec<(String, Vec<String>)> = Vec::new();
    for target in &args.objects {
        let (bucket, path) = split(target, false)?;
        match by_bucket.iter_mut().find(|(b, _)| *b == bucket) {
            Some((_, paths)) => paths.push(path),
            None => by_bucket.push((bucket, vec![path])),
        }
    }
    let mut missing = 0;
    for (bucket, paths) in by_bucket {
        let deleted = storage
            .delete_objects(&bucket, &paths)
            .await
            .with_context(|| format!("cannot delete from {bucket}"))?;
        for path in &paths {
            if deleted.contains(path) {
                println!("deleted {bucket}/{path}");
                continue;
            }
            missing += 1;
            // Folders exist only through their objects: a folder name deletes nothing.
            let inside = ListOptions {
                limit: 1,
                ..ListOptions::default()
            };
            let folder = storage
                .list_objects_with(&bucket, path, &inside)
                .await
                .is_ok_and(|entries| !entries.is_empty());
            if folder {
                eprintln!(
                    "{bucket}/{path} is a folder, not an object: rm deletes objects by name; delete everything in it with the recursive delete (`sora-tui rm -r {bucket}/{path}`), or see what it holds with `sora-tui ls {bucket}/{path}`"
                );
            } else {
                eprintln!("not found: {bucket}/{path}");
            }
        }
    }
    Ok(if missing == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
