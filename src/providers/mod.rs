//! Video generation services behind one interface.
//!
//! Every family has the same shape: create a job, poll it until a terminal status, then fetch
//! the content of each output. The download engine only ever sees a [`ContentRequest`], so it
//! never branches on the family.

pub mod azure_sora;
pub mod error;
pub mod validate;

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use url::Url;

pub use error::{ApiError, ProviderError};

/// Which API family a configured provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub enum Family {
    /// Azure OpenAI preview "video generation jobs" API (Sora 1).
    #[serde(rename = "azure-sora")]
    AzureSora,
}

impl Family {
    pub fn label(self) -> &'static str {
        match self {
            Family::AzureSora => "azure-sora",
        }
    }
}

/// Output frame size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Size {
    pub width: u32,
    pub height: u32,
}

impl Size {
    pub const fn new(width: u32, height: u32) -> Self {
        Self { width, height }
    }

    /// Parse `WxH` (also `W×H`, `W*H`).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        let (w, h) = t
            .split_once('x')
            .or_else(|| t.split_once('×'))
            .or_else(|| t.split_once('*'))?;
        Some(Self::new(w.trim().parse().ok()?, h.trim().parse().ok()?))
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.width, self.height)
    }
}

/// What the user asks for, before any family-specific encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationRequest {
    pub prompt: String,
    pub size: Size,
    pub seconds: u32,
    pub variants: u32,
}

/// Status of a job, normalised across families. `wire` keeps the service's own word, which is
/// what the timeline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Preprocessing,
    Queued,
    Running,
    Processing,
    Succeeded,
    Failed,
    Cancelled,
    /// A status this build does not know: shown as the service gave it, polling continues.
    Unknown,
}

impl JobStatus {
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}

/// One pollable snapshot of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: String,
    pub status: JobStatus,
    /// The status word exactly as the service sent it (`preprocessing`, `in_progress`, ...).
    pub status_text: String,
    /// Percent complete, where the family reports it.
    pub progress: Option<u8>,
    pub created_at: Option<SystemTime>,
    pub finished_at: Option<SystemTime>,
    /// When the service deletes the content. Azure Sora: 24 h after creation.
    pub expires_at: Option<SystemTime>,
    /// Why it failed, as the service said (`input_moderation`, ...).
    pub failure_reason: Option<String>,
    /// The downloadable outputs: one per variant.
    pub outputs: Vec<Output>,
}

/// A downloadable result of a job (an Azure Sora generation, a v1 video).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub id: String,
    /// Index among the job's outputs, for file names (`..._v0.mp4`).
    pub index: usize,
}

/// Which rendition of an output to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentVariant {
    Video,
    Thumbnail,
}

impl ContentVariant {
    pub fn file_extension(self) -> &'static str {
        match self {
            ContentVariant::Video => "mp4",
            ContentVariant::Thumbnail => "jpg",
        }
    }
}

/// A ready-to-send GET for content, with auth already applied. `display_url` is safe to show
/// (it never holds a key: keys travel in headers only).
#[derive(Debug, Clone)]
pub struct ContentRequest {
    pub url: Url,
    pub headers: HeaderMap,
}

impl ContentRequest {
    pub fn display_url(&self) -> String {
        crate::http::redact_url(&self.url)
    }
}

/// A page of jobs from a list call.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPage {
    pub jobs: Vec<Job>,
    pub has_more: bool,
    pub last_id: Option<String>,
}

/// The configured service, one variant per family. An enum rather than a trait object keeps
/// the futures `Send` without boxing and makes adding a family a compile-checked change.
#[derive(Debug, Clone)]
pub enum Provider {
    AzureSora(azure_sora::AzureSoraClient),
}

impl Provider {
    pub fn family(&self) -> Family {
        match self {
            Provider::AzureSora(_) => Family::AzureSora,
        }
    }

    /// Human name of the service and deployment, for headers and messages.
    pub fn describe(&self) -> String {
        match self {
            Provider::AzureSora(c) => c.describe(),
        }
    }

    /// Check the request against the family's documented limits. No request is sent.
    pub fn validate(&self, request: &GenerationRequest) -> Result<(), validate::ValidationError> {
        match self {
            Provider::AzureSora(_) => validate::azure_sora(request),
        }
    }

    pub async fn create(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.create_job(request).await,
        }
    }

    pub async fn get(&self, job_id: &str) -> Result<Job, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.get_job(job_id).await,
        }
    }

    pub async fn list(&self, limit: u32, after: Option<&str>) -> Result<JobPage, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.list_jobs(limit, after).await,
        }
    }

    pub async fn delete(&self, job_id: &str) -> Result<(), ProviderError> {
        match self {
            Provider::AzureSora(c) => c.delete_job(job_id).await,
        }
    }

    pub fn content_request(
        &self,
        output: &Output,
        variant: ContentVariant,
    ) -> Result<ContentRequest, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.content_request(&output.id, variant),
        }
    }

    /// How long to wait before the next poll, given what the last answer said.
    pub fn poll_hint(&self, base: Duration) -> Duration {
        base
    }
}
