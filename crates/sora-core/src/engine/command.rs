//! What a front end asks the engine to do: engine work only (a terminal effect such as the
//! clipboard is the front end's own). The engine's dispatcher turns each into a background task.

use std::path::PathBuf;

use crate::engine::keys::{DownloadKey, JobKey};
use crate::engine::services::Via;
use crate::providers::{ContentVariant, GenerationRequest};
use crate::storage::{SortColumn, Transfer};

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create a job, poll it to the end, download every output, and upload when `upload`.
    Generate {
        key: JobKey,
        request: GenerationRequest,
        upload: bool,
        /// Another configured service or model than the default.
        via: Option<Via>,
    },
    /// Make a new video from an existing one and a new prompt (v1 API), then as `Generate`.
    Remix {
        key: JobKey,
        source_id: String,
        prompt: String,
        upload: bool,
    },
    /// Pick up an existing job (or Azure generation): poll it if needed, then download the
    /// given renditions of every output.
    Fetch {
        key: JobKey,
        job_id: String,
        variants: Vec<ContentVariant>,
        upload: bool,
        /// The service the job is on, when not the configured default.
        via: Option<Via>,
    },
    /// Pick up a job recorded in the journal where it stopped: reconcile an uncertain create
    /// by listing, poll, download what is missing, upload what was wanted.
    Resume {
        key: JobKey,
        journal_id: String,
    },
    /// Download a finished job's outputs again (after a failed or cancelled download): what is
    /// on disk is kept, a partial file resumes. Ends with `JobComplete`.
    RetryDownload {
        key: JobKey,
    },
    /// Take up a job known only from the journal (a finished job of an earlier session, from
    /// the History page) under `key`, as a resume does: the front end learns its id, its
    /// service and the files still on disk. Then `then`: download it again, or upload its
    /// downloaded videos not yet in the bucket. Ends with `JobComplete`; from then on
    /// `RetryDownload` and `Upload` work on `key` as on any job.
    TakeUp {
        key: JobKey,
        journal_id: String,
        then: TakeUpThen,
    },
    /// List one page of the jobs of a service (Sora families; Runway and fal list none),
    /// newest first, answered by `EngineEvent::ServiceJobs`: `via` names the service (the
    /// configured default without it), `after` is the cursor of the page before (the
    /// `next` of its answer; none for the first page). The jobs are filed under `first_key`
    /// and the [`SERVICE_JOBS_PAGE`] keys after it, so they can be downloaded and deleted by
    /// key.
    ListServiceJobs {
        first_key: JobKey,
        via: Option<Via>,
        after: Option<String>,
    },
    /// Cancel a running job and delete it on its service (Runway: `DELETE /v1/tasks/{id}`;
    /// fal: cancel; Sora: delete). Its poll then sees it end. Answered with an `Info` or a
    /// `Warning`.
    DeleteJob {
        key: JobKey,
    },
    /// Read the journal's records (answered with `EngineEvent::History`).
    LoadHistory,
    /// Remove a journal entry; with `files` also its downloaded files, with `remote` also the
    /// job on the service (its content goes with it).
    RemoveHistory {
        journal_id: String,
        files: bool,
        remote: bool,
    },
    /// Ask a configured service about the account (Runway: its credit balance), answered by
    /// `EngineEvent::Account`, or a warning when the service cannot say.
    CheckAccount {
        family: crate::providers::Family,
    },
    /// Check the configuration and the services (answered with `EngineEvent::Doctor`).
    RunDoctor {
        probe: bool,
    },
    /// Upload an already downloaded file of a job to the output bucket.
    Upload {
        job: JobKey,
        path: PathBuf,
    },
    /// Stop one download; its partial file is kept, so fetching again resumes it.
    CancelDownload {
        key: DownloadKey,
    },
    /// Stop the upload of a job's file (answered by `UploadFailed`); the file stays on disk, so
    /// `Upload` sends it again.
    CancelUpload {
        job: JobKey,
        path: PathBuf,
    },
    ListBuckets,
    /// One page of a folder; the answer (`ObjectsListed`) echoes `query`.
    ListObjects {
        bucket: String,
        prefix: String,
        query: ListQuery,
    },
    /// A bucket or object action of the bucket browser; answered by `EngineEvent::Storage`.
    Storage(StorageOp),
}

/// What `TakeUp` does once the journaled job is known under its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeUpThen {
    /// Fetch every wanted rendition not on disk (a partial file resumes).
    Download,
    /// Upload every downloaded video the journal does not record as stored.
    Upload,
}

/// Jobs one `ListServiceJobs` asks for (and keys it files them under, at most).
pub const SERVICE_JOBS_PAGE: u32 = 20;

/// Objects per page of a folder listing.
pub const PAGE_SIZE: u32 = 100;

/// Which page of a folder listing, in which order, with which filter. `generation` changes
/// whenever the listing is restarted (another folder, sort or filter), so late pages of an old
/// listing can be recognised and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListQuery {
    pub offset: u32,
    pub sort: SortColumn,
    pub descending: bool,
    /// Starts-with filter on entry names (the server's `search`); empty for none.
    pub search: String,
    pub generation: u64,
}

/// Bucket browser actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageOp {
    CreateBucket {
        name: String,
        public: bool,
    },
    SetBucketPublic {
        bucket: String,
        public: bool,
    },
    DeleteBucket {
        bucket: String,
    },
    /// Upload a local file (streamed; resumable above the configured threshold).
    UploadFile {
        path: PathBuf,
        bucket: String,
        object_path: String,
        upsert: bool,
    },
    /// Save an object to a local file; an existing file is replaced only with `overwrite`
    /// (otherwise the action fails as a conflict, so the dashboard can ask).
    DownloadObject {
        bucket: String,
        object_path: String,
        out: PathBuf,
        overwrite: bool,
    },
    SignUrl {
        bucket: String,
        object_path: String,
        expires_in: u64,
    },
    MoveObject {
        bucket: String,
        from: String,
        to: String,
    },
    DeleteObjects {
        bucket: String,
        paths: Vec<String>,
    },
    /// Count a folder's objects and bytes, all levels down; `then` says what the count is for.
    CountFolder {
        bucket: String,
        prefix: String,
        then: AfterCount,
    },
    /// Delete every object of a folder, all levels down, then list it again: what is left
    /// makes it a failure.
    DeleteFolder {
        bucket: String,
        prefix: String,
    },
    /// Copy or move an object (or, with `folder`, every object of a folder) to `to_bucket/to`.
    /// A copy overwrites only with `upsert`; a move never does.
    Transfer {
        kind: Transfer,
        bucket: String,
        from: String,
        to_bucket: String,
        to: String,
        folder: bool,
        upsert: bool,
    },
}

/// What a folder's count is for: shown, or the question before a folder-wide action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterCount {
    Show,
    Delete,
    Transfer {
        kind: Transfer,
        to_bucket: String,
        to: String,
    },
}

impl StorageOp {
    /// The bucket the action touches.
    pub fn bucket(&self) -> &str {
        match self {
            StorageOp::CreateBucket { name, .. } => name,
            StorageOp::SetBucketPublic { bucket, .. }
            | StorageOp::DeleteBucket { bucket }
            | StorageOp::UploadFile { bucket, .. }
            | StorageOp::DownloadObject { bucket, .. }
            | StorageOp::SignUrl { bucket, .. }
            | StorageOp::MoveObject { bucket, .. }
            | StorageOp::DeleteObjects { bucket, .. }
            | StorageOp::CountFolder { bucket, .. }
            | StorageOp::DeleteFolder { bucket, .. }
            | StorageOp::Transfer { bucket, .. } => bucket,
        }
    }
}
