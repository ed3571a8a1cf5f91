//! The engine: turns [`Command`]s into background tokio tasks and reports [`EngineEvent`]s over
//! one channel. Front ends never await the network themselves.

pub mod command;
pub mod events;
mod generate;
mod storage_ops;
mod upload;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

pub use command::{Command, ListQuery, PAGE_SIZE, StorageOp};
pub use events::{
    Attempt, AttemptOutcome, DownloadKey, EngineEvent, JobKey, StorageDone, StorageFailure,
};

use crate::download::RetrySchedule;
use crate::providers::{ContentVariant, Provider};
use crate::storage::StorageClient;
use generate::Start;

/// Knobs of the engine, resolved from the configuration.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Where finished videos are written.
    pub download_dir: PathBuf,
    /// Base interval between two polls of a running job.
    pub poll_interval: Duration,
    /// Waits between download attempts that may succeed later (404 just after success, 5xx).
    pub retry_schedule: RetrySchedule,
    /// Bucket that receives generated videos.
    pub output_bucket: String,
    /// Also fetch each output's thumbnail.
    pub thumbnails: bool,
}

/// The services the engine talks to; either may be missing (not configured).
#[derive(Debug, Clone)]
pub struct Services {
    pub provider: Option<Provider>,
    pub storage: Option<StorageClient>,
}

/// Everything a background task needs, shared by all of them.
struct Ctx {
    services: Services,
    settings: EngineSettings,
    events: UnboundedSender<EngineEvent>,
    cancel: CancellationToken,
    http: Result<reqwest::Client, String>,
    /// Service job ids by local key, so an upload can be filed under its job.
    job_ids: Mutex<HashMap<JobKey, String>>,
}

impl Ctx {
    fn send(&self, event: EngineEvent) {
        // A closed channel means the front end is gone; there is no one left to tell.
        let _ = self.events.send(event);
    }

    fn remember_job_id(&self, key: JobKey, id: &str) {
        if let Ok(mut map) = self.job_ids.lock() {
            map.insert(key, id.to_string());
        }
    }

    fn job_id(&self, key: JobKey) -> Option<String> {
        self.job_ids.lock().ok().and_then(|m| m.get(&key).cloned())
    }
}

/// Handle used by front ends. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    ctx: Arc<Ctx>,
}

impl Engine {
    pub fn new(
        services: Services,
        settings: EngineSettings,
        events: UnboundedSender<EngineEvent>,
    ) -> Self {
        Self {
            ctx: Arc::new(Ctx {
                services,
                settings,
                events,
                cancel: CancellationToken::new(),
                http: crate::http::client(),
                job_ids: Mutex::new(HashMap::new()),
            }),
        }
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.ctx.settings
    }

    pub fn services(&self) -> &Services {
        &self.ctx.services
    }

    /// Start the work a command asks for in the background. Never blocks; must be called
    /// from within a tokio runtime.
    pub fn dispatch(&self, command: Command) {
        let ctx = Arc::clone(&self.ctx);
        match command {
            Command::Generate {
                key,
                request,
                upload,
            } => {
                let variants = self.default_variants();
                spawn_job(ctx, key, Start::New(request), variants, upload);
            }
            Command::Remix {
                key,
                source_id,
                prompt,
                upload,
            } => {
                let variants = self.default_variants();
                let start = Start::Remix {
                    source: source_id,
                    prompt,
                };
                spawn_job(ctx, key, start, variants, upload);
            }
            Command::Fetch {
                key,
                job_id,
                variants,
                upload,
            } => spawn_job(ctx, key, Start::Existing { id: job_id }, variants, upload),
            Command::Upload { job, path } => {
                tokio::spawn(async move {
                    upload::run(&ctx, job, &path).await;
                });
            }
            Command::ListBuckets => {
                tokio::spawn(async move {
                    let result = match &ctx.services.storage {
                        Some(s) => s.list_buckets().await.map_err(|e| e.to_string()),
                        None => Err(NO_STORAGE.into()),
                    };
                    ctx.send(EngineEvent::BucketsListed(result));
                });
            }
            Command::ListObjects {
                bucket,
                prefix,
                query,
            } => {
                tokio::spawn(async move {
                    let result = storage_ops::list_page(&ctx, &bucket, &prefix, &query).await;
                    ctx.send(EngineEvent::ObjectsListed {
                        bucket,
                        prefix,
                        query,
                        result,
                    });
                });
            }
            Command::Storage(op) => {
                tokio::spawn(async move {
                    let result = storage_ops::run(&ctx, &op).await;
                    ctx.send(EngineEvent::Storage { op, result });
                });
            }
            // The terminal runtime writes the clipboard escape; a headless engine has no terminal.
            Command::CopyToClipboard(_) => {}
        }
    }

    /// The video, plus the thumbnail when the settings ask for it.
    fn default_variants(&self) -> Vec<ContentVariant> {
        let mut v = vec![ContentVariant::Video];
        if self.ctx.settings.thumbnails {
            v.push(ContentVariant::Thumbnail);
        }
        v
    }

    /// Stop every task this engine started (on quit).
    pub fn shutdown(&self) {
        self.ctx.cancel.cancel();
    }
}

fn spawn_job(
    ctx: Arc<Ctx>,
    key: JobKey,
    start: Start,
    variants: Vec<ContentVariant>,
    upload: bool,
) {
    tokio::spawn(async move {
        let ok = generate::run(&ctx, key, start, &variants, upload).await;
        ctx.send(EngineEvent::JobComplete { key, ok });
    });
}

const NO_STORAGE: &str = "Supabase is not configured: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (or run with --demo)";
