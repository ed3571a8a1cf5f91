//! A Toxiproxy-style TCP proxy for the tests: it sits between the client and the simulator and
//! does to the bytes coming back what a bad network does — latency with jitter on every write,
//! bodies sliced into tiny writes, and a video download that goes silent part way. Every
//! connection gets the latency and slicing; the silence happens once, so a retry (a new
//! connection) gets through, as on a real network that recovered.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, Default)]
pub struct Faults {
    /// Every read from the server is passed on this much later, plus up to `jitter`.
    pub latency: Duration,
    pub jitter: Duration,
    /// Writes back to the client are at most this many bytes (0: as read).
    pub slice: usize,
    /// After this many bytes of the first body of type `video/mp4` back to the client, that
    /// connection sends nothing for `silent_for` (once per proxy).
    pub silent_after: Option<usize>,
    pub silent_for: Duration,
}

/// A running proxy; it stops with its runtime when dropped.
pub struct FaultProxy {
    pub addr: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr, faults: Faults) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("proxy listens");
        let addr = listener.local_addr().expect("proxy addr");
        let silenced_once = Arc::new(AtomicBool::new(false));
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(relay(client, upstream, faults, Arc::clone(&silenced_once)));
            }
        });
        Self {
            addr,
            _runtime: runtime,
        }
    }
}

async fn relay(
    client: TcpStream,
    upstream: SocketAddr,
    faults: Faults,
    silenced_once: Arc<AtomicBool>,
) {
    let Ok(server) = TcpStream::connect(upstream).await else {
        return;
    };
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    // Requests go up untouched.
    let up = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        let _ = server_write.shutdown().await;
    });
    // Bytes of the video answer sent so far, once its header went by.
    let mut video_bytes: Option<usize> = None;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match server_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if video_bytes.is_none() && buf[..n].windows(9).any(|w| w == b"video/mp4") {
            video_bytes = Some(0);
        }
        // Latency with jitter on every read from the server, then its bytes in small writes.
        let jitter = faults.jitter.mul_f64(fastrand::f64());
        if !(faults.latency + jitter).is_zero() {
            tokio::time::sleep(faults.latency + jitter).await;
        }
        let step = if faults.slice == 0 { n } else { faults.slice };
        for piece in buf[..n].chunks(step) {
            // Where in this piece the silence falls: the bytes before it go out first.
            let cut = match (video_bytes, faults.silent_after) {
                (Some(sent), Some(after)) if sent + piece.len() > after => {
                    after.saturating_sub(sent).min(piece.len())
                }
                _ => piece.len(),
            };
            let (before, after) = piece.split_at(cut);
            if client_write.write_all(before).await.is_err() {
                up.abort();
                return;
            }
            if !after.is_empty() {
                if !silenced_once.swap(true, Ordering::SeqCst) {
                    let _ = client_write.flush().await;
                    tokio::time::sleep(faults.silent_for).await;
                }
                if client_write.write_all(after).await.is_err() {
                    up.abort();
                    return;
                }
            }
            if let Some(sent) = video_bytes.as_mut() {
                *sent += piece.len();
            }
        }
    }
    let _ = client_write.shutdown().await;
    up.abort();
}
