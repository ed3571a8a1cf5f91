//! `ls` (one folder level, or every object below with -r; searched, sorted, with its totals)
//! and `du` (a folder's or bucket's objects and bytes, all levels down, with progress).

use std::cmp::Ordering;
use std::io::{BufWriter, Write};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use serde_json::Value;

use super::{check_bucket_exists, client, split};
use crate::cli::{DuArgs, LsArgs, SortBy};
use sora_core::config::Config;
use sora_core::storage::folder::join_path;
use sora_core::storage::{ListOptions, ObjectEntry, StorageClient, Totals};
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

fn add_to_totals(totals: &mut Totals, row: &Row) {
    if row.entry.is_folder() {
        totals.folders += 1;
    } else {
        totals.objects += 1;
        totals.bytes += row.entry.size().unwrap_or(0);
    }
}

/// The server's entry as it came, plus our own `path` (its full path in the bucket).
fn entry_json(row: &Row) -> Result<Value> {
    let mut value = serde_json::to_value(&row.entry)?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert("path".into(), Value::String(row.path.clone()));
    }
    Ok(value)
}

/// Whether `ls` prints each page as it arrives: one level by name ascending is the server's own
/// order, so memory holds one page whatever the folder's size. Every other listing needs a
/// global order the server cannot give (size is no server column; `--desc` by name once dropped
/// a folder on the server; `-r` orders paths across folders): it collects, then sorts.
fn streams(args: &LsArgs) -> bool {
    !args.recursive && args.sort == SortBy::Name && !args.desc
}

/// One row as `ls` prints it.
fn write_row(out: &mut impl Write, row: &Row) -> std::io::Result<()> {
    if row.entry.is_folder() {
        writeln!(out, "{}/", one_line(&row.shown))
    } else {
        let updated = one_line(row.entry.updated_at.as_deref().unwrap_or(""));
        writeln!(
            out,
            "{}\t{}\t{updated}",
            one_line(&row.shown),
            row.entry.size().unwrap_or(0)
        )
    }
}

fn write_totals(out: &mut impl Write, totals: &Totals, recursive: bool) -> std::io::Result<()> {
    let scope = if recursive {
        "all levels"
    } else {
        "this level; `sora-tui du` counts all levels"
    };
    writeln!(
        out,
        "total: {} ({} bytes; {scope})",
        totals.describe(),
        totals.bytes
    )
}

/// `value` as one element of a pretty-printed JSON array (`serde_json::to_string_pretty` of the
/// whole array writes exactly this): `[` or `,` before it, every line indented two spaces.
fn write_json_element(out: &mut impl Write, first: bool, value: &Value) -> Result<()> {
    out.write_all(if first { b"[\n" } else { b",\n" })?;
    // JSON strings escape their newlines: every raw newline here starts a line to indent.
    let text = serde_json::to_string_pretty(value)?;
    out.write_all(b"  ")?;
    out.write_all(text.replace('\n', "\n  ").as_bytes())?;
    Ok(())
}

/// The default listing, page by page: rows (or JSON array elements) are written and flushed
/// as each page arrives; the totals (or the array's end) after the last.
async fn ls_streamed(
    storage: &StorageClient,
    args: &LsArgs,
    bucket: &str,
    prefix: &str,
    search: String,
) -> Result<ExitCode> {
    let options = ListOptions {
        search,
        ..ListOptions::default()
    };
    let mut out = BufWriter::new(std::io::stdout());
    let mut totals = Totals::default();
    let mut written = 0u64;
    let mut failed: Option<anyhow::Error> = None;
    let mut on_page = |page: Vec<ObjectEntry>| {
        let write_page = || -> Result<()> {
            for entry in page {
                // Studio's marker of an empty folder is no file of the user's.
                if entry.is_placeholder() {
                    continue;
                }
                let row = Row {
                    shown: entry.name.clone(),
                    path: join_path(prefix, &entry.name),
                    entry,
                };
                add_to_totals(&mut totals, &row);
                if args.json {
                    write_json_element(&mut out, written == 0, &entry_json(&row)?)?;
                } else {
                    write_row(&mut out, &row)?;
                }
                written += 1;
            }
            out.flush()?;
            Ok(())
        };
        match write_page() {
            Ok(()) => ControlFlow::Continue(()),
            Err(error) => {
                failed = Some(error);
                ControlFlow::Break(())
            }
        }
    };
    storage
        .list_folder_pages(bucket, prefix, &options, &mut on_page)
        .await
        .with_context(|| format!("cannot list {}", args.location))?;
    if let Some(error) = failed {
        return Err(error.context("cannot write the listing"));
    }
    if written == 0 {
        check_bucket_exists(storage, bucket, &format!("list {}", args.location)).await?;
    }
    if args.json {
        out.write_all(if written == 0 { b"[]\n" } else { b"\n]\n" })?;
    } else {
        write_totals(&mut out, &totals, false)?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub async fn ls(config: &Config, args: &LsArgs) -> Result<ExitCode> {
    let storage = client(config)?;
    let (bucket, prefix) = split(&args.location, true)?;
    let search = args.search.clone().unwrap_or_default();
    if streams(args) {
        return ls_streamed(&storage, args, &bucket, &prefix, search).await;
    }
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
    let mut out = BufWriter::new(std::io::stdout());
    if args.json {
        let values = rows.iter().map(entry_json).collect::<Result<Vec<_>>>()?;
        writeln!(out, "{}", serde_json::to_string_pretty(&values)?)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    for row in &rows {
        write_row(&mut out, row)?;
    }
    let totals = rows.iter().fold(Totals::default(), |mut t, row| {
        add_to_totals(&mut t, row);
        t
    });
    write_totals(&mut out, &totals, args.recursive)?;
    out.flush()?;
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
