//! `rm -r`: every object of a folder, all levels down. Counted first ("1,204 objects, 3.1 GiB";
//! `--dry-run` stops there), asked once (`--yes` skips the question; without a terminal to ask
//! on, nothing is deleted), deleted in the server's batches of 1000, then listed again: what is
//! left is reported and makes the exit status non-zero. "Deleted" is what the second listing
//! says, not what the requests hoped.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{check_bucket_exists, client, split};
use crate::cli::RmArgs;
use sora_core::config::Config;
use sora_core::storage::Tree;
use sora_core::storage::folder::thousands;
use sora_core::text::one_line;

/// How often a long count or delete says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);
/// Paths of what is left, shown at most.
const SHOW_LEFT: usize = 10;

fn label(bucket: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        format!("bucket {bucket} (every object in it)")
    } else {
        format!("{bucket}/{prefix}")
    }
}

/// `1,204 objects, 3.1 GiB in 12 folders`, and the empty-folder markers that go too.
fn describe(tree: &Tree) -> String {
    let mut text = tree.totals.describe();
    match tree.placeholders.len() {
        0 => {}
        1 => text.push_str(" (and 1 empty-folder marker)"),
        n => text.push_str(&format!(
            " (and {} empty-folder markers)",
            thousands(n as u64)
        )),
    }
    text
}

/// Ask on the terminal; without one, nobody can answer, and nothing is deleted.
async fn confirm(question: String) -> Result<()> {
    anyhow::ensure!(
        std::io::stdin().is_terminal(),
        "nothing deleted: stdin is not a terminal, so there is nobody to ask; add --yes to delete without asking, or --dry-run to count only"
    );
    let answer = tokio::task::spawn_blocking(move || -> std::io::Result<String> {
        let mut err = std::io::stderr().lock();
        write!(err, "{question} [y/N] ")?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line)
    })
    .await
    .context("asking for confirmation")?
    .context("reading the answer")?;
    anyhow::ensure!(
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"),
        "nothing deleted (the answer was not yes)"
    );
    Ok(())
}

pub async fn rm_tree(config: &Config, args: &RmArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let mut targets = Vec::new();
    for target in &args.objects {
        let (bucket, prefix) = split(target, true)?;
        let mut last = Instant::now();
        let tree = storage
            .walk(&bucket, &prefix, &mut |so_far| {
                if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    eprintln!("counted {} so far…", so_far.describe());
                }
            })
            .await
            .with_context(|| format!("cannot count what is in {target}"))?;
        if tree.is_empty() {
            check_bucket_exists(&storage, &bucket, &format!("delete {target}")).await?;
            anyhow::bail!(
                "nothing under {target}: no such folder, so nothing was deleted (an object is deleted without -r: `sora-tui rm {target}`)"
            );
        }
        println!(
            "{}: {}",
            one_line(&label(&bucket, &prefix)),
            describe(&tree)
        );
        targets.push((bucket, prefix, tree));
    }
    if args.dry_run {
        println!("dry run: nothing deleted");
        return Ok(ExitCode::SUCCESS);
    }
    if !args.yes {
        let what = match targets.as_slice() {
            [(_, _, tree)] => describe(tree),
            many => format!("all of these {} folders", many.len()),
        };
        confirm(format!("Delete {what}? This cannot be undone.")).await?;
    }
    let mut all_gone = true;
    for (bucket, prefix, tree) in targets {
        let name = one_line(&label(&bucket, &prefix)).into_owned();
        let keys = tree.keys();
        let mut last = Instant::now();
        let outcome = storage
            .delete_keys(&bucket, &keys, &mut |done, total| {
                if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    eprintln!("deleted {} of {}…", thousands(done), thousands(total));
                }
            })
            .await
            .with_context(|| format!("cannot delete {name}"))?;
        for failure in &outcome.failures {
            eprintln!("a batch of deletes failed: {}", one_line(failure));
        }
        // What the server holds now is the result, whatever the answers said.
        let after = storage
            .walk(&bucket, &prefix, &mut |_| {})
            .await
            .with_context(|| format!("cannot check what is left in {name}"))?;
        if after.is_empty() {
            println!(
                "deleted {} objects; {name} is empty",
                thousands(keys.len() as u64)
            );
            continue;
        }
        all_gone = false;
        let left = after.keys();
        eprintln!(
            "{name} still holds {} after the delete ({} deleted); run the same command again to retry. Left:",
            describe(&after),
            thousands(outcome.deleted)
        );
        for key in left.iter().take(SHOW_LEFT) {
            eprintln!("  {}", one_line(&format!("{bucket}/{key}")));
        }
        if left.len() > SHOW_LEFT {
            eprintln!(
                "  … and {} more",
                thousands((left.len() - SHOW_LEFT) as u64)
            );
        }
    }
    Ok(if all_gone {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
