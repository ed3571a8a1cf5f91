//! The disk side of a download: a blocking thread appends the body to the partial file while
//! the async side keeps receiving, so network and disk work overlap instead of taking turns.
//!
//! The async side gathers received chunks (zero-copy `Bytes` slices of hyper's read buffer)
//! into batches of up to `write_buffer` bytes and hands them over a bounded channel; the
//! writer writes each batch with one `writev`. At most [`IN_FLIGHT`] batches wait, so memory
//! stays bounded (a few MiB) whatever the file size. On Linux, with `sync` on, the writer also
//! starts writeback of each [`WRITEBACK_EVERY`] bytes as soon as they are written and waits for
//! the range before it, so the dirty page cache stays small and the final `fdatasync` has
//! almost nothing left to write.

use std::fs::File;
use std::io::{self, IoSlice, Write};

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Batches queued between the network and the disk.
const IN_FLIGHT: usize = 8;
/// Writeback is started every this many bytes (Linux, `sync` on).
#[cfg(target_os = "linux")]
const WRITEBACK_EVERY: u64 = 8 << 20;

/// What the writer did once its channel closed (or a write failed).
#[derive(Debug)]
pub(super) struct Written {
    /// Bytes appended by this writer.
    pub bytes: u64,
    /// The first write error; nothing was written after it.
    pub error: Option<io::Error>,
    /// The file, for the final sync.
    pub file: File,
}

/// The async side: gathers chunks and feeds the writer thread.
pub(super) struct Feeder {
    tx: mpsc::Sender<Vec<Bytes>>,
    batch: Vec<Bytes>,
    batch_len: usize,
    batch_max: usize,
}

/// Start a writer appending to `file`, whose current length is `start`.
pub(super) fn spawn(
    file: File,
    start: u64,
    batch_max: usize,
    writeback: bool,
) -> (Feeder, JoinHandle<Written>) {
    let (tx, rx) = mpsc::channel(IN_FLIGHT);
    let handle = tokio::task::spawn_blocking(move || run(file, start, writeback, rx));
    let feeder = Feeder {
        tx,
        batch: Vec::with_capacity(64),
        batch_len: 0,
        batch_max: batch_max.max(1),
    };
    (feeder, handle)
}

impl Feeder {
    /// Add a chunk; hands the batch over (waiting for room) once it is large enough.
    /// `Err(())` means the writer has stopped: its error is in [`Written`].
    pub async fn push(&mut self, chunk: Bytes) -> Result<(), ()> {
        self.batch_len += chunk.len();
        self.batch.push(chunk);
        if self.batch_len >= self.batch_max {
            self.flush().await?;
        }
        Ok(())
    }

    /// Hand over whatever is gathered (the network has nothing more right now).
    pub async fn flush(&mut self) -> Result<(), ()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(64));
        self.batch_len = 0;
        self.tx.send(batch).await.map_err(|_| ())
    }
}

fn run(mut file: File, start: u64, writeback: bool, mut rx: mpsc::Receiver<Vec<Bytes>>) -> Written {
    let mut bytes = 0u64;
    let mut flusher = Writeback::new(start, writeback);
    while let Some(batch) = rx.blocking_recv() {
        if let Err(e) = write_all_vectored(&mut file, &batch) {
            return Written {
                bytes,
                error: Some(e),
                file,
            };
        }
        bytes += batch.iter().map(|b| b.len() as u64).sum::<u64>();
        drop(batch);
        flusher.written(&file, start + bytes);
    }
    Written {
        bytes,
        error: None,
        file,
    }
}

/// `write_all` for a list of buffers, one `writev` per round.
fn write_all_vectored(file: &mut File, bufs: &[Bytes]) -> io::Result<()> {
    let mut slices: Vec<IoSlice<'_>> = bufs.iter().map(|b| IoSlice::new(b)).collect();
    let mut left = &mut slices[..];
    IoSlice::advance_slices(&mut left, 0);
    while !left.is_empty() {
        match file.write_vectored(left) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut left, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Early writeback: start writing each window out as soon as it is complete, and wait for the
/// window before it, so at most two windows are dirty and the final sync is short.
struct Writeback {
    #[cfg(target_os = "linux")]
    on: bool,
    /// Start of the window being filled.
    #[cfg(target_os = "linux")]
    window: u64,
    /// The previous window, whose writeback was started and is waited for next.
    #[cfg(target_os = "linux")]
    started: Option<(u64, u64)>,
}

impl Writeback {
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn new(start: u64, on: bool) -> Self {
        Self {
            #[cfg(target_os = "linux")]
            on,
            #[cfg(target_os = "linux")]
            window: start,
            #[cfg(target_os = "linux")]
            started: None,
        }
    }

    /// The file now ends at `end`.
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    fn written(&mut self, file: &File, end: u64) {
        #[cfg(target_os = "linux")]
        {
            if !self.on || end - self.window < WRITEBACK_EVERY {
                return;
            }
            // Best effort: an error here only means the final sync has more to do.
            if let Some((off, len)) = self.started.take() {
                linux::wait_written(file, off, len);
            }
            let (off, len) = (self.window, end - self.window);
            linux::start_writeback(file, off, len);
            self.started = Some((off, len));
            self.window = end;
        }
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::File;
    use std::os::fd::AsRawFd;

    fn range(off: u64, len: u64) -> Option<(libc::off64_t, libc::off64_t)> {
        Some((off.try_into().ok()?, len.try_into().ok()?))
    }

    /// Queue the range for writeback without waiting.
    pub fn start_writeback(file: &File, off: u64, len: u64) {
        if let Some((off, len)) = range(off, len) {
            // SAFETY: a valid open descriptor; the call only reads its arguments.
            unsafe {
                libc::sync_file_range(file.as_raw_fd(), off, len, libc::SYNC_FILE_RANGE_WRITE);
            }
        }
    }

    /// Wait until the range is on its way to the disk, then drop it from the page cache.
    pub fn wait_written(file: &File, off: u64, len: u64) {
        if let Some((off, len)) = range(off, len) {
            let flags = libc::SYNC_FILE_RANGE_WAIT_BEFORE
                | libc::SYNC_FILE_RANGE_WRITE
                | libc::SYNC_FILE_RANGE_WAIT_AFTER;
            // SAFETY: as above; fadvise only advises the kernel about the page cache.
            unsafe {
                libc::sync_file_range(file.as_raw_fd(), off, len, flags);
                libc::posix_fadvise(file.as_raw_fd(), off, len, libc::POSIX_FADV_DONTNEED);
            }
        }
    }
}
