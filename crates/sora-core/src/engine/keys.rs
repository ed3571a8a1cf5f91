//! The ids the engine's commands and events share: a job inside this process, and one download
//! of it.

use crate::providers::ContentVariant;

/// A job's identity inside this process, assigned before the create request is sent, so that
/// events about a job whose service id is not known yet can still be routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobKey(pub u64);

impl std::fmt::Display for JobKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Identifies one download: the job, which output, which rendition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DownloadKey {
    pub job: JobKey,
    pub output_id: String,
    pub variant: ContentVariant,
}
