//! What a front end asks the engine to do. `App::update` returns these; the engine's
//! dispatcher turns each into a background task.

use std::path::PathBuf;

use crate::engine::events::JobKey;
use crate::providers::GenerationRequest;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Create a job, poll it to the end, download every output, and upload when `upload`.
    Generate {
        key: JobKey,
        request: GenerationRequest,
        upload: bool,
    },
    /// Upload an already downloaded file of a job to the output bucket.
    Upload {
        job: JobKey,
        path: PathBuf,
    },
    ListBuckets,
    ListObjects {
        bucket: String,
        prefix: String,
    },
}
