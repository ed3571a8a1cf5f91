//! A simulator of the services sora-tui talks to, on one local HTTP listener:
//! - Azure OpenAI's Sora preview jobs API under `/openai/v1/video/generations/...` ([`azure`]);
//! - Azure OpenAI's Sora 2 Videos API under `/openai/v1/videos...` and OpenAI's Videos API under
//!   `/v1/videos...` ([`videos`]);
//! - Supabase Storage under `/storage/v1/...` ([`storage`]);
//! - Runway's API under `/v1/text_to_video`, `/v1/image_to_video`, `/v1/tasks/...`,
//!   `/v1/organization` ([`runway`]);
//! - fal.ai's queue for model ids under `fal-ai/`, `workflows/`, `comfy/` ([`fal`]);
//! - its own control routes under `/__sim/...` ([`control`]).
//!
//! Generated Runway and fal videos are served by a second listener, the media origin ([`media`]:
//! another port, signed expiring URLs, no key accepted). With [`SimConfig::tls`] the API routes
//! are also served over https with a certificate made at start ([`SimHandle::tls_cert_file`]).
//!
//! It follows the real wire formats (paths, query parameters, headers, JSON shapes, status codes,
//! error bodies; see `docs/sora-api*.md` and `docs/supabase-storage.md`), so a client that works
//! here works unchanged against the real services (`tests/python/test_openai_sdk.py` proves it
//! with the official `openai` SDK). Used by `sora-tui sim`, `sora-tui --demo` and the tests.
//!
//! Faults are data: [`FaultRule`]s (see [`faults`]) given in [`SimConfig::faults`], injected with
//! [`SimHandle::inject`] or `POST /__sim/faults`. Besides, [`SimConfig::content_delay`] and
//! [`SimConfig::fail_prompts_containing`] act on every job (both off by default: the defaults
//! are the services' nominal behaviour), and `--demo` users can type tags in a prompt
//! ([`demo_fault_tags`]):
//!
//! | tag | effect |
//! |---|---|
//! | `[429]` | the create is refused once with 429 and `Retry-After: 2`; its retry goes through |
//! | `[5xx]` | the job's next two status polls answer 503 |
//! | `[moderation]` | the job fails with the moderation failure |
//! | `[lag]` | the job's content answers 404 for 8 s after it completes |
//! | `[reset]` | the first download of the job's video is reset after 16 KiB |
//! | `[stall]` | the first download of the job's video stalls for 35 s after 16 KiB |
//! | `[html]` | the first download of the job's video answers 200 `text/html` |
//! | `[expired]` | the job's content answers as expired, every time |
//! | `[throttled]` | Runway only: the task is `THROTTLED` for two status steps |
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use std::time::Duration;
//! use sora_sim::SimConfig;
//!
//! let config = SimConfig { status_step: Duration::from_millis(100), ..SimConfig::default() };
//! let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into()).await?;
//! // Both AZURE_OPENAI_ENDPOINT and SUPABASE_URL:
//! let base = handle.base_url();
//! # let _ = base;
//! for line in sora_sim::env_lines(&handle, &config) {
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
mod control;
mod corrupt;
mod fal;
pub mod faults;
mod media;
mod multipart;
mod record;
mod runway;
mod serve;
mod spool;
mod storage;
mod tls;
mod videos;
mod wire;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Request, State};

use axum::response::Response;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use assets::{SAMPLE_MP4, SPRITESHEET_JPG, THUMBNAIL_JPG, THUMBNAIL_WEBP};
pub use faults::{
    Fault, FaultRule, FaultTarget, RetryAfter, Route as FaultRoute, Service, demo_fault_tags,
};
pub use record::{RECORDED_BODY_LIMIT, RecordedRequest};

use clock::Clock;
use faults::FaultEngine;
use record::Recorder;
pub(crate) use serve::fault_response;

/// Largest request body the simulator reads (uploads are streamed to disk, the rest held in
/// memory).
pub(crate) const MAX_BODY_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// What the simulated services accept and which faults they inject.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Key the Azure routes (Sora jobs and Sora 2 videos) accept, as `api-key: <key>` or
    /// `Authorization: Bearer <key>`.
    pub azure_api_key: String,
    /// Key the OpenAI routes (`/v1/videos`) accept, as `Authorization: Bearer <key>`.
    pub openai_api_key: String,
    /// Deployments the Azure Sora 2 routes (`/openai/v1/videos`) know; a create naming another
    /// answers Azure's 404 "The API deployment ... does not exist".
    pub azure_v1_deployments: Vec<String>,
    /// Secret the Storage routes check bearer JWTs with (HS256), like a project's JWT secret.
    pub supabase_jwt_secret: String,
    /// The service-role key: a JWT with role `service_role`, signed with the secret.
    pub supabase_key: String,
    /// The anon key: a JWT with role `anon`. Accepted, but row-level security without policies
    /// shows it no bucket and refuses its writes, as a fresh project does.
    pub supabase_anon_key: String,
    /// The newer key forms, as the hosted gateway maps them: `sb_secret_…` stands for the
    /// service role, `sb_publishable_…` for anon.
    pub supabase_secret_key: String,
    pub supabase_publishable_key: String,
    /// Time a job spends in each non-terminal status.
    pub status_step: Duration,
    /// Fault "content lags": after `succeeded`/`completed`, the content routes answer 404 for
    /// this long. Zero by default: the services serve content as soon as a job completes (so
    /// the official SDKs' `create_and_poll` then `download_content` works); `--demo` sets it.
    pub content_delay: Duration,
    /// Jobs, generations and their content are gone this long after the job's creation (Azure
    /// keeps them 24 hours); afterwards every route for them answers 404.
    pub content_ttl: Duration,
    /// Fault "moderation": jobs whose prompt contains this end `failed` (`input_moderation` on
    /// Azure Sora, `error.code` `moderation_blocked` on the Videos API).
    pub fail_prompts_containing: Option<String>,
    /// Deployments (and OpenAI models) that no longer exist: creating a job with one answers
    /// Azure's 404 "The API deployment ... does not exist" (what a retired `sora` deployment
    /// looks like), or OpenAI's 404 `model_not_found`.
    pub retired_models: Vec<String>,
    /// Largest object a standard (non-resumable) upload may store; a bucket's own
    /// `file_size_limit` can lower it. The sample server configs use 50 MiB.
    pub max_upload_bytes: u64,
    /// Buckets present at start: (name, public).
    pub buckets: Vec<(String, bool)>,
    /// Fault rules in force from the start (see [`faults`]).
    pub faults: Vec<FaultRule>,
    /// Keep Storage's buckets and objects in this directory and reload them on start
    /// (`sora-tui sim --data DIR`; uploads are spooled in `DIR/storage/tmp`); `None` keeps
    /// them for the run only (uploaded bytes in temporary files, removed with their objects).
    pub data_dir: Option<std::path::PathBuf>,
    /// The `X-Forwarded-Proto` a gateway in front of Storage sets, as in Supabase's self-host
    /// setup; `Some("https")` is a gateway that terminates TLS, so the resumable endpoint hands
    /// out `https://` upload URLs whatever the client spoke. `None`: the request's own header.
    pub gateway_forwarded_proto: Option<String>,
    /// Full (`200`) content and Storage downloads carry checksums of the whole file
    /// (`Repr-Digest: sha-256=…` and `Content-MD5`), as storage behind a CDN often adds. Off by
    /// default: the video services document none, so a client must not need them.
    pub content_digests: bool,
    /// A new job shows in the job lists only this long after it was created (a list that lags
    /// behind, as a busy service's may); `get` finds it at once.
    pub list_lag: Duration,
    /// Key Runway's routes accept, as `Authorization: Bearer <key>` (`RUNWAYML_API_SECRET`).
    pub runway_api_key: String,
    /// Runway tasks of one model that run at once; more wait as `THROTTLED`.
    pub runway_max_concurrent: usize,
    /// Each non-terminal step of a Runway task (PENDING, each RUNNING step); None: `status_step`.
    /// The demo slows them, since Runway is polled at most every 5 s.
    pub runway_step: Option<Duration>,
    /// The organization's `creditBalance`.
    pub runway_credit_balance: u64,
    /// Key fal's queue accepts, as `Authorization: Key <key>` (`FAL_KEY`).
    pub fal_key: String,
    /// Also serve the API routes over TLS on a port of their own (fal-client forces https).
    pub tls: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        let jwt_secret = "sim-jwt-secret-with-at-least-32-characters".to_string();
        Self {
            azure_api_key: "sim-azure-key".to_string(),
            openai_api_key: "sim-openai-key".to_string(),
            azure_v1_deployments: vec!["sora-2".to_string()],
            supabase_key: storage::sign_key(&jwt_secret, "service_role"),
            supabase_anon_key: storage::sign_key(&jwt_secret, "anon"),
            supabase_jwt_secret: jwt_secret,
            supabase_secret_key: "sb_secret_sim_0000000000000000000000".to_string(),
            supabase_publishable_key: "sb_publishable_sim_00000000000000000".to_string(),
            status_step: Duration::from_secs(1),
            content_delay: Duration::ZERO,
            content_ttl: Duration::from_secs(24 * 60 * 60),
            fail_prompts_containing: None,
            retired_models: Vec::new(),
            max_upload_bytes: 50 * 1024 * 1024,
            buckets: vec![
                ("input-images".to_string(), true),
                ("output-videos".to_string(), true),
            ],
            faults: Vec::new(),
            data_dir: None,
            gateway_forwarded_proto: None,
            content_digests: false,
            list_lag: Duration::ZERO,
            runway_api_key: format!("key_{}", "0".repeat(128)),
            runway_max_concurrent: 2,
            runway_step: None,
            runway_credit_balance: 5000,
            fal_key: "sim-fal-key-id:sim-fal-key-secret".to_string(),
            tls: false,
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
    pub(crate) videos: Mutex<videos::VideosState>,
    pub(crate) storage: Mutex<storage::StorageState>,
    pub(crate) faults: FaultEngine,
    pub(crate) runway: Mutex<runway::RunwayState>,
    pub(crate) fal: Mutex<fal::FalState>,
    pub(crate) media: media::MediaSigner,
}

/// A running simulator. Dropping it stops the server (without waiting); [`SimHandle::shutdown`]
/// stops it and waits for open connections to finish.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    media_addr: SocketAddr,
    tls: Option<(SocketAddr, std::path::PathBuf)>,
    sim: Arc<Sim>,
    stop: Option<watch::Sender<bool>>,
    servers: Vec<JoinHandle<()>>,
}

fn loopback(mut addr: SocketAddr) -> SocketAddr {
    if addr.ip().is_unspecified() {
        addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    addr
}

impl SimHandle {
    /// The address the listener is bound to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: both `AZURE_OPENAI_ENDPOINT` and `SUPABASE_URL`. An unspecified
    /// bind address (`0.0.0.0`) is shown as loopback, the address a local client can reach.
    pub fn base_url(&self) -> String {
        format!("http://{}", loopback(self.addr))
    }

    /// `http://127.0.0.1:PORT` of the media origin, where Runway's and fal's outputs are.
    pub fn media_url(&self) -> String {
        format!("http://{}", loopback(self.media_addr))
    }

    /// The TLS listener's `127.0.0.1:PORT` (what `FAL_QUEUE_RUN_HOST` takes), when
    /// [`SimConfig::tls`] is on.
    pub fn tls_host(&self) -> Option<String> {
        self.tls
            .as_ref()
            .map(|(addr, _)| loopback(*addr).to_string())
    }

    /// The PEM file of the TLS listener's self-signed certificate (for `SSL_CERT_FILE`).
    pub fn tls_cert_file(&self) -> Option<&std::path::Path> {
        self.tls.as_ref().map(|(_, path)| path.as_path())
    }

    /// Every request answered so far (oldest first; the oldest are dropped after 10 000).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.sim.recorder.snapshot()
    }

    pub fn clear_requests(&self) {
        self.sim.recorder.clear();
    }

    /// Adds a fault rule; it fires on the next `rule.times` matching requests.
    pub fn inject(&self, rule: FaultRule) {
        self.sim.faults.inject(rule);
    }

    /// The rules not yet used up, oldest first.
    pub fn faults(&self) -> Vec<FaultRule> {
        self.sim.faults.rules()
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.sim.faults.clear();
    }

    /// Moves the simulator's clock forward, e.g. past `content_ttl` to see content expire.
    pub fn advance_clock(&self, by: Duration) {
        self.sim.clock.advance(by);
    }

    /// Puts `count` small objects (`{prefix}/obj-000000.bin`...) straight into `bucket` (created,
    /// public, when missing), without HTTP: for paging tests and benchmarks with huge folders.
    pub fn seed_objects(&self, bucket: &str, prefix: &str, count: usize) {
        let now = self.sim.clock.wall(self.sim.clock.now());
        self.sim
            .storage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .seed(bucket, prefix, count, now);
        storage::persist_now(&self.sim);
    }

    /// Stops accepting connections and waits for the open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        for server in std::mem::take(&mut self.servers) {
            let _ = server.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        if let Some((_, cert)) = &self.tls {
            let _ = std::fs::remove_file(cert);
        }
    }
}

/// Starts the simulator on `addr` (port 0 picks a free port) and returns once it listens.
pub async fn start(config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    // The media origin: same interface, its own port.
    let media_listener = tokio::net::TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await?;
    let media_addr = media_listener.local_addr()?;
    let tls = if config.tls {
        let tcp = tokio::net::TcpListener::bind(SocketAddr::new(addr.ip(), 0)).await?;
        let tls_addr = tcp.local_addr()?;
        let (acceptor, cert) = tls::acceptor(&std::env::temp_dir(), tls_addr.port())?;
        Some((tls::TlsListener { tcp, acceptor }, tls_addr, cert))
    } else {
        None
    };
    let clock = Clock::new();
    let storage = storage::StorageState::open(
        &config.buckets,
        clock.wall(clock.now()),
        config.data_dir.as_deref(),
    )?;
    let faults = FaultEngine::new(config.faults.clone());
    let sim = Arc::new(Sim {
        config,
        clock,
        recorder: Recorder::default(),
        azure: Mutex::new(azure::AzureState::default()),
        videos: Mutex::new(videos::VideosState::default()),
        storage: Mutex::new(storage),
        faults,
        runway: Mutex::new(runway::RunwayState::default()),
        fal: Mutex::new(fal::FalState::default()),
        media: media::MediaSigner::new(format!("http://{}", loopback(media_addr))),
    });
    // One fallback handler routes by hand: it keeps every answer, including unknown routes and
    // wrong methods, in the real services' exact shapes (axum's own 404/405 would not be).
    let (stop, stopped) = watch::channel(false);
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let mut servers = Vec::new();
    let api = axum::serve(
        listener,
        Router::new()
            .fallback(dispatch)
            .with_state(Arc::clone(&sim)),
    )
    .with_graceful_shutdown(until_stopped());
    servers.push(tokio::spawn(async move {
        if let Err(error) = api.await {
            tracing::warn!(%error, "simulator server stopped with an error");
        }
    }));
    let media = axum::serve(
        media_listener,
        Router::new()
            .fallback(media::dispatch)
            .with_state(Arc::clone(&sim)),
    )
    .with_graceful_shutdown(until_stopped());
    servers.push(tokio::spawn(async move {
        if let Err(error) = media.await {
            tracing::warn!(%error, "simulator media origin stopped with an error");
        }
    }));
    let tls = match tls {
        Some((listener, tls_addr, cert)) => {
            let serve = axum::serve(
                listener,
                Router::new()
                    .fallback(dispatch_tls)
                    .with_state(Arc::clone(&sim)),
            )
            .with_graceful_shutdown(until_stopped());
            servers.push(tokio::spawn(async move {
                if let Err(error) = serve.await {
                    tracing::warn!(%error, "simulator TLS listener stopped with an error");
                }
            }));
            Some((tls_addr, cert))
        }
        None => None,
    };
    tracing::info!(%addr, %media_addr, "simulator listening");
    Ok(SimHandle {
        addr,
        media_addr,
        tls,
        sim,
        stop: Some(stop),
        servers,
    })
}

/// A Supabase-style key: an HS256 JWT with `role`, signed with `secret` (what
/// [`SimConfig::supabase_key`] and [`SimConfig::supabase_anon_key`] are, with the simulator's
/// secret).
pub fn supabase_jwt(secret: &str, role: &str) -> String {
    storage::sign_key(secret, role)
}

/// Lines for a shell (`eval "$(sora-tui sim)"`) that point the clients at the simulator, in the
/// official clients' names: Azure, Supabase, Runway (`runwayml`), and fal (`fal-client`: its
/// queue host and `SSL_CERT_FILE` only when [`SimConfig::tls`] is on, since it forces https).
pub fn env_lines(handle: &SimHandle, cfg: &SimConfig) -> Vec<String> {
    let base = handle.base_url();
    let mut lines = vec![
        format!("export AZURE_OPENAI_ENDPOINT={base}"),
        format!("export AZURE_OPENAI_API_KEY={}", cfg.azure_api_key),
        format!("export SUPABASE_URL={base}"),
        format!("export SUPABASE_SERVICE_ROLE_KEY={}", cfg.supabase_key),
        format!("export RUNWAYML_BASE_URL={base}"),
        format!("export RUNWAYML_API_SECRET={}", cfg.runway_api_key),
        format!("export FAL_KEY={}", cfg.fal_key),
    ];
    if let (Some(host), Some(cert)) = (handle.tls_host(), handle.tls_cert_file()) {
        lines.push(format!("export FAL_QUEUE_RUN_HOST={host}"));
        lines.push(format!("export SSL_CERT_FILE={}", cert.display()));
    }
    lines
}

/// Lines for a shell that point OpenAI clients at the simulator's `/v1` base
/// (`OPENAI_BASE_URL` is the variable the official SDKs read). Kept apart from [`env_lines`],
/// whose four lines callers parse.
pub fn openai_env_lines(handle: &SimHandle, cfg: &SimConfig) -> Vec<String> {
    vec![
        format!("export OPENAI_BASE_URL={}/v1", handle.base_url()),
        format!("export OPENAI_API_KEY={}", cfg.openai_api_key),
    ]
}

async fn dispatch(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    serve::serve_api(sim, request, false).await
}

async fn dispatch_tls(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    serve::serve_api(sim, request, true).await
}
