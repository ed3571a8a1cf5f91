//! What the engine reports to a front end. Every variant carries its data (no shared caches to
//! read back), so the dashboard's `update` and the headless printer can consume the same stream.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::engine::command::{ListQuery, StorageOp};
use crate::engine::keys::{DownloadKey, JobKey};
use crate::providers::{JobStatus, ProviderError};
use crate::storage::{Bucket, ObjectEntry};

/// The request a [`Retry`] repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryStep {
    Create,
    Poll,
}

impl RetryStep {
    pub fn label(self) -> &'static str {
        match self {
            RetryStep::Create => "create",
            RetryStep::Poll => "status poll",
        }
    }
}

/// A request of a job that failed and goes out again: what the service said, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    pub key: JobKey,
    pub step: RetryStep,
    /// The HTTP status, when the service answered at all.
    pub status: Option<u16>,
    /// The failure in the service's (or the network's) words.
    pub reason: String,
    /// The service's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
    /// How long until the next try.
    pub next_try_in: Duration,
    /// The answer's request id (`x-request-id`, `apim-request-id`...), for support tickets.
    pub request_id: Option<String>,
    /// This retry's number (1 is the first) and the most that will be made.
    pub retry: u32,
    pub max: u32,
    pub at: SystemTime,
}

impl Retry {
    pub fn new(
        key: JobKey,
        step: RetryStep,
        error: &ProviderError,
        next_try_in: Duration,
        retry: u32,
        max: u32,
    ) -> Self {
        // The service's own answer, without the advice meant for a final failure.
        let (status, reason) = match error.api_error() {
            Some(answer) => (Some(answer.status), answer.to_string()),
            None => (None, error.to_string()),
        };
        Self {
            key,
            step,
            status,
            reason,
            retry_after: error.retry_after(),
            request_id: error.api_error().and_then(|a| a.request_id.clone()),
            next_try_in,
            retry,
            max,
            at: SystemTime::now(),
        }
    }

    pub fn next_try_at(&self) -> SystemTime {
        self.at + self.next_try_in
    }

    /// One line for a person: what failed, what the service asked for, when the next try goes
    /// out. "create refused: HTTP 429: Rate limit is exceeded. — Retry-After 2.0s, next try in
    /// 2.0s (retry 1 of 4)".
    pub fn describe(&self) -> String {
        let what = match self.step {
            // A 429 is a refusal before anything was made: nothing is paid twice.
            RetryStep::Create => "refused",
            RetryStep::Poll => "failed",
        };
        let asked = self
            .retry_after
            .map(|ra| format!("Retry-After {}, ", crate::present::duration(ra)))
            .unwrap_or_default();
        format!(
            "{} {what}: {} — {asked}next try in {} (retry {} of {})",
            self.step.label(),
            self.reason,
            crate::present::duration(self.next_try_in),
            self.retry,
            self.max
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    /// The create request is about to be sent (a new job or a remix: something is paid for).
    JobSubmitting {
        key: JobKey,
        prompt: String,
        at: SystemTime,
    },
    /// A job the journal recorded is picked up where it stopped: nothing new is sent.
    JobResumed {
        key: JobKey,
        prompt: String,
        at: SystemTime,
    },
    /// The job's entry in the journal (written before the create goes out): its id there.
    JobJournaled {
        key: JobKey,
        journal_id: String,
    },
    /// Which service and model the job runs on, and what it is estimated to cost there.
    JobService {
        key: JobKey,
        service: String,
        estimate: Option<String>,
    },
    /// The service accepted the job.
    JobCreated {
        key: JobKey,
        job_id: String,
        at: SystemTime,
    },
    /// A poll saw a status different from the last one (the first poll always reports).
    JobStatusChanged {
        key: JobKey,
        status: JobStatus,
        status_text: String,
        progress: Option<u8>,
        at: SystemTime,
        expires_at: Option<SystemTime>,
        /// What else the service said (cost, queue position, logs), in its words.
        notes: Vec<String>,
    },
    /// A create refused with 429, or a failed status poll, will be tried again.
    JobRetrying(Retry),
    /// The job ended without usable output, or could not be created or polled.
    JobFailed {
        key: JobKey,
        message: String,
        at: SystemTime,
    },
    /// What the download engine reported about one download: an attempt, or its progress (at
    /// most a few times a second).
    Download {
        key: DownloadKey,
        report: crate::download::Report,
    },
    /// The download waits for a free slot (`download.max_concurrent` are running).
    DownloadQueued {
        key: DownloadKey,
    },
    /// The user stopped the download; its partial file is kept for a later resume.
    DownloadCancelled {
        key: DownloadKey,
    },
    DownloadFinished {
        key: DownloadKey,
        path: PathBuf,
        bytes: u64,
    },
    DownloadFailed {
        key: DownloadKey,
        message: String,
    },
    UploadStarted {
        job: JobKey,
        path: PathBuf,
        bucket: String,
        object_path: String,
    },
    /// Bytes of an upload the server has taken (coalesced: at most a few per second).
    UploadProgress {
        job: JobKey,
        object_path: String,
        bytes: u64,
        total: u64,
    },
    UploadFinished {
        job: JobKey,
        path: PathBuf,
        bucket: String,
        object_path: String,
        public_url: Option<String>,
        bytes: u64,
    },
    UploadFailed {
        job: JobKey,
        path: PathBuf,
        message: String,
    },
    BucketsListed(Result<Vec<Bucket>, String>),
    ObjectsListed {
        bucket: String,
        prefix: String,
        query: ListQuery,
        result: Result<Vec<ObjectEntry>, String>,
    },
    /// A bucket browser action ended.
    Storage {
        op: StorageOp,
        result: Result<StorageDone, StorageFailure>,
    },
    /// Every step of a job is done (downloads and, when asked, uploads).
    JobComplete {
        key: JobKey,
        ok: bool,
    },
    /// One page of the service's own jobs (`ListServiceJobs`), each under the key the engine
    /// filed it under; `Err` says why there is no list (Runway and fal list no tasks).
    ServiceJobs {
        service: String,
        result: Result<ServiceJobsPage, String>,
    },
    /// The journal's records, oldest first.
    History(Result<Vec<crate::journal::JobRecord>, String>),
    /// What a service said about the account (`5000 credits`), for the header.
    Account {
        family: crate::providers::Family,
        text: String,
    },
    /// The doctor's findings.
    Doctor(crate::doctor::report::Report),
    /// A one-line outcome for the person ("removed …").
    Info(String),
    /// Something the person should know that is not a failure of a step (content about to
    /// expire, a journal that could not be written).
    Warning {
        key: Option<JobKey>,
        message: String,
    },
}

/// What a finished storage action produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageDone {
    /// One line for the person.
    pub message: String,
    /// A URL to show and copy (signed URL, or the public URL of an upload).
    pub url: Option<String>,
    /// What a folder holds (`StorageOp::CountFolder`).
    pub totals: Option<crate::storage::Totals>,
}

/// A failed storage action: the server's message with what to do, and what kind of failure it
/// was, so the dashboard can offer the fix (create the bucket, overwrite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageFailure {
    pub message: String,
    pub missing_bucket: bool,
    /// 409 on an object: an overwrite (upsert) would succeed.
    pub conflict: bool,
    pub too_large: bool,
}

impl StorageFailure {
    pub fn from_error(error: &crate::storage::StorageError) -> Self {
        let api = error.api();
        Self {
            message: error.to_string(),
            missing_bucket: api.is_some_and(crate::storage::StorageApiError::is_missing_bucket),
            conflict: api.is_some_and(crate::storage::StorageApiError::is_conflict),
            too_large: api.is_some_and(crate::storage::StorageApiError::is_too_large),
        }
    }

    pub fn plain(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            missing_bucket: false,
            conflict: false,
            too_large: false,
        }
    }
}

/// One page of a service's job list, as `EngineEvent::ServiceJobs` reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceJobsPage {
    /// Newest first, each under the key the engine filed it under.
    pub jobs: Vec<(JobKey, crate::providers::Job)>,
    /// The service says older jobs follow this page (`has_more`).
    pub has_more: bool,
    /// The cursor that loads the next page (the page's `last_id`), when there is one.
    pub next: Option<String>,
}
