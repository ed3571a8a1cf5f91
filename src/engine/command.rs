//! What a front end asks the engine to do. `App::update` returns these; the engine's
//! dispatcher turns each into a background task.

use std::path::PathBuf;

use crate::engine::events::{DownloadKey, JobKey};
use crate::providers::{ContentVariant, GenerationRequest};

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create a job, poll it to the end, download every output, and upload when `upload`.
    Generate {
        key: JobKey,
        request: GenerationRequest,
        upload: bool,
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
    },
    /// Pick up a job recorded in the journal where it stopped: reconcile an uncertain create
    /// by listing, poll, download what is missing, upload what was wanted.
    Resume {
        key: JobKey,
        journal_id: String,
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
    ListBuckets,
    ListObjects {
        bucket: String,
        prefix: String,
    },
}
