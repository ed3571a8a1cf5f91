//! A simulator of the services sora-tui talks to, on one local HTTP listener:
//! - Azure OpenAI's Sora preview jobs API under `/openai/v1/video/generations/...` ([`azure`]);
//! - Supabase Storage under `/storage/v1/...` ([`storage`]).
//!
//! It follows the real wire formats (paths, query parameters, headers, JSON shapes, status codes,
//! error bodies; see `docs/sora-api*.md` and `docs/supabase-storage.md`), so a client that works
//! here works unchanged against the real services. Faults are injected through [`SimConfig`].
//! Used by `sora-tui sim`, `sora-tui --demo` and the tests.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use sora_tui::sim::{self, SimConfig};
//!
//! let config = SimConfig { status_step: Duration::from_millis(100), ..SimConfig::default() };
//! let handle = sim::start(config.clone(), ([127, 0, 0, 1], 0).into()).await?;
//! // Both AZURE_OPENAI_ENDPOINT and SUPABASE_URL:
//! let base = handle.base_url();
//! # let _ = base;
//! for line in sim::env_lines(&handle, &config) {
//!     println!("{line}");
//! }
//! let seen = handle.requests(); // what clients sent, with the status each got
//! # let _ = seen;
//! handle.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod assets;
mod azure;
mod clock;
mod md5;
mod record;
mod storage;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use assets::{SAMPLE_MP4, THUMBNAIL_JPG};
pub use record::{RECORDED_BODY_LIMIT, RecordedRequest};

use clock::Clock;
use record::Recorder;
use wire::SimRequest;

/// Largest request body the simulator reads (uploads are held in memory).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// What the simulated services accept and which faults they inject.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Key the Azure routes accept, as `api-key: <key>` or `Authorization: Bearer <key>`.
    pub azure_api_key: String,
    /// Token the Storage routes accept as `Authorization: Bearer <key>` (a service-role key).
    pub supabase_key: String,
    /// Time a job spends in each non-terminal status.
    pub status_step: Duration,
    /// Fault "content lags": after `succeeded`, the content routes answer 404 for this long.
    pub content_delay: Duration,
    /// Jobs, generations and their content are gone this long after the job's creation (Azure
    /// keeps them 24 hours); afterwards every route for them answers 404.
    pub content_ttl: Duration,
    /// Fault "moderation": jobs whose prompt contains this end `failed` with `input_moderation`.
    pub fail_prompts_containing: Option<String>,
    /// Deployments that no longer exist: creating a job with one answers Azure's 404
    /// "The API deployment ... does not exist" (what a retired `sora` deployment looks like).
    pub retired_models: Vec<String>,
    /// Largest object a standard (non-resumable) upload may store; a bucket's own
    /// `file_size_limit` can lower it. The sample server configs use 50 MiB.
    pub max_upload_bytes: u64,
    /// Buckets present at start: (name, public).
    pub buckets: Vec<(String, bool)>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            azure_api_key: "sim-azure-key".to_string(),
            supabase_key: "sim-service-role-key".to_string(),
            status_step: Duration::from_secs(1),
            content_delay: Duration::from_secs(3),
            content_ttl: Duration::from_secs(24 * 60 * 60),
            fail_prompts_containing: None,
            retired_models: Vec::new(),
            max_upload_bytes: 50 * 1024 * 1024,
            buckets: vec![
                ("input-images".to_string(), true),
                ("output-videos".to_string(), true),
            ],
        }
    }
}

/// The state every handler sees.
#[derive(Debug)]
pub(crate) struct Sim {
    pub(crate) config: SimConfig,
    pub(crate) clock: Clock,
    pub(crate) recorder: Recorder,
    pub(crate) azure: Mutex<azure::AzureState>,
    pub(crate) storage: Mutex<storage::StorageState>,
}

/// A running simulator. Dropping it stops the server (without waiting); [`SimHandle::shutdown`]
/// stops it and waits for open connections to finish.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    sim: Arc<Sim>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl SimHandle {
    /// The address the listener is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: both `AZURE_OPENAI_ENDPOINT` and `SUPABASE_URL`. An unspecified
    /// bind address (`0.0.0.0`) is shown as loopback, the address a local client can reach.
    pub fn base_url(&self) -> String {
        let mut addr = self.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        format!("http://{addr}")
    }

    /// Every request answered so far (oldest first; the oldest are dropped after 10 000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.sim.recorder.snapshot()
    }

    pub fn clear_requests(&self) {
        self.sim.recorder.clear();
    }

    /// Moves the simulator's clock forward, e.g. past `content_ttl` to see content expire.
    pub fn advance_clock(&self, by: Duration) {
        self.sim.clock.advance(by);
    }

    /// Stops accepting connections and waits for the open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts the simulator on `addr` (port 0 picks a free port) and returns once it listens.
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let clock = Clock::new();
    let storage = storage::StorageState::new(&config.buckets, clock.wall(clock.now()));
    let sim = Arc::new(Sim {
        config,
        clock,
        recorder: Recorder::default(),
        azure: Mutex::new(azure::AzureState::default()),
        storage: Mutex::new(storage),
    });
    // One fallback handler routes by hand: it keeps every answer, including unknown routes and
    // wrong methods, in the real services' exact shapes (axum's own 404/405 would not be).
    let app = Router::new()
        .fallback(dispatch)
        .with_state(Arc::clone(&sim));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        if let Err(error) = serve.await {
            tracing::warn!(%error, "simulator server stopped with an error");
        }
    });
    tracing::info!(%addr, "simulator listening");
    Ok(SimHandle {
        addr,
        sim,
        stop: Some(stop),
        server: Some(server),
    })
}

/// Lines for a shell (`eval "$(sora-tui sim)"`) that point the clients at the simulator.
pub fn env_lines(handle: &SimHandle, cfg: &SimConfig) -> Vec<String> {
    let base = handle.base_url();
    vec![
        format!("export AZURE_OPENAI_ENDPOINT={base}"),
        format!("export AZURE_OPENAI_API_KEY={}", cfg.azure_api_key),
        format!("export SUPABASE_URL={base}"),
        format!("export SUPABASE_SERVICE_ROLE_KEY={}", cfg.supabase_key),
    ]
}

async fn dispatch(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            tracing::debug!(%error, "simulator could not read a request body");
            let mut response = wire::empty_response(StatusCode::PAYLOAD_TOO_LARGE);
            if !storage::owns(parts.uri.path()) {
                azure::add_request_id(&mut response);
            }
            return response;
        }
    };
    let request = SimRequest {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
    };
    let response = if storage::owns(&request.path) {
        storage::handle(&sim, &request)
    } else {
        azure::handle(&sim, &request)
    };
    sim.recorder.record(&request, response.status().as_u16());
    response
}
