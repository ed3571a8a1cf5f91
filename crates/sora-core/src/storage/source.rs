//! The disk side of an upload: the file is opened once and read by a blocking thread in large
//! blocks, ahead of the connection, over a bounded channel (the download writer in reverse).
//!
//! Reading through `tokio::fs` costs a round trip to the blocking pool for every read; here one
//! blocking thread per range reads [`BLOCK`]-sized blocks with positioned reads (`pread`), so a
//! range can be read while another is still being sent (the next TUS chunk while the last is
//! in flight) from the one open file. At most [`AHEAD`] blocks of a range wait in memory.
//!
//! Blocks come from a small pool of buffers that return to it once the connection has sent
//! them, so a gigabyte costs no allocation, page fault or zeroing per block.
//!
//! The connection is handed [`SLICE`]-sized zero-copy slices of each block, as many bytes at a
//! time as before, so the upload's stall and pace watch (which notes every piece the connection
//! takes) sees the same progress on a slow link.

use std::fs::File;
use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::mpsc;

use super::StorageError;

/// Bytes read from the file at a time.
const BLOCK: usize = 1024 * 1024;
/// Blocks of one range read ahead of the connection.
const AHEAD: usize = 2;
/// Buffers kept for reuse: two ranges' read-ahead, the blocks being sent, and one being read.
const POOLED: usize = 2 * AHEAD + 4;
/// Bytes handed to the connection at a time.
const SLICE: usize = 256 * 1024;

/// A local file being uploaded, open for the whole upload.
#[derive(Debug, Clone)]
pub(super) struct Source {
    file: Arc<File>,
    len: u64,
    pool: Pool,
}

/// Block buffers sent and free again.
type Pool = Arc<Mutex<Vec<Vec<u8>>>>;

/// A block that goes back to the pool when the last slice of it is dropped.
struct Pooled {
    buf: Vec<u8>,
    pool: Pool,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        let mut pool = self.pool.lock().unwrap_or_else(PoisonError::into_inner);
        if pool.len() < POOLED {
            pool.push(std::mem::take(&mut self.buf));
        }
    }
}

impl Source {
    /// Open `path` for reading; refused unless it is a regular file (a FIFO or a device has no
    /// length to announce and may never end).
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let file_err = |source| StorageError::File {
            path: path.display().to_string(),
            source,
        };
        let handle = tokio::fs::File::open(path).await.map_err(file_err)?;
        let meta = handle.metadata().await.map_err(file_err)?;
        if let Some(why) = crate::local_file::not_regular(&meta) {
            return Err(file_err(io::Error::new(io::ErrorKind::InvalidInput, why)));
        }
        Ok(Self {
            file: Arc::new(handle.into_std().await),
            len: meta.len(),
            pool: Pool::default(),
        })
    }

    /// The file's length when it was opened.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// `len` bytes from `offset`, as a request body stream. A blocking thread starts reading at
    /// once and stays at most [`AHEAD`] blocks ahead; dropping the stream stops it. A file that
    /// ends early gives an error, never a short body.
    pub fn range(&self, offset: u64, len: u64) -> Range {
        let blocks = usize::try_from(len.div_ceil(BLOCK as u64)).unwrap_or(AHEAD);
        let (tx, rx) = mpsc::channel(blocks.clamp(1, AHEAD));
        let file = Arc::clone(&self.file);
        let pool = Arc::clone(&self.pool);
        // Not awaited: the thread ends when the range is read or the stream is dropped.
        drop(tokio::task::spawn_blocking(move || {
            read_range(&file, &pool, offset, len, &tx);
        }));
        Range {
            rx,
            block: Bytes::new(),
        }
    }
}

/// A range of the file as a body stream (see [`Source::range`]).
pub(super) struct Range {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    /// What is left of the block being handed out.
    block: Bytes,
}

impl Stream for Range {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.block.is_empty() {
            match self.rx.poll_recv(cx) {
                Poll::Ready(Some(Ok(block))) => self.block = block,
                other => return other,
            }
        }
        let n = self.block.len().min(SLICE);
        Poll::Ready(Some(Ok(self.block.split_to(n))))
    }
}

fn read_range(
    file: &File,
    pool: &Pool,
    mut offset: u64,
    len: u64,
    tx: &mpsc::Sender<io::Result<Bytes>>,
) {
    let end = offset.saturating_add(len);
    while offset < end {
        let n = usize::try_from(end - offset).map_or(BLOCK, |left| left.min(BLOCK));
        let buf = pool.lock().unwrap_or_else(PoisonError::into_inner).pop();
        let block = read_block(file, buf.unwrap_or_default(), offset, n).map(|buf| {
            Bytes::from_owner(Pooled {
                buf,
                pool: Arc::clone(pool),
            })
        });
        let failed = block.is_err();
        // An error means the body was dropped: nobody wants the rest.
        if tx.blocking_send(block).is_err() || failed {
            return;
        }
        offset += n as u64;
    }
}

/// Exactly `n` bytes at `offset`, into `buf` (a pooled buffer or a new one).
fn read_block(file: &File, mut buf: Vec<u8>, offset: u64, n: usize) -> io::Result<Vec<u8>> {
    // Only a new buffer, or the last, shorter block, costs a fill.
    buf.resize(n, 0);
    let mut filled = 0;
    while filled < n {
        match read_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the file ended at {} bytes while it was being uploaded (was it changed or truncated?)",
                        offset + filled as u64
                    ),
                ));
            }
            Ok(k) => filled += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(buf)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn collect(range: Range) -> io::Result<(Vec<u8>, usize)> {
        let pieces: Vec<io::Result<Bytes>> = range.collect().await;
        let mut out = Vec::new();
        let mut largest = 0;
        for piece in pieces {
            let piece = piece?;
            largest = largest.max(piece.len());
            out.extend_from_slice(&piece);
        }
        Ok((out, largest))
    }

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 31 % 251) as u8).collect()
    }

    #[tokio::test]
    async fn ranges_read_exactly_their_bytes_in_slices_from_one_open_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v.mp4");
        let bytes = data(3 * BLOCK + 12_345);
        std::fs::write(&path, &bytes).expect("write");
        let source = Source::open(&path).await.expect("open");
        assert_eq!(source.len(), bytes.len() as u64);
        // Two ranges read at once, one crossing block boundaries, as TUS reads ahead.
        let a = source.range(0, BLOCK as u64 + 7);
        let b = source.range(BLOCK as u64 + 7, bytes.len() as u64 - BLOCK as u64 - 7);
        let (got_b, largest) = collect(b).await.expect("b");
        let (got_a, _) = collect(a).await.expect("a");
        assert_eq!(got_a, bytes[..BLOCK + 7]);
        assert_eq!(got_b, bytes[BLOCK + 7..]);
        assert!(
            largest <= SLICE,
            "pieces of at most {SLICE} bytes, got {largest}"
        );
        let (empty, _) = collect(source.range(5, 0)).await.expect("empty");
        assert!(empty.is_empty());
    }

    #[tokio::test]
    async fn a_file_cut_short_under_the_upload_is_an_error_not_a_short_body() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("v.mp4");
        std::fs::write(&path, data(100_000)).expect("write");
        let source = Source::open(&path).await.expect("open");
        std::fs::write(&path, data(10)).expect("truncate");
        let error = collect(source.range(0, 100_000))
            .await
            .expect_err("cut short");
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
        assert!(error.to_string().contains("ended at 10 bytes"), "{error}");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_device_is_refused_before_anything_is_sent() {
        let error = Source::open(Path::new("/dev/zero"))
            .await
            .expect_err("a device");
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }
}
