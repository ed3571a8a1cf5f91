//! The engine: turns [`Command`]s into background tokio tasks and reports [`EngineEvent`]s over
//! one channel. Front ends never await the network themselves.

mod account;
mod again;
mod cancel;
pub mod command;
pub mod events;
mod history;
mod job;
pub mod keys;
mod resume;
mod services;
mod storage_folder;
mod storage_ops;
mod upload;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

pub use command::{
    AfterCount, Command, ListQuery, PAGE_SIZE, SERVICE_JOBS_PAGE, StorageOp, TakeUpThen,
};
pub use events::{EngineEvent, Retry, RetryStep, ServiceJobsPage, StorageDone, StorageFailure};
pub use keys::{DownloadKey, JobKey};
pub use services::{NO_PROVIDER, Services, Via};

use crate::download::{DownloadOptions, RetrySchedule};
use crate::journal::{Event as JournalEvent, JobState, Journal};
use crate::providers::ContentVariant;
use crate::providers::JobStatus;
use job::Start;

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
    /// Bucket that receives the reference images of image-to-video jobs
    /// (`<input bucket>/<job id>/<file name>`).
    pub input_bucket: String,
    /// Also fetch each output's thumbnail.
    pub thumbnails: bool,
}

/// How downloads run: how many at once, and how each transfer behaves.
#[derive(Debug, Clone)]
pub struct DownloadLimits {
    /// Downloads running at the same time; the others wait for a slot ("waiting").
    pub max_concurrent: usize,
    pub options: DownloadOptions,
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            max_concurrent: 3,
            options: DownloadOptions::default(),
        }
    }
}

/// Append to the journal without stalling the runtime's other tasks: the fsync is blocking
/// I/O, so on a multi-threaded runtime this worker hands its other tasks over while it waits.
fn append_off_the_runtime(
    journal: &Journal,
    id: &str,
    entry: JournalEvent,
) -> Result<(), crate::journal::JournalError> {
    let flavor = tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor());
    match flavor {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => {
            tokio::task::block_in_place(|| journal.append(id, entry))
        }
        _ => journal.append(id, entry),
    }
}

/// Runs the doctor (`true`: with the upload/delete probe). The engine does not know how to
/// diagnose a setup; the composition root (`setup::doctor`) hands it this runner.
pub type DoctorFn = Arc<
    dyn Fn(bool) -> futures_util::future::BoxFuture<'static, crate::doctor::report::Report>
        + Send
        + Sync,
>;

/// What a front end may add to an engine beyond its services and settings.
#[derive(Default)]
pub struct EngineExtras {
    pub limits: DownloadLimits,
    /// Record every job here (and resume from it).
    pub journal: Option<Arc<Journal>>,
    /// Answers `Command::RunDoctor`; without it the engine says to run `sora-tui doctor`.
    pub doctor: Option<DoctorFn>,
    /// The process's HTTP client (its pool and policy); `None` builds one with the default
    /// policy.
    pub http: Option<crate::http::Http>,
}

impl std::fmt::Debug for EngineExtras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineExtras")
            .field("limits", &self.limits)
            .field("journal", &self.journal)
            .field("doctor", &self.doctor.as_ref().map(|_| "DoctorFn"))
            .field("http", &self.http)
            .finish()
    }
}

/// Everything a background task needs, shared by all of them.
struct Ctx {
    services: Services,
    settings: EngineSettings,
    events: UnboundedSender<EngineEvent>,
    cancel: CancellationToken,
    http: Result<crate::http::Http, String>,
    /// Service job ids by local key, so an upload can be filed under its job.
    job_ids: Mutex<HashMap<JobKey, String>>,
    /// The service each job runs on, so it can be cancelled or deleted there by its key.
    job_providers: Mutex<HashMap<JobKey, crate::providers::Provider>>,
    /// Where every job is recorded, when the front end keeps a journal.
    journal: Option<Arc<Journal>>,
    doctor: Option<DoctorFn>,
    /// Journal ids by local key: only jobs with one are recorded.
    journal_ids: Mutex<HashMap<JobKey, String>>,
    /// Download directories of resumed jobs that differ from the settings' one.
    download_dirs: Mutex<HashMap<JobKey, PathBuf>>,
    limits: DownloadLimits,
    /// One permit per running download.
    download_slots: Arc<Semaphore>,
    /// The cancel token of each download in flight (child of `cancel`).
    downloads: Mutex<HashMap<DownloadKey, CancellationToken>>,
    /// The cancel token of each upload of a job's file in flight (child of `cancel`).
    uploads: Mutex<HashMap<(JobKey, PathBuf), CancellationToken>>,
}

impl Ctx {
    /// Record the event in the journal (on disk before anyone hears of it), then report it.
    fn send(&self, event: EngineEvent) {
        if let Some((id, entry)) = self.journal_entry(&event) {
            self.record(&id, entry);
        }
        // A closed channel means the front end is gone; there is no one left to tell.
        let _ = self.events.send(event);
    }

    /// Append to the journal; a failure is logged and reported, the work goes on (the files
    /// themselves are safe: only the record of them is missing).
    fn record(&self, id: &str, entry: JournalEvent) {
        if let Some(journal) = &self.journal
            && let Err(e) = append_off_the_runtime(journal, id, entry)
        {
            tracing::error!(error = %e, "journal write failed");
            let _ = self.events.send(EngineEvent::Warning {
                key: None,
                message: format!("could not record progress: {e}"),
            });
        }
    }

    fn journal_entry(&self, event: &EngineEvent) -> Option<(String, JournalEvent)> {
        self.journal.as_ref()?;
        let id_of = |key: &JobKey| self.journal_id(*key);
        let (key, entry) = match event {
            EngineEvent::JobCreated { key, job_id, .. } => (
                key,
                JournalEvent::Created {
                    job_id: job_id.clone(),
                },
            ),
            EngineEvent::JobStatusChanged {
                key,
                status,
                status_text,
                expires_at,
                ..
            } => (
                key,
                JournalEvent::Status {
                    status: status_text.clone(),
                    state: match status {
                        JobStatus::Succeeded => JobState::Succeeded,
                        JobStatus::Failed => JobState::Failed,
                        JobStatus::Cancelled => JobState::Cancelled,
                        _ => JobState::Active,
                    },
                    expires_at: expires_at
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map(|d| d.as_secs()),
                    outputs: Vec::new(),
                    output_urls: Vec::new(),
                },
            ),
            EngineEvent::JobFailed { key, message, .. } => (
                key,
                JournalEvent::Failed {
                    message: message.clone(),
                },
            ),
            EngineEvent::DownloadFinished {
                key: dkey,
                path,
                bytes,
            } => (
                &dkey.job,
                JournalEvent::Downloaded {
                    output_id: dkey.output_id.clone(),
                    variant: dkey.variant.label().to_string(),
                    path: path.display().to_string(),
                    bytes: *bytes,
                },
            ),
            EngineEvent::UploadFinished {
                job,
                path,
                bucket,
                object_path,
                public_url,
                ..
            } => (
                job,
                JournalEvent::Uploaded {
                    path: path.display().to_string(),
                    bucket: bucket.clone(),
                    object_path: object_path.clone(),
                    public_url: public_url.clone(),
                },
            ),
            _ => return None,
        };
        Some((id_of(key)?, entry))
    }

    /// A download this job's journal already records, whose file is still complete on disk:
    /// a resumed job does not fetch it again.
    fn recorded_download(&self, key: &DownloadKey) -> Option<(PathBuf, u64)> {
        let record = self.journal.as_ref()?.record(&self.journal_id(key.job)?)?;
        let done = record
            .downloads
            .iter()
            .find(|d| d.output_id == key.output_id && d.variant == key.variant.label())?;
        let len = std::fs::metadata(&done.path).ok()?.len();
        (len == done.bytes).then(|| (PathBuf::from(&done.path), done.bytes))
    }

    /// Whether this job's journal already records `path` as stored in the bucket.
    fn recorded_upload(&self, key: JobKey, path: &std::path::Path) -> bool {
        let Some(record) = self
            .journal_id(key)
            .and_then(|id| self.journal.as_ref()?.record(&id))
        else {
            return false;
        };
        let path = path.display().to_string();
        record.uploads.iter().any(|u| u.path == path)
    }

    /// Where this job's files go: its recorded directory when resumed, else the settings'.
    fn download_dir(&self, key: JobKey) -> PathBuf {
        self.download_dirs
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
            .unwrap_or_else(|| self.settings.download_dir.clone())
    }

    fn set_download_dir(&self, key: JobKey, dir: PathBuf) {
        if let Ok(mut map) = self.download_dirs.lock() {
            map.insert(key, dir);
        }
    }

    fn journal_id(&self, key: JobKey) -> Option<String> {
        self.journal_ids.lock().ok()?.get(&key).cloned()
    }

    fn set_journal_id(&self, key: JobKey, id: Option<String>) {
        if let Ok(mut map) = self.journal_ids.lock() {
            match id {
                Some(id) => map.insert(key, id),
                None => map.remove(&key),
            };
        }
    }

    fn remember_job_id(&self, key: JobKey, id: &str) {
        if let Ok(mut map) = self.job_ids.lock() {
            map.insert(key, id.to_string());
        }
    }

    fn job_id(&self, key: JobKey) -> Option<String> {
        self.job_ids.lock().ok().and_then(|m| m.get(&key).cloned())
    }

    fn remember_provider(&self, key: JobKey, provider: &crate::providers::Provider) {
        if let Ok(mut map) = self.job_providers.lock() {
            map.insert(key, provider.clone());
        }
    }

    fn job_provider(&self, key: JobKey) -> Option<crate::providers::Provider> {
        self.job_providers
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
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
        Self::with_extras(services, settings, events, EngineExtras::default())
    }

    /// [`Engine::new`] with download limits (`download.max_concurrent`,
    /// `download.stall_timeout_secs`) and a journal that records every job.
    pub fn with_extras(
        services: Services,
        settings: EngineSettings,
        events: UnboundedSender<EngineEvent>,
        extras: EngineExtras,
    ) -> Self {
        let EngineExtras {
            limits,
            journal,
            doctor,
            http,
        } = extras;
        let http = match http {
            Some(http) => Ok(http),
            None => crate::http::client().map_err(|e| e.to_string()),
        };
        Self {
            ctx: Arc::new(Ctx {
                services,
                settings,
                events,
                cancel: CancellationToken::new(),
                http,
                job_ids: Mutex::new(HashMap::new()),
                job_providers: Mutex::new(HashMap::new()),
                journal,
                doctor,
                journal_ids: Mutex::new(HashMap::new()),
                download_dirs: Mutex::new(HashMap::new()),
                download_slots: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
                limits,
                downloads: Mutex::new(HashMap::new()),
                uploads: Mutex::new(HashMap::new()),
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
                via,
            } => {
                let variants = self.default_variants();
                spawn_job(ctx, key, Start::New(request), variants, upload, via);
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
                spawn_job(ctx, key, start, variants, upload, None);
            }
            Command::Fetch {
                key,
                job_id,
                variants,
                upload,
                via,
            } => spawn_job(
                ctx,
                key,
                Start::Existing {
                    id: job_id,
                    known_outputs: Vec::new(),
                },
                variants,
                upload,
                via,
            ),
            Command::Resume { key, journal_id } => {
                tokio::spawn(async move {
                    let ok = resume::run(&ctx, key, &journal_id).await;
                    ctx.send(EngineEvent::JobComplete { key, ok });
                });
            }
            Command::RetryDownload { key } => {
                let variants = self.default_variants();
                tokio::spawn(async move {
                    let ok = again::retry_download(&ctx, key, &variants).await;
                    ctx.send(EngineEvent::JobComplete { key, ok });
                });
            }
            Command::TakeUp {
                key,
                journal_id,
                then,
            } => {
                tokio::spawn(async move {
                    let ok = again::take_up(&ctx, key, &journal_id, then).await;
                    ctx.send(EngineEvent::JobComplete { key, ok });
                });
            }
            Command::ListServiceJobs {
                first_key,
                via,
                after,
            } => {
                tokio::spawn(async move {
                    again::list_service_jobs(&ctx, first_key, via.as_ref(), after.as_deref()).await;
                });
            }
            Command::DeleteJob { key } => {
                tokio::spawn(async move { cancel::delete_job(&ctx, key).await });
            }
            Command::LoadHistory => {
                tokio::spawn(async move { history::load(&ctx) });
            }
            Command::RemoveHistory {
                journal_id,
                files,
                remote,
            } => {
                tokio::spawn(
                    async move { history::remove(&ctx, &journal_id, files, remote).await },
                );
            }
            Command::CheckAccount { family } => {
                tokio::spawn(async move { account::check_account(&ctx, family).await });
            }
            Command::RunDoctor { probe } => match ctx.doctor.clone() {
                Some(doctor) => {
                    tokio::spawn(async move {
                        let report = doctor(probe).await;
                        ctx.send(EngineEvent::Doctor(report));
                    });
                }
                None => ctx.send(EngineEvent::Warning {
                    key: None,
                    message: "the doctor needs the configuration; run `sora-tui doctor`".into(),
                }),
            },
            Command::Upload { job, path } => {
                tokio::spawn(async move {
                    upload::run(&ctx, job, &path).await;
                });
            }
            Command::CancelDownload { key } => {
                if let Some(token) = ctx.downloads.lock().ok().and_then(|m| m.get(&key).cloned()) {
                    token.cancel();
                }
            }
            Command::CancelUpload { job, path } => {
                let token = ctx
                    .uploads
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&(job, path)).cloned());
                if let Some(token) = token {
                    token.cancel();
                }
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
            } // The terminal runtime writes the clipboard escape; a headless engine has no terminal.
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
    via: Option<Via>,
) {
    tokio::spawn(async move {
        let ok = match ctx.services.pick(via.as_ref()) {
            Ok(provider) => job::run(&ctx, key, &provider, start, &variants, upload).await,
            Err(message) => {
                ctx.send(EngineEvent::JobFailed {
                    key,
                    message: format!("not sent: {message}"),
                    at: std::time::SystemTime::now(),
                });
                false
            }
        };
        ctx.send(EngineEvent::JobComplete { key, ok });
    });
}

const NO_STORAGE: &str = "Supabase is not configured: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY (or run with --demo)";
