//! Upload bodies the policy can watch: a wrapper around the stream that notes every chunk the
//! connection takes. A stream that is not polled cannot time itself out, so the send loop reads
//! these notes and ends an upload the server stopped taking (stall) or takes too slowly.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::Instant;

/// How far an upload body got, shared between the body and the send loop.
#[derive(Debug, Clone)]
pub struct UploadProgress(Arc<State>);

#[derive(Debug)]
struct State {
    origin: Instant,
    len: u64,
    taken: AtomicU64,
    /// Milliseconds after `origin` of the last chunk taken (or of the start).
    last_ms: AtomicU64,
}

impl UploadProgress {
    /// Bytes the connection has taken so far.
    pub fn taken(&self) -> u64 {
        self.0.taken.load(Ordering::Relaxed)
    }

    /// Every byte of the body was taken: what is left is waiting for the answer.
    pub fn done(&self) -> bool {
        self.taken() >= self.0.len
    }

    /// When the last chunk was taken (or the body was made, before the first).
    pub fn last_activity(&self) -> Instant {
        self.0.origin + std::time::Duration::from_millis(self.0.last_ms.load(Ordering::Relaxed))
    }

    fn took(&self, n: usize) {
        let ms = u64::try_from(self.0.origin.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.0.last_ms.store(ms, Ordering::Relaxed);
        self.0.taken.fetch_add(n as u64, Ordering::Relaxed);
    }
}

type Chunks = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

struct Watched {
    inner: Chunks,
    progress: UploadProgress,
}

impl Stream for Watched {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let next = self.inner.as_mut().poll_next(cx);
        if let Poll::Ready(Some(Ok(chunk))) = &next {
            self.progress.took(chunk.len());
        }
        next
    }
}

/// A request body of `len` bytes from `stream`, and the progress the send loop watches. Send
/// it with [`Call::Upload`](super::Call::Upload) and the progress.
pub fn upload_body<S>(stream: S, len: u64) -> (reqwest::Body, UploadProgress)
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + 'static,
{
    let progress = UploadProgress(Arc::new(State {
        origin: Instant::now(),
        len,
        taken: AtomicU64::new(0),
        last_ms: AtomicU64::new(0),
    }));
    let body = reqwest::Body::wrap_stream(Watched {
        inner: Box::pin(stream),
        progress: progress.clone(),
    });
    (body, progress)
}
