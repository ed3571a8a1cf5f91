//! The one request policy. Every request sora-tui makes — the video services, Storage and its
//! resumable uploads, content downloads, the download diagnostics, the doctor — is sent through
//! [`Http::send`], so they all share:
//!
//! - a connect timeout, a time-to-first-byte timeout, a stall timeout on bodies both ways
//!   (uploads included), a minimum rate so a trickle ends, and one deadline for a JSON exchange;
//! - capped reads: a JSON answer stops at `max_json_body`, an error answer at `max_error_body`
//!   (its text shortened for the screen and the journal; the log keeps it, capped);
//! - TLS always verified (no setting turns it off);
//! - redirects followed here: within the origin as they are, to another origin without any
//!   credential header and without a `Referer`, so a key never reaches a host it was not
//!   configured for.
//!
//! One [`Http`] (one connection pool) is built per process by the composition root
//! ([`crate::setup::http`]) and handed to every client.

mod body;
mod error;
mod policy;
mod redirect;
mod send;
mod text;
mod tls;
mod upload;

pub use body::{Pace, Response};
pub use error::{Direction, HttpError};
pub use policy::{HttpFile, HttpPolicy};
pub use send::Call;
pub use text::{
    error_chain, header_text, mask_secrets, redact_url, request_id, secrets_of, short_text,
};
pub use upload::{UploadProgress, upload_body};

use std::sync::Arc;

use reqwest::{IntoUrl, Method, RequestBuilder};

/// The HTTP client every component shares: one connection pool, one policy. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    policy: Arc<HttpPolicy>,
}

impl Http {
    /// A client under `policy`. TLS uses rustls with the ring provider, installed here once,
    /// so no C toolchain heavier than ring's is needed.
    pub fn new(policy: HttpPolicy) -> Result<Self, HttpError> {
        // Installing twice is harmless: the second call returns Err and the first provider stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = tls::client_config().map_err(|e| HttpError::Setup(e.to_string()))?;
        // The one place the client is built.
        #[allow(clippy::disallowed_methods)]
        let client = reqwest::Client::builder()
            // Always verified; the trust store is read at the first handshake (see `tls`).
            .tls_backend_preconfigured(tls)
            .connect_timeout(policy.connect_timeout)
            // Redirects are the policy's (see `redirect`): reqwest's would carry keys along.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(concat!("sora-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HttpError::Setup(error_chain(&e)))?;
        Ok(Self {
            client,
            policy: Arc::new(policy),
        })
    }

    pub fn policy(&self) -> &HttpPolicy {
        &self.policy
    }

    /// A request to fill in, then hand to [`Http::send`].
    pub fn request(&self, method: Method, url: impl IntoUrl) -> RequestBuilder {
        self.client.request(method, url)
    }

    pub fn get(&self, url: impl IntoUrl) -> RequestBuilder {
        self.client.get(url)
    }
}

/// A client under the default policy (tests, examples; the program builds its one client from
/// the configuration with [`crate::setup::http`]).
pub fn client() -> Result<Http, HttpError> {
    Http::new(HttpPolicy::default())
}
