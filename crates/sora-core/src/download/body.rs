//! The streaming pump: the body into the partial through the pipelined writer, with one stall
//! timer for the whole body, the head checked against the media asked for as soon as it is in,
//! progress reported at most every `progress_every`, and the file synced before it is checked.

use std::path::Path;

use futures_util::StreamExt;

use super::attempt::{AttemptError, Seen};
use super::{
    DownloadError, DownloadOptions, DownloadSpec, Expect, HEAD_LEN, Report, Sink, Throttle,
    discard_partial, looks_like, partial_path, verify, writer,
};
use crate::http::{Direction, Http, Pace};

/// Stream `response` into `file` (which holds `written` bytes already); the bytes on disk once
/// the body ended, or why the attempt failed.
#[allow(clippy::too_many_arguments)]
pub(super) async fn pump(
    http: &Http,
    response: crate::http::Response,
    file: tokio::fs::File,
    written: u64,
    total: Option<u64>,
    spec: &DownloadSpec,
    options: &DownloadOptions,
    report: Sink<'_>,
    seen: &mut Seen,
) -> Result<u64, AttemptError> {
    let partial = partial_path(&spec.target);
    let disk = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AttemptError::Disk(DownloadError::Disk { path, source })
    };
    let mut written = written;
    let start_len = written;
    let from_start = written == 0;
    let file = file.into_std().await;
    let (mut feeder, handle) = writer::spawn(file, written, options.write_buffer, options.sync);
    seen.writer = Some(handle);
    let mut stream = response.into_inner().bytes_stream();
    // A trickle (a byte every few seconds) never stalls: the minimum rate ends it.
    let mut pace = Pace::new(http.policy(), tokio::time::Instant::now(), 0);
    let mut head: Vec<u8> = Vec::with_capacity(HEAD_LEN);
    let mut head_checked = !from_start;
    let mut throttle = Throttle::new(options.progress_every);
    // One stall timer for the whole body, pushed back only when it fires: no timer
    // registration per chunk.
    let stall = tokio::time::sleep(options.stall_timeout);
    tokio::pin!(stall);
    let broken = loop {
        let next: Option<Result<bytes::Bytes, Broke>> =
            match futures_util::FutureExt::now_or_never(stream.next()) {
                Some(next) => next.map(|r| r.map_err(Broke::Http)),
                None => {
                    // The network has nothing right now: hand the gathered bytes to the disk.
                    if feeder.flush().await.is_err() {
                        break None;
                    }
                    let waiting_since = tokio::time::Instant::now();
                    loop {
                        tokio::select! {
                            biased;
                            next = stream.next() => break next.map(|r| r.map_err(Broke::Http)),
                            () = &mut stall => {
                                let quiet_until = waiting_since + options.stall_timeout;
                                if tokio::time::Instant::now() < quiet_until {
                                    stall.as_mut().reset(quiet_until);
                                } else {
                                    break Some(Err(Broke::Stalled));
                                }
                            }
                        }
                    }
                }
            };
        let chunk = match next {
            None => break None,
            Some(Err(Broke::Stalled)) => {
                break Some(format!(
                    "stalled: no byte for {}s after {written} bytes",
                    options.stall_timeout.as_secs_f64()
                ));
            }
            Some(Err(Broke::Http(e))) => {
                break Some(format!(
                    "connection broke after {written} bytes: {}",
                    crate::http::error_chain(&e.without_url())
                ));
            }
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
    // Whatever arrived stays on disk, so the next attempt continues from it.
    let _ = feeder.flush().await;
    drop(feeder);
    let done = match seen.writer.take() {
        Some(w) => w.await.map_err(|e| std::io::Error::other(e.to_string())),
        None => Err(std::io::Error::other("the disk writer is gone")),
    };
    let done = done.map_err(disk(&partial))?;
    if let Some(e) = done.error {
        return Err(disk(&partial)(e));
    }
    let on_disk = start_len + done.bytes;
    if let Some(why) = broken {
        return Err(AttemptError::Body(why));
    }
    if options.sync {
        // fdatasync: the data and the size; writeback already ran during the transfer.
        let file = done.file;
        tokio::task::spawn_blocking(move || file.sync_data())
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|r| r)
            .map_err(disk(&partial))?;
    } else {
        drop(done.file);
    }
    Ok(on_disk)
}

/// Why the body stopped before its end.
enum Broke {
    Stalled,
    Http(reqwest::Error),
}
