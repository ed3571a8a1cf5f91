//! Video generation services behind one interface.
//!
//! Every family has the same shape: create a job, poll it until a terminal status, then fetch
//! the content of each output. The download engine only ever sees a [`ContentRequest`], so it
//! never branches on the family; the UI only asks what differs (progress, remix, variants).

pub mod auth;
pub mod azure_sora;
pub mod catalogue;
pub mod error;
pub mod fal;
pub mod fal_wire;
pub mod media;
pub mod profile;
pub mod runway;
pub mod runway_wire;
pub mod videos_v1;
mod wire;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use url::Url;

pub use error::{ApiError, ProviderError};
pub use profile::{ModelProfile, Pricing, ValidationError};

/// Which API family a configured provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
pub enum Family {
    /// Azure OpenAI preview "video generation jobs" API (Sora 1).
    #[serde(rename = "azure-sora")]
    AzureSora,
    /// Azure OpenAI v1 "videos" API (Sora 2 deployments).
    #[serde(rename = "azure-sora2")]
    AzureSora2,
    /// OpenAI's Videos API.
    #[serde(rename = "openai")]
    OpenAi,
}

impl Family {
    pub const ALL: [Family; 3] = [Family::AzureSora, Family::AzureSora2, Family::OpenAi];

    pub fn label(self) -> &'static str {
        match self {
            Family::AzureSora => "azure-sora",
            Family::AzureSora2 => "azure-sora2",
            Family::OpenAi => "openai",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.label() == text.trim())
    }

    /// Remix (a new video from a finished one and a new prompt) is part of the v1 videos API;
    /// Azure's Sora 1 jobs API has none.
    pub fn supports_remix(self) -> bool {
        !matches!(self, Family::AzureSora)
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
    /// Image-to-video: a local JPEG, PNG or WebP used as the first frame.
    pub image: Option<PathBuf>,
}

/// Status of a job, normalised across families. `Job::status_text` keeps the service's own
/// word, which is what the timeline shows.
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
    pub prompt: Option<String>,
    /// The model or deployment that runs it.
    pub model: Option<String>,
    /// `WxH`, seconds and variants as the service echoed them.
    pub size: Option<Size>,
    pub seconds: Option<u32>,
    pub created_at: Option<SystemTime>,
    pub finished_at: Option<SystemTime>,
    /// When the service deletes the content. Azure: 24 h after creation.
    pub expires_at: Option<SystemTime>,
    /// Why it failed, as the service said (`input_moderation`, `moderation_blocked: ...`).
    pub failure_reason: Option<String>,
    /// The downloadable outputs: one per variant.
    pub outputs: Vec<Output>,
    /// The video this one remixes, if any.
    pub remixed_from: Option<String>,
    /// How long the service asks clients to wait before the next poll.
    pub poll_after: Option<Duration>,
}

impl Job {
    /// A failed job, explained with what the user can do about it.
    pub fn explain_failure(&self) -> String {
        let job = self;
        let reason = job.failure_reason.as_deref().unwrap_or("no reason given");
        let lower = reason.to_ascii_lowercase();
        let advice = if lower.contains("output_moderation") {
            "the generated video was withheld by content moderation: try a different prompt"
        } else if lower.contains("moderation")
            || lower.contains("blocked")
            || lower.contains("policy")
        {
            "the prompt or input image was refused by content moderation: rephrase it (no real people, copyrighted characters or unsafe content; no faces in reference images)"
        } else if lower.contains("internal") || lower.contains("server_error") {
            "the service failed internally: submitting again usually works"
        } else {
            "submitting again may help; if it keeps failing, check the reason with the service's documentation"
        };
        format!("job {} failed: {reason} — {advice}", job.id)
    }
}

/// A downloadable result of a job (an Azure Sora generation, a v1 video).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub id: String,
    /// Index among the job's outputs, for file names.
    pub index: usize,
}

/// Which rendition of an output to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContentVariant {
    Video,
    Thumbnail,
    /// A grid of frames (v1 API only).
    Spritesheet,
}

impl ContentVariant {
    pub const ALL: [ContentVariant; 3] = [
        ContentVariant::Video,
        ContentVariant::Thumbnail,
        ContentVariant::Spritesheet,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ContentVariant::Video => "video",
            ContentVariant::Thumbnail => "thumbnail",
            ContentVariant::Spritesheet => "spritesheet",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.label() == text.trim())
    }

    /// The usual file extension; the download engine corrects it from the bytes it receives
    /// (OpenAI's thumbnail is WebP, Azure's is JPEG).
    pub fn file_extension(self) -> &'static str {
        match self {
            ContentVariant::Video => "mp4",
            ContentVariant::Thumbnail | ContentVariant::Spritesheet => "jpg",
        }
    }
}

/// A ready-to-send GET for content, with auth already applied. The URL never holds a key:
/// keys travel in headers only, so it is safe to show.
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

/// What the deployment probe learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploymentProbe {
    /// The service refused the impossible request for its parameters: the deployment exists.
    Exists,
    /// The service accepted it (it should not have) and made job `id`; what became of it.
    Created { id: String, cleanup: ProbeCleanup },
}

/// What became of a job the deployment probe should never have made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeCleanup {
    /// Deleted, and looking it up again says it is gone.
    Gone,
    /// The delete failed, or the job is still there after it: why.
    NotDeleted(String),
    /// The delete was answered, but looking the job up again failed: why.
    Unconfirmed(String),
}

/// The prompt of the deployment probe, so a job it made by mistake is recognisable.
const PROBE_PROMPT: &str = "sora-tui doctor: deployment probe (invalid on purpose)";

/// The configured service, one variant per client. An enum rather than a trait object keeps
/// the futures `Send` without boxing and makes adding a family a compile-checked change.
#[derive(Debug, Clone)]
pub enum Provider {
    AzureSora(azure_sora::AzureSoraClient),
    /// Azure Sora 2 and OpenAI: the same API at different bases.
    VideosV1(videos_v1::VideosV1Client),
}

impl Provider {
    pub fn family(&self) -> Family {
        match self {
            Provider::AzureSora(_) => Family::AzureSora,
            Provider::VideosV1(c) => c.family(),
        }
    }

    /// Human name of the service and deployment, for headers and messages.
    pub fn describe(&self) -> String {
        match self {
            Provider::AzureSora(c) => c.describe(),
            Provider::VideosV1(c) => c.describe(),
        }
    }

    /// What the configured model accepts and costs.
    pub fn profile(&self) -> &ModelProfile {
        match self {
            Provider::AzureSora(c) => c.profile(),
            Provider::VideosV1(c) => c.profile(),
        }
    }

    /// Check the request against the model's documented limits. No request is sent.
    pub fn validate(&self, request: &GenerationRequest) -> Result<(), ValidationError> {
        self.profile().validate(request)
    }

    /// Renditions this family serves.
    pub fn variants(&self) -> &'static [ContentVariant] {
        match self {
            Provider::AzureSora(_) => &[ContentVariant::Video, ContentVariant::Thumbnail],
            Provider::VideosV1(_) => &ContentVariant::ALL,
        }
    }

    pub fn supports_remix(&self) -> bool {
        self.family().supports_remix()
    }

    pub async fn create(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.create_job(request).await,
            Provider::VideosV1(c) => c.create(request).await,
        }
    }

    pub async fn get(&self, job_id: &str) -> Result<Job, ProviderError> {
        check_id(job_id)?;
        match self {
            Provider::AzureSora(c) => c.get_job(job_id).await,
            Provider::VideosV1(c) => c.get(job_id).await,
        }
    }

    /// One page of jobs, newest first.
    pub async fn list(&self, limit: u32, after: Option<&str>) -> Result<JobPage, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.list_jobs(limit, after).await,
            Provider::VideosV1(c) => c.list(limit, after).await,
        }
    }

    pub async fn delete(&self, job_id: &str) -> Result<(), ProviderError> {
        check_id(job_id)?;
        match self {
            Provider::AzureSora(c) => c.delete_job(job_id).await,
            Provider::VideosV1(c) => c.delete(job_id).await,
        }
    }

    /// Ask whether the configured deployment or model exists without making a video: send a
    /// create that no service can make a job of (a duration of the wrong type, 1x1; see each
    /// client's `probe_create`). A 400 about the parameters means the deployment exists; its
    /// 404 comes back as the error. Should a service make a job anyway, it is deleted and the
    /// delete checked by looking the job up again.
    pub async fn probe_deployment(&self) -> Result<DeploymentProbe, ProviderError> {
        let answer = match self {
            Provider::AzureSora(c) => c.probe_create().await,
            Provider::VideosV1(c) => c.probe_create().await,
        };
        match answer {
            Err(ProviderError::Api { error, .. })
                if error.status == 400 && !error.looks_like_missing_deployment() =>
            {
                Ok(DeploymentProbe::Exists)
            }
            Err(e) => Err(e),
            Ok(job) => {
                let cleanup = self.remove_probe_job(&job.id).await;
                Ok(DeploymentProbe::Created {
                    id: job.id,
                    cleanup,
                })
            }
        }
    }

    /// Delete a job the probe made, then look it up to see that it is gone.
    async fn remove_probe_job(&self, id: &str) -> ProbeCleanup {
        if let Err(e) = self.delete(id).await {
            return ProbeCleanup::NotDeleted(e.to_string());
        }
        match self.get(id).await {
            Err(e) if e.is_gone() => ProbeCleanup::Gone,
            Err(e) => ProbeCleanup::Unconfirmed(e.to_string()),
            Ok(job) => ProbeCleanup::NotDeleted(format!(
                "the delete was answered, but the job is still there ({})",
                job.status_text
            )),
        }
    }

    /// A new video from an existing one and a new prompt (v1 API only).
    pub async fn remix(&self, source_id: &str, prompt: &str) -> Result<Job, ProviderError> {
        check_id(source_id)?;
        match self {
            Provider::AzureSora(c) => Err(ProviderError::Unsupported(format!(
                "{} cannot remix: remix is a feature of the v1 videos API (provider azure-sora2 or openai)",
                c.describe()
            ))),
            Provider::VideosV1(c) => c.remix(source_id, prompt).await,
        }
    }

    /// Where to fetch one rendition of an output, auth included.
    pub async fn content_request(
        &self,
        output: &Output,
        variant: ContentVariant,
    ) -> Result<ContentRequest, ProviderError> {
        if !self.variants().contains(&variant) {
            return Err(ProviderError::Unsupported(format!(
                "{} offers no {} (it has: {})",
                self.describe(),
                variant.label(),
                self.variants()
                    .iter()
                    .map(|v| v.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        check_id(&output.id)?;
        match self {
            Provider::AzureSora(c) => c.content_request(&output.id, variant).await,
            Provider::VideosV1(c) => c.content_request(&output.id, variant).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed_job(reason: &str) -> Job {
        Job {
            id: "task_1".into(),
            status: JobStatus::Failed,
            status_text: "failed".into(),
            progress: None,
            prompt: None,
            model: None,
            size: None,
            seconds: None,
            created_at: None,
            finished_at: None,
            expires_at: None,
            failure_reason: Some(reason.into()),
            outputs: vec![],
            remixed_from: None,
            poll_after: None,
        }
    }

    #[test]
    fn moderation_failures_say_what_to_do() {
        let text = failed_job("input_moderation").explain_failure();
        assert!(
            text.contains("input_moderation") && text.contains("rephrase"),
            "{text}"
        );
        let text = failed_job("moderation_blocked: Your request was blocked").explain_failure();
        assert!(
            text.contains("Your request was blocked") && text.contains("rephrase"),
            "{text}"
        );
        let text = failed_job("output_moderation").explain_failure();
        assert!(text.contains("different prompt"), "{text}");
    }
}

/// An id goes into a URL path: refuse, before any request, one that would address something
/// else (`""` lists, `..` climbs a level, `a/b` adds a segment) or that no service issues.
pub fn check_id(id: &str) -> Result<(), ProviderError> {
    let problem = if id.is_empty() {
        Some("it is empty")
    } else if id == "." || id.contains("..") {
        Some("it holds `..` or is `.`")
    } else if id.contains(['/', '\\', '?', '#', '%']) {
        Some("it holds `/`, `\\`, `?`, `#` or `%`")
    } else if !id.chars().all(|c| c.is_ascii_graphic()) {
        Some("it holds spaces, control or non-ASCII characters")
    } else if id.len() > 200 {
        Some("it is longer than 200 characters")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(ProviderError::Input(format!(
            "`{}` is not a job or video id ({problem}), so nothing was sent. Ids look like \
             task_01…, gen_01… or video_…: `sora-tui jobs` lists them",
            crate::text::one_line(id)
        ))),
    }
}

#[cfg(test)]
mod id_tests {
    use super::check_id;

    #[test]
    fn ids_that_would_change_the_url_are_refused() {
        for good in [
            "task_01jy98zkvpfb7909522ysd150a",
            "gen_01",
            "video_68d7.x-1",
        ] {
            assert!(check_id(good).is_ok(), "{good}");
        }
        for bad in [
            "", ".", "..", "a/..", "a/b", "x\\y", "a?b", "a#b", "%2e%2e", "a b", "a\x1b[2J", "é",
        ] {
            let err = check_id(bad).expect_err(bad).to_string();
            assert!(err.contains("nothing was sent"), "{err}");
            assert!(!err.contains('\x1b'), "{err}");
        }
        assert!(check_id(&"x".repeat(201)).is_err());
    }
}
