//! Video generation services behind one interface.
//!
//! Every family has the same shape: create a job, poll it until a terminal status, then fetch
//! the content of each output. The download engine only ever sees a [`ContentRequest`], so it
//! never branches on the family; the UI only asks what differs (progress, remix, variants).

pub mod auth;
pub mod azure_sora;
pub mod catalogue;
mod catalogued;
pub mod error;
pub mod fal;
pub mod fal_wire;
mod family;
mod id;
pub mod media;
mod probe;
pub mod profile;
pub mod runway;
pub mod runway_wire;
pub mod videos_v1;
mod wire;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;
use url::Url;

pub use catalogued::{ModelChoice, Resolved};
pub use error::{ApiError, ProviderError};
pub use family::{Family, Retirement, Size};
pub use id::check_id;
pub(crate) use probe::PROBE_PROMPT;
pub use probe::{DeploymentProbe, ProbeCleanup};
pub use profile::{ModelProfile, Pricing, ValidationError};

/// What the user asks for, before any family-specific encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerationRequest {
    pub prompt: String,
    pub size: Size,
    pub seconds: u32,
    pub variants: u32,
    /// Image-to-video: a local JPEG, PNG or WebP used as the first frame.
    pub image: Option<PathBuf>,
    /// Runway and fal: the model's own parameters by name (`ratio`, `duration`, `audio`) as
    /// the user typed them, resolved against the catalogue. Sora models take none: they use
    /// `size`, `seconds` and `variants`, which Runway and fal ignore.
    pub params: Vec<(String, String)>,
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
    /// The reason already says what it means and what to do (Runway's `failureCode`, fal's
    /// `error_type` are explained where they are read).
    pub failure_explained: bool,
    /// The downloadable outputs: one per variant.
    pub outputs: Vec<Output>,
    /// The video this one remixes, if any.
    pub remixed_from: Option<String>,
    /// How long the service asks clients to wait before the next poll.
    pub poll_after: Option<Duration>,
    /// What else the service said, for the timeline's details: Runway's estimated and final
    /// cost, fal's queue position and logs.
    pub notes: Vec<String>,
}

impl Job {
    /// A failed job, explained with what the user can do about it.
    pub fn explain_failure(&self) -> String {
        let job = self;
        let reason = job.failure_reason.as_deref().unwrap_or("no reason given");
        if job.failure_explained {
            return format!("job {} failed: {reason}", job.id);
        }
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
    /// What the download is filed and named under: the service's id (a Sora generation or
    /// video), or for a CDN output the job id (with its index after the first).
    pub id: String,
    /// Index among the job's outputs, for file names.
    pub index: usize,
    /// Runway and fal: the signed CDN URL it is fetched from, with no key. Never shown (its
    /// query is a credential), kept in the journal only because fal forgets it after an hour.
    pub url: Option<String>,
}

impl Output {
    /// An output served from a CDN URL.
    pub fn on_cdn(job_id: &str, index: usize, url: String) -> Self {
        let id = match index {
            0 => job_id.to_string(),
            n => format!("{job_id}-{n}"),
        };
        Self {
            id,
            index,
            url: Some(url),
        }
    }
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

/// The configured service, one variant per client. An enum rather than a trait object keeps
/// the futures `Send` without boxing and makes adding a family a compile-checked change.
#[derive(Debug, Clone)]
pub enum Provider {
    AzureSora(azure_sora::AzureSoraClient),
    /// Azure Sora 2 and OpenAI: the same API at different bases.
    VideosV1(videos_v1::VideosV1Client),
    /// Runway, running one model of the catalogue.
    Runway(runway::RunwayClient, ModelChoice),
    /// fal.ai's queue, running one model of the catalogue.
    Fal(fal::FalClient, ModelChoice),
}

impl Provider {
    pub fn family(&self) -> Family {
        match self {
            Provider::AzureSora(_) => Family::AzureSora,
            Provider::VideosV1(c) => c.family(),
            Provider::Runway(..) => Family::Runway,
            Provider::Fal(..) => Family::Fal,
        }
    }

    /// Human name of the service and deployment (or model), for headers and messages.
    pub fn describe(&self) -> String {
        match self {
            Provider::AzureSora(c) => c.describe(),
            Provider::VideosV1(c) => c.describe(),
            Provider::Runway(c, m) => format!("{} · {}", c.describe(), m.model()),
            Provider::Fal(c, m) => format!("{} · {}", c.describe(), m.model()),
        }
    }

    /// The model (Runway, fal, OpenAI) or deployment (Azure) it runs.
    pub fn model(&self) -> String {
        match self {
            Provider::AzureSora(c) => c.profile().model.clone(),
            Provider::VideosV1(c) => c.profile().model.clone(),
            Provider::Runway(_, m) | Provider::Fal(_, m) => m.model().to_string(),
        }
    }

    /// The catalogue model a Runway or fal provider runs; None for Sora.
    pub fn model_choice(&self) -> Option<&ModelChoice> {
        match self {
            Provider::Runway(_, m) | Provider::Fal(_, m) => Some(m),
            _ => None,
        }
    }

    /// The same service and key running another model of the catalogue (Runway, fal). A Sora
    /// provider runs its configured deployment only: asking for another is refused.
    pub fn with_model(&self, model: &str) -> Result<Provider, ValidationError> {
        match self {
            Provider::Runway(c, m) => Ok(Provider::Runway(c.clone(), m.with_model(model)?)),
            Provider::Fal(c, m) => Ok(Provider::Fal(c.clone(), m.with_model(model)?)),
            other if other.model() == model.trim() => Ok(other.clone()),
            other => Err(ValidationError::NotTaken(format!(
                "{} runs its configured model `{}`; set it in the config (or --model) to use `{model}`",
                other.family().label(),
                other.model()
            ))),
        }
    }

    /// What a Sora model accepts and costs; None for Runway and fal (their catalogue says).
    pub fn sora_profile(&self) -> Option<&ModelProfile> {
        match self {
            Provider::AzureSora(c) => Some(c.profile()),
            Provider::VideosV1(c) => Some(c.profile()),
            Provider::Runway(..) | Provider::Fal(..) => None,
        }
    }

    /// Check the request against the model's documented limits. No request is sent.
    pub fn validate(&self, request: &GenerationRequest) -> Result<(), ValidationError> {
        match (self.sora_profile(), self.model_choice()) {
            (Some(profile), _) => profile.validate(request),
            (None, Some(choice)) => {
                if request.variants > 1 {
                    return Err(ValidationError::NotTaken(format!(
                        "{} makes one video per request: --variants {} is not taken",
                        self.family().label(),
                        request.variants
                    )));
                }
                choice.resolve(request)?;
                // The image is a regular file of a type the services take (the same check as
                // for Sora, without its size rule): refused here, before anything is recorded.
                match &request.image {
                    Some(path) => profile::check_image(path, None),
                    None => Ok(()),
                }
            }
            (None, None) => Ok(()),
        }
    }

    /// The most the request can cost, in US dollars; None without a published price.
    pub fn estimate(&self, request: &GenerationRequest) -> Option<f64> {
        match (self.sora_profile(), self.model_choice()) {
            (Some(profile), _) => profile.estimate(request),
            (None, Some(choice)) => choice.estimate(request).map(|c| c.usd()),
            (None, None) => None,
        }
    }

    /// The estimate in the service's unit (`60 credits ($0.60)`, `$3.20`).
    pub fn estimate_text(&self, request: &GenerationRequest) -> Option<String> {
        match self.model_choice() {
            Some(choice) => choice.estimate(request).map(|c| c.to_string()),
            None => self.estimate(request).map(|usd| format!("${usd:.2}")),
        }
    }

    /// What the service says about the account, for a header: Runway's credit balance
    /// (`5000 credits`). None for a service with no such answer; an error in words.
    pub async fn account(&self) -> Option<Result<String, String>> {
        match self {
            Provider::Runway(c, _) => Some(
                c.organization()
                    .await
                    .map(|org| format!("{} credits", org.credit_balance))
                    .map_err(|e| e.to_string()),
            ),
            _ => None,
        }
    }

    /// Renditions this family serves.
    pub fn variants(&self) -> &'static [ContentVariant] {
        match self {
            Provider::AzureSora(_) => &[ContentVariant::Video, ContentVariant::Thumbnail],
            Provider::VideosV1(_) => &ContentVariant::ALL,
            Provider::Runway(..) | Provider::Fal(..) => &[ContentVariant::Video],
        }
    }

    pub fn supports_remix(&self) -> bool {
        self.family().supports_remix()
    }

    pub async fn create(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        self.create_with(request, None).await
    }

    /// How the request's image reaches the service: inline, or by a URL (too large to go
    /// inline: it is stored in the input bucket first). A refusal says why neither fits.
    pub async fn image_route(
        &self,
        request: &GenerationRequest,
    ) -> Result<ImageRoute, ProviderError> {
        let Some(path) = &request.image else {
            return Ok(ImageRoute::None);
        };
        let (max_inline, max_url) = match self {
            Provider::Runway(..) => (runway::MAX_DATA_URI, runway::MAX_IMAGE_URL_BYTES),
            Provider::Fal(..) => (fal::MAX_DATA_URI, profile::MAX_IMAGE_BYTES),
            // Sora families take the image as a multipart part.
            _ => return Ok(ImageRoute::Inline),
        };
        let bytes = tokio::fs::metadata(path)
            .await
            .map_err(|e| {
                ProviderError::Input(format!("cannot read image {}: {e}", path.display()))
            })?
            .len();
        if media::data_uri_len(bytes) <= max_inline as u64 {
            return Ok(ImageRoute::Inline);
        }
        if bytes <= max_url {
            return Ok(ImageRoute::ByUrl);
        }
        Err(ProviderError::Input(format!(
            "image {} is {}: too large for {} both inline (a data URI of at most {}) and by URL (at most {}). Use a smaller image",
            path.display(),
            crate::present::bytes(bytes),
            self.family().label(),
            crate::present::bytes(max_inline as u64),
            crate::present::bytes(max_url)
        )))
    }

    /// Create, sending a Runway or fal image by `image_url` when given (see [`Self::image_route`]).
    pub async fn create_with(
        &self,
        request: &GenerationRequest,
        image_url: Option<&str>,
    ) -> Result<Job, ProviderError> {
        let image = match (image_url, request.image.as_deref()) {
            (Some(url), _) => Some(media::ImageSource::Url(url)),
            (None, Some(path)) => Some(media::ImageSource::File(path)),
            (None, None) => None,
        };
        match self {
            Provider::AzureSora(c) => c.create_job(request).await,
            Provider::VideosV1(c) => c.create(request).await,
            Provider::Runway(c, m) => {
                let resolved = m.resolve(request).map_err(not_sent)?;
                let created = c
                    .create(resolved.model, &request.prompt, &resolved.params, image)
                    .await?;
                Ok(created.into_job())
            }
            Provider::Fal(c, m) => {
                let resolved = m.resolve(request).map_err(not_sent)?;
                let submitted = c
                    .submit(resolved.model, &request.prompt, &resolved.params, image)
                    .await?;
                Ok(fal::submitted_job(&submitted))
            }
        }
    }

    pub async fn get(&self, job_id: &str) -> Result<Job, ProviderError> {
        check_id(job_id)?;
        match self {
            Provider::AzureSora(c) => c.get_job(job_id).await,
            Provider::VideosV1(c) => c.get(job_id).await,
            Provider::Runway(c, _) => Ok(c.get(job_id).await?.into_job()),
            Provider::Fal(c, m) => {
                let handle = c.handle(m.model(), job_id);
                Ok(c.poll(&handle).await?.into_job(job_id))
            }
        }
    }

    /// One page of jobs, newest first. Runway and fal list no tasks.
    pub async fn list(&self, limit: u32, after: Option<&str>) -> Result<JobPage, ProviderError> {
        match self {
            Provider::AzureSora(c) => c.list_jobs(limit, after).await,
            Provider::VideosV1(c) => c.list(limit, after).await,
            Provider::Runway(..) | Provider::Fal(..) => Err(ProviderError::Unsupported(format!(
                "{} lists no tasks: look one up by id (`sora-tui status ID`), see `sora-tui history`, or look in {}",
                self.family().label(),
                self.family().where_to_look()
            ))),
        }
    }

    /// Delete the job (Runway: cancel a running task, delete a finished one; fal: cancel,
    /// since fal deletes nothing on request).
    pub async fn delete(&self, job_id: &str) -> Result<(), ProviderError> {
        check_id(job_id)?;
        match self {
            Provider::AzureSora(c) => c.delete_job(job_id).await,
            Provider::VideosV1(c) => c.delete(job_id).await,
            Provider::Runway(c, _) => c.delete(job_id).await,
            Provider::Fal(c, m) => c.cancel(&c.handle(m.model(), job_id)).await.map(|_| ()),
        }
    }

    /// A new video from an existing one and a new prompt (v1 API only).
    pub async fn remix(&self, source_id: &str, prompt: &str) -> Result<Job, ProviderError> {
        check_id(source_id)?;
        match self {
            Provider::VideosV1(c) => c.remix(source_id, prompt).await,
            other => Err(ProviderError::Unsupported(format!(
                "{} cannot remix: remix is a feature of the v1 videos API (provider azure-sora2 or openai)",
                other.describe()
            ))),
        }
    }

    /// Where to fetch one rendition of an output, auth included (none for a CDN URL).
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
        match self {
            Provider::AzureSora(c) => {
                check_id(&output.id)?;
                c.content_request(&output.id, variant).await
            }
            Provider::VideosV1(c) => {
                check_id(&output.id)?;
                c.content_request(&output.id, variant).await
            }
            Provider::Runway(c, _) => c.content_request(output),
            Provider::Fal(c, _) => c.content_request(output),
        }
    }
}

/// How a request's image reaches the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageRoute {
    /// No image.
    None,
    /// In the request itself (a data URI, or a multipart part for Sora).
    Inline,
    /// Too large to go inline: stored first, then sent as a URL the service fetches.
    ByUrl,
}

/// A request the catalogue refuses was not sent.
fn not_sent(e: catalogue::CatalogueError) -> ProviderError {
    ProviderError::Input(format!("not sent: {e}"))
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
            notes: Vec::new(),
            failure_explained: false,
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
