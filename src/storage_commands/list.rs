//! `ls` (one folder level, or every object below with -r; searched, sorted, with its totals)
//! and `du` (a folder's or bucket's objects and bytes, all levels down, with progress).

use std::cmp::Ordering;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use super::{check_bucket_exists, client, split};
use crate::cli::{DuArgs, LsArgs, SortBy};
use sora_core::config::Config;
use sora_core::storage::folder::join_path;
use sora_core::storage::{ListOptions, ObjectEntry, Totals};
use sora_core::text::one_line;

/// How often `du` says how far it got.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// One line of a listing: the name shown (the path under the listed folder with -r), its full
/// path in the bucket, and the server's entry.
struct Row {
    shown: String,
    path: String,
    entry: ObjectEntry,
}

/// Order rows as the server would (by name: case-insensitive, folders among files; by size or
/// date: folders first by name, then files), in Rust so `--desc` never drops a folder (the
/// server's name-descending order was seen to) and size, which is no server column, works too.
fn sort_rows(rows: &mut [Row], by: SortBy, descending: bool) {
    let name = |a: &Row, b: &Row| {
        a.shown
            .to_lowercase()
            .cmp(&b.shown.to_lowercase())
            .then_with(|| a.shown.cmp(&b.shown))
    };
    match by {
        SortBy::Name => {
            rows.sort_by(name);
            if descending {
                rows.reverse();
            }
        }
        SortBy::Size | SortBy::Updated => {
            rows.sort_by(|a, b| match (a.entry.is_folder(), b.entry.is_folder()) {
                (true, true) => name(a, b),
                (true, false) => Ordering::Less,
                (false, true) => Ordering::Greater,
                (false, false) => {
                    let order = match by {
                        SortBy::Size => a.entry.size().cmp(&b.entry.size()),
                        _ => a.entry.updated_at.cmp(&b.entry.updated_at),
                    }
                    .then_with(|| name(a, b));
                    if descending { order.reverse() } else { order }
                }
            })
        }
    }
}

fn totals_of(rows: &[Row]) -> Totals {
    rows.iter().fold(Totals::default(), |mut t, row| {
        if row.entry.is_folder() {
            t.folders += 1;
        } else {
            t.objects += 1;
            t.bytes += row.entry.size().unwrap_or(0);
        }
        t
    })
}

/// The server's entry as it came, plus our own `path` (its full path in the bucket).
fn entry_json(row: &Row) -> Result<Value> {
    let mut value = serde_json::to_value(&row.entry)?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("path".into(), Value::String(row.path.clone()));
    }
    Ok(value)
}

pub async fn ls(config: &Config, args: &LsArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, prefix) = split(&args.location, true)?;
    let search = args.search.clone().unwrap_or_default();
    let what = || format!("cannot list {}", args.location);
    let mut rows: Vec<Row> = if args.recursive {
        let tree = storage
            .walk(&bucket, &prefix, &mut |_| {})
            .await
            .with_context(what)?;
        let needle = search.to_lowercase();
        tree.objects
            .into_iter()
            .filter(|o| o.entry.name.to_lowercase().starts_with(&needle))
            .map(|o| Row {
                shown: relative(&prefix, &o.path),
                path: o.path,
                entry: o.entry,
            })
            .collect()
    } else {
        let options = ListOptions {
            search: search.clone(),
            ..ListOptions::default()
        };
        storage
            .list_folder(&bucket, &prefix, &options)
            .await
            .with_context(what)?
            .into_iter()
            // Studio's marker of an empty folder is no file of the user's.
            .filter(|e| !e.is_placeholder())
            .map(|entry| Row {
                shown: entry.name.clone(),
                path: join_path(&prefix, &entry.name),
                entry,
            })
            .collect()
    };
    if rows.is_empty() {
        check_bucket_exists(&storage, &bucket, &format!("list {}", args.location)).await?;
    }
    sort_rows(&mut rows, args.sort, args.desc);
    if args.json {
        let values = rows.iter().map(entry_json).collect::<Result<Vec<_>>>()?;
        println!("{}", serde_json::to_string_pretty(&values)?);
        return Ok(ExitCode::SUCCESS);
    }
    for row in &rows {
        if row.entry.is_folder() {
            println!("{}/", one_line(&row.shown));
        } else {
            let updated = one_line(row.entry.updated_at.as_deref().unwrap_or(""));
            println!(
                "{}\t{}\t{updated}",
                one_line(&row.shown),
                row.entry.size().unwrap_or(0)
            );
        }
    }
    let totals = totals_of(&rows);
    let scope = if args.recursive {
        "all levels"
    } else {
        "this level; `sora-tui du` counts all levels"
    };
    println!(
        "total: {} ({} bytes; {scope})",
        totals.describe(),
        totals.bytes
    );
    Ok(ExitCode::SUCCESS)
}

/// `path` under `prefix`, as shown by a recursive listing.
fn relative(prefix: &str, path: &str) -> String {
    match prefix {
        "" => path.to_string(),
        p => path
            .strip_prefix(p)
            .map_or(path, |r| r.trim_start_matches('/'))
            .to_string(),
    }
}

pub async fn du(config: &Config, args: &DuArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, prefix) = split(&args.location, true)?;
    let mut last = Instant::now();
    let tree = storage
        .walk(&bucket, &prefix, &mut |so_far| {
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                eprintln!("counted {} so far…", so_far.describe());
            }
        })
        .await
        .with_context(|| format!("cannot count {}", args.location))?;
    if tree.is_empty() {
        check_bucket_exists(&storage, &bucket, &format!("count {}", args.location)).await?;
    }
    let totals = tree.totals;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&totals)?);
        return Ok(ExitCode::SUCCESS);
    }
    let location = if prefix.is_empty() {
        bucket
    } else {
        format!("{bucket}/{prefix}")
    };
    println!(
        "{}: {} ({} bytes)",
        one_line(&location),
        totals.describe(),
        totals.bytes
    );
    Ok(ExitCode::SUCCESS)
}
