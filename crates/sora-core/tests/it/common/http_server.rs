//! Tiny HTTP/1.1 servers on 127.0.0.1 for the request-policy tests. Each records what it
//! received (so a test can assert which headers reached it) and answers as it is told,
//! including the ways real servers misbehave: silence, a trickle, an endless error body, an
//! upload it never reads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How to answer.
#[derive(Debug, Clone)]
pub enum Reply {
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then hold the connection open and never answer.
    Silent,
    /// Headers announcing `len` bytes, then one byte every `every`.
    Trickle {
        status: u16,
        every: Duration,
        len: u64,
    },
    /// A body of `len` bytes, written as fast as the client takes it.
    Huge { status: u16, len: u64 },
    /// Read the request's head but never its body, and never answer.
    NeverRead,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn bytes(status: u16, content_type: &str, body: &[u8]) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), content_type.into())],
            body: body.to_vec(),
        }
    }

    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("location".into(), location.into())],
            body: b"moved".to_vec(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A server; it stops when dropped.
pub struct Server {
    base: Url,
    seen: Arc<Mutex<Vec<Seen>>>,
    sent: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sent = Arc::new(AtomicU64::new(0));
        let handler: Arc<Handler> = Arc::new(handler);
        let task = {
            let seen = Arc::clone(&seen);
            let sent = Arc::clone(&sent);
            tokio::spawn(async move {
                while let Ok((socket, _)) = listener.accept().await {
                    let (seen, sent, handler) =
                        (Arc::clone(&seen), Arc::clone(&sent), Arc::clone(&handler));
                    tokio::spawn(async move {
                        let _ = serve(socket, &*handler, &seen, &sent).await;
                    });
                }
            })
        };
        Server {
            base: Url::parse(&format!("http://127.0.0.1:{port}/")).expect("url"),
            seen,
            sent,
            task,
        }
    }

    /// `http://127.0.0.1:PORT/` (the origin, with a trailing slash).
    pub fn base(&self) -> Url {
        self.base.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Body bytes the server managed to hand to the connection before the client hung up.
    pub fn body_bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

async fn serve(
    mut socket: TcpStream,
    handler: &Handler,
    seen: &Mutex<Vec<Seen>>,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 4096];
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return Ok(());
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut request = Seen {
        method,
        target,
        headers,
        body: buf[head_end..].to_vec(),
    };
    let reply = handler(&request);
    if !matches!(reply, Reply::NeverRead) {
        let len: usize = request
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while request.body.len() < len {
            let mut chunk = vec![0u8; 64 * 1024];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                break;
            }
            request.body.extend_from_slice(&chunk[..n]);
        }
    }
    if let Ok(mut all) = seen.lock() {
        all.push(request);
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (n, v) in headers {
                out.push_str(&format!("{n}: {v}\r\n"));
            }
            out.push_str("\r\n");
            socket.write_all(out.as_bytes()).await?;
            socket.write_all(&body).await?;
            socket.flush().await?;
            // Let the client read before the socket closes.
            let mut rest = [0u8; 1024];
            let _ = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut rest)).await;
        }
        Reply::Silent | Reply::NeverRead => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
        Reply::Trickle { status, every, len } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/octet-stream\r\ncontent-length: {len}\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            for _ in 0..len {
                tokio::time::sleep(every).await;
                socket.write_all(b"x").await?;
                socket.flush().await?;
                sent.fetch_add(1, Ordering::Relaxed);
            }
        }
        Reply::Huge { status, len } => {
            let head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {len}\r\n\r\n"
            );
            socket.write_all(head.as_bytes()).await?;
            let block = vec![b'x'; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(block.len() as u64) as usize;
                socket.write_all(&block[..n]).await?;
                sent.fetch_add(n as u64, Ordering::Relaxed);
                left -= n as u64;
            }
        }
    }
    Ok(())
}
