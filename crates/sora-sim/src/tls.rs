//! The TLS listener: the same API routes over https, for clients that force it (fal-client).
//! The certificate is self-signed, made at start for `127.0.0.1` and `localhost`, and written
//! to a PEM file whose path [`SimHandle::tls_cert_file`](super::SimHandle::tls_cert_file) gives
//! (point `SSL_CERT_FILE` at it).

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A handshake that takes longer is dropped, so one silent client cannot hold the listener.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// Makes the certificate, writes it to `dir/sora-sim-<port>.pem`, and returns the acceptor.
pub(crate) fn acceptor(dir: &Path, port: u16) -> io::Result<(TlsAcceptor, PathBuf)> {
    let other = |e: &dyn std::fmt::Display| io::Error::other(e.to_string());
    let names = vec!["127.0.0.1".to_string(), "localhost".to_string()];
    let certified = rcgen::generate_simple_self_signed(names).map_err(|e| other(&e))?;
    let path = dir.join(format!("sora-sim-{port}.pem"));
    std::fs::write(&path, certified.cert.pem())?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| other(&e))?
        .with_no_client_auth()
        .with_single_cert(vec![certified.cert.der().clone()], key)
        .map_err(|e| other(&e))?;
    Ok((TlsAcceptor::from(Arc::new(config)), path))
}

pub(crate) struct TlsListener {
    pub(crate) tcp: TcpListener,
    pub(crate) acceptor: TlsAcceptor,
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // Bounded by the server's life: each turn waits for one client; failed handshakes are
        // dropped and the next client is awaited.
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            match tokio::time::timeout(HANDSHAKE_LIMIT, self.acceptor.accept(stream)).await {
                Ok(Ok(tls)) => return (tls, addr),
                Ok(Err(error)) => tracing::debug!(%error, "simulator TLS handshake failed"),
                Err(_) => tracing::debug!("simulator TLS handshake timed out"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
