//! The streaming pump: the body into the partial through the pipelined writer, with one stall
//! timer for the whole body, the head checked against the media asked for as soon as it is in,
//! progress reported at most every `progress_every`, and the file synced before it is checked.

use std::path::Path;
use std::pin::Pin;

use futures_util::{Stream, StreamExt};

use super::attempt::{AttemptError, Seen};
use super::{
    DownloadError, DownloadOptions, DownloadSpec, Expect, HEAD_LEN, Report, Sink, Throttle,
    discard_partial, looks_like, partial_path, verify, writer,
};
use crate::http::{Direction, Http, Pace};

/// Stream `response` into `file` (which holds `written` bytes already); the bytes on disk once
/// the body ended, or why the attempt failed.
pub(super) async fn pump(
    http: &Http,
    spec: &DownloadSpec,
    options: &DownloadOptions,
    report: Sink<'_>,
    (response, file, written, total): (crate::http::Response, tokio::fs::File, u64, Option<u64>),
    seen: &mut Seen,
) -> Result<u64, AttemptError> {
    let start_len = written;
    let mut written = written;
    let file = file.into_std().await;
    let (mut feeder, handle) = writer::spawn(file, written, options.write_buffer, options.sync);
    seen.writer = Some(handle);
    let mut stream = response.into_inner().bytes_stream();
    // A trickle (a byte every few seconds) never stalls: the minimum rate ends it.
    let mut pace = Pace::new(http.policy(), tokio::time::Instant::now(), 0);
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_LEN);
    let mut head_checked = start_len > 0;
    let mut throttle = Throttle::new(options.progress_every);
    // One stall timer for the whole body, pushed back only when it fires: no timer
    // registration per chunk.
    let stall = tokio::time::sleep(options.stall_timeout);
    tokio::pin!(stall);
    let broken = loop {
        let chunk = match next_chunk(&mut stream, &mut feeder, &mut stall, options).await {
            None => break None,
            Some(Err(Broke::Stalled)) => {
                break Some(format!(
                    "stalled: no byte for {} after {written} bytes",
                    crate::present::duration(options.stall_timeout)
                ));
            }
            Some(Err(Broke::Http(e))) => {
                break Some(format!(
                    "connection broke after {written} bytes: {}",
                    crate::http::error_chain(&e.without_url())
                ));
            }
            Some(Err(Broke::Disk)) => break None,
            Some(Ok(c)) => c,
        };
        if !head_checked {
            let take = (HEAD_LEN - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
            if head.len() >= HEAD_LEN {
                head_checked = true;
                if let Expect::Media(variant) = spec.expect
                    && !looks_like(variant, &head)
                {
                    drop(feeder);
                    if let Some(w) = seen.writer.take() {
                        let _ = w.await;
                    }
                    discard_partial(&spec.target).await;
                    return Err(verify::not_media(spec, &head, &seen.headers));
                }
            }
        }
        let len = chunk.len() as u64;
        if feeder.push(chunk).await.is_err() {
            break None;
        }
        written += len;
        seen.bytes += len;
        let now = tokio::time::Instant::now();
        if let Err(slow) = pace.check(now, seen.bytes, Direction::Answer) {
            break Some(format!("{slow}; {written} bytes so far"));
        }
        if throttle.ready(false) {
            report(Report::Progress {
                bytes: written,
                total,
            });
        }
    };
    let on_disk = start_len + settle(feeder, seen, &partial_path(&spec.target), options).await?;
    match broken {
        Some(why) => Err(AttemptError::Body(why)),
        None => Ok(on_disk),
    }
}

/// The next chunk of the body. When the network has nothing right now, the gathered bytes go
/// to the disk first; then the wait is bounded by the stall timer, pushed back only when it
/// fires.
async fn next_chunk<S>(
    stream: &mut S,
    feeder: &mut writer::Feeder,
    stall: &mut Pin<&mut tokio::time::Sleep>,
    options: &DownloadOptions,
) -> Option<Result<bytes::Bytes, Broke>>
where
    S: Stream<Item = Result<bytes::Bytes, reqwest::Error>> + Unpin,
{
    if let Some(next) = futures_util::FutureExt::now_or_never(stream.next()) {
        return next.map(|r| r.map_err(Broke::Http));
    }
    if feeder.flush().await.is_err() {
        return Some(Err(Broke::Disk));
    }
    let waiting_since = tokio::time::Instant::now();
    loop {
        tokio::select! {
            biased;
            next = stream.next() => return next.map(|r| r.map_err(Broke::Http)),
            () = stall.as_mut() => {
                let quiet_until = waiting_since + options.stall_timeout;
                if tokio::time::Instant::now() < quiet_until {
                    stall.as_mut().reset(quiet_until);
                } else {
                    return Some(Err(Broke::Stalled));
                }
            }
        }
    }
}

/// Whatever arrived stays on disk, so the next attempt continues from it: flush, wait for the
/// writer, and (with `sync`) `fdatasync` the file. The bytes this attempt wrote.
async fn settle(
    mut feeder: writer::Feeder,
    seen: &mut Seen,
    partial: &Path,
    options: &DownloadOptions,
) -> Result<u64, AttemptError> {
    let disk = |source| {
        AttemptError::Disk(DownloadError::Disk {
            path: partial.to_path_buf(),
            source,
        })
    };
    let _ = feeder.flush().await;
    drop(feeder);
    let done = match seen.writer.take() {
        Some(w) => w.await.map_err(|e| std::io::Error::other(e.to_string())),
        None => Err(std::io::Error::other("the disk writer is gone")),
    };
    let done = done.map_err(disk)?;
    if let Some(e) = done.error {
        return Err(disk(e));
    }
    if options.sync {
        // fdatasync: the data and the size; writeback already ran during the transfer.
        let file = done.file;
        tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|r| r)
            .map_err(disk)?;
    } else {
        drop(done.file);
    }
    Ok(done.bytes)
}

/// Why the body stopped before its end.
enum Broke {
    Stalled,
    Http(reqwest::Error),
    /// The disk writer is gone: `settle` reports why.
    Disk,
}
