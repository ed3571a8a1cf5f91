//! `upload -r DIR BUCKET/PREFIX` and `get -r BUCKET/PREFIX --out DIR`: `--jobs` files at a
//! time, one line per file as it ends, a summary at the end. Files already identical on the
//! other side are skipped, so a second run (after a crash or a kill) sends only what is
//! missing; a big upload that was cut resumes from its sidecar. A different file in the way is
//! left alone unless `--upsert` (upload) or `--force` (download); either way the exit status
//! says whether everything is where it should be.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::{check_bucket_exists, client, split};
use crate::cli::{GetArgs, UploadArgs};
use sora_core::config::Config;
use sora_core::present;
use sora_core::storage::folder::thousands;
use sora_core::storage::tree::{FileOutcome, Outcome, TreeOptions, TreeReport};
use sora_core::text::one_line;

/// The summary line, e.g. `200 files: 150 uploaded (1.2 MiB), 50 identical (skipped), 0 kept, 0 failed`.
fn summary(report: &TreeReport, sent_verb: &str, kept_hint: &str) -> String {
    let (sent, bytes) = report.sent();
    let identical = report.count(|o| matches!(o, Outcome::Identical));
    let kept = report.count(|o| matches!(o, Outcome::Differs));
    let failed = report.count(|o| matches!(o, Outcome::Failed(_)));
    let mut text = format!(
        "{} files: {} {sent_verb} ({}), {} identical (skipped), {} kept{}, {} failed",
        thousands(report.files.len() as u64),
        thousands(sent as u64),
        present::bytes(bytes),
        thousands(identical as u64),
        thousands(kept as u64),
        if kept > 0 { kept_hint } else { "" },
        thousands(failed as u64),
    );
    if !report.passed.is_empty() {
        text.push_str(&format!(
            ", {} left out",
            thousands(report.passed.len() as u64)
        ));
    }
    text
}

fn print_passed(report: &TreeReport) {
    for passed in &report.passed {
        eprintln!(
            "left out {}: {}",
            one_line(&passed.path),
            one_line(&passed.why)
        );
    }
}

pub async fn upload_tree(config: &Config, args: &UploadArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, prefix) = split(&args.target, true)?;
    anyhow::ensure!(
        args.file.is_dir(),
        "{} is not a folder: upload -r takes a folder (without -r, one file)",
        args.file.display()
    );
    let options = TreeOptions {
        jobs: usize::from(args.jobs),
        replace: args.upsert,
    };
    let on_done = |done: &FileOutcome| {
        let object = one_line(&format!("{bucket}/{}", done.object_path)).into_owned();
        let local = one_line(&done.local.display().to_string()).into_owned();
        match &done.outcome {
            Outcome::Sent { bytes, note } => {
                println!("uploaded {object} ({bytes} bytes)");
                if let Some(note) = note {
                    eprintln!("note: {object}: {}", one_line(note));
                }
            }
            Outcome::Identical => println!("identical: {object}"),
            Outcome::Differs => eprintln!(
                "kept {object}: a different object is there (add --upsert to replace it with {local})"
            ),
            Outcome::Failed(error) => {
                eprintln!("failed {local} → {object}: {}", one_line(error))
            }
        }
    };
    let report = storage
        .upload_tree(&args.file, &bucket, &prefix, options, &on_done)
        .await
        .with_context(|| format!("cannot upload {} to {}", args.file.display(), args.target))?;
    if report.files.is_empty() {
        check_bucket_exists(&storage, &bucket, &format!("upload to {}", args.target)).await?;
    }
    print_passed(&report);
    println!(
        "upload -r: {}",
        summary(&report, "uploaded", " (--upsert replaces them)")
    );
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub async fn get_tree(config: &Config, args: &GetArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, prefix) = split(&args.object, true)?;
    let out = match &args.out {
        Some(out) => out.clone(),
        None => PathBuf::from(
            prefix
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or(&bucket),
        ),
    };
    anyhow::ensure!(
        !out.exists() || out.is_dir(),
        "{} exists and is not a folder: give --out the folder to save into",
        out.display()
    );
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let options = TreeOptions {
        jobs: usize::from(args.jobs),
        replace: args.force,
    };
    let on_done = |done: &FileOutcome| {
        let local = one_line(&done.local.display().to_string()).into_owned();
        let object = one_line(&format!("{bucket}/{}", done.object_path)).into_owned();
        match &done.outcome {
            Outcome::Sent { bytes, .. } => println!("saved {local} ({bytes} bytes)"),
            Outcome::Identical => println!("identical: {local}"),
            Outcome::Differs => {
                eprintln!("kept {local}: it differs from {object} (add --force to replace it)")
            }
            Outcome::Failed(error) => {
                eprintln!("failed {object} → {local}: {}", one_line(error))
            }
        }
    };
    let report = storage
        .download_tree(&bucket, &prefix, &out, options, &on_done)
        .await
        .with_context(|| format!("cannot download {}", args.object))?;
    if report.files.is_empty() && report.passed.is_empty() {
        check_bucket_exists(&storage, &bucket, &format!("download {}", args.object)).await?;
    }
    print_passed(&report);
    println!(
        "get -r: {}",
        summary(&report, "downloaded", " (--force replaces them)")
    );
    // An object left out (a name that would land outside the folder) was not downloaded.
    Ok(if report.complete() && report.passed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
