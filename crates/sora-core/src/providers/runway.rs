//! Runway's API (`https://api.dev.runwayml.com`), as the official `runwayml` 5.24.0 SDK speaks
//! it: `Authorization: Bearer`, `X-Runway-Version`, camelCase JSON, `POST /v1/text_to_video` or
//! `/v1/image_to_video`, `GET /v1/tasks/{id}`, `DELETE /v1/tasks/{id}`, `GET /v1/organization`.
//! Outputs are signed CDN URLs, fetched with no key.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde_json::{Map, Value};
use url::Url;

use super::catalogue::{Mode, VideoModel};
use super::media::ImageSource;
use super::runway_wire::{Created, Organization, Task};
use super::{ContentRequest, Job, JobStatus, Output, ProviderError, media, wire};
use crate::secret::Secret;

pub const RUNWAY_BASE: &str = "https://api.dev.runwayml.com";
/// The API version the SDK sends by default.
pub const RUNWAY_VERSION: &str = "2024-11-06";
/// A task's status changes no faster than this (`tasks.retrieve` docstring).
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// The longest image data URI Runway takes: 5 MB, counting the encoded string.
pub const MAX_DATA_URI: usize = 5 * 1024 * 1024;
/// The largest image Runway fetches by URL.
pub const MAX_IMAGE_URL_BYTES: u64 = 16 * 1024 * 1024;

const SERVICE: &str = "Runway";

#[derive(Debug, Clone)]
pub struct RunwayClient {
    http: crate::http::Http,
    base: Url,
    key: Secret,
    version: String,
}

impl RunwayClient {
    pub fn new(
        http: crate::http::Http,
        base: Url,
        key: Secret,
        version: impl Into<String>,
    ) -> Self {
        Self {
            http,
            base,
            key,
            version: version.into(),
        }
    }

    pub fn describe(&self) -> String {
        format!("Runway · {}", self.base.host_str().unwrap_or("?"))
    }

    fn url(&self, segments: &[&str]) -> Result<Url, ProviderError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ProviderError::Config(format!("{} cannot take a path", self.base)))?
            .pop_if_empty()
            .push("v1")
            .extend(segments);
        Ok(url)
    }

    fn request(&self, method: Method, url: Url) -> Result<RequestBuilder, ProviderError> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", self.key.expose()))
            .map_err(|_| ProviderError::Config("the Runway key holds characters a header cannot carry: check RUNWAYML_API_SECRET".into()))?;
        auth.set_sensitive(true);
        let version = HeaderValue::from_str(&self.version).map_err(|_| {
            ProviderError::Config(format!(
                "the Runway version {:?} is not a valid header value",
                self.version
            ))
        })?;
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, auth);
        headers.insert("x-runway-version", version);
        Ok(self.http.request(method, url).headers(headers))
    }

    async fn send(
        &self,
        builder: RequestBuilder,
        url: &Url,
    ) -> Result<wire::Answer, ProviderError> {
        wire::send(&self.http, SERVICE, builder, url)
            .await
            .map_err(explain)
    }

    /// Create a task from a model and the parameters the catalogue resolved. An image is sent
    /// as a data URI (at most 5 MB encoded).
    pub async fn create(
        &self,
        model: &VideoModel,
        prompt: &str,
        params: &Map<String, Value>,
        image: Option<ImageSource<'_>>,
    ) -> Result<Created, ProviderError> {
        let mut body = params.clone();
        body.insert("model".into(), Value::from(model.id.clone()));
        if !prompt.trim().is_empty() {
            body.insert("promptText".into(), Value::from(prompt));
        }
        let path = match (model.mode, image) {
            (Mode::Text, None) => "text_to_video",
            (Mode::Image, Some(image)) => {
                let field = model.image_field.as_deref().unwrap_or("promptImage");
                let uri = image.value(SERVICE, MAX_DATA_URI).await?;
                body.insert(field.into(), Value::from(uri));
                "image_to_video"
            }
            (Mode::Image, None) => {
                return Err(ProviderError::Input(format!(
                    "{} is an image-to-video model: give an image",
                    model.id
                )));
            }
            (Mode::Text, Some(_)) => {
                return Err(ProviderError::Input(format!(
                    "{} is a text-to-video model: pick its image-to-video form to send an image",
                    model.id
                )));
            }
        };
        let url = self.url(&[path])?;
        let builder = self.request(Method::POST, url.clone())?.json(&body);
        let answer = self.send(builder, &url).await?;
        wire::decode(SERVICE, &answer.body)
    }

    pub async fn get(&self, id: &str) -> Result<Task, ProviderError> {
        let url = self.url(&["tasks", id])?;
        let answer = self
            .send(self.request(Method::GET, url.clone())?, &url)
            .await?;
        wire::decode(SERVICE, &answer.body)
    }

    /// Cancel a PENDING, THROTTLED or RUNNING task; delete any other. Runway answers 204.
    pub async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        let url = self.url(&["tasks", id])?;
        let builder = self
            .request(Method::DELETE, url.clone())?
            .header(reqwest::header::ACCEPT, "*/*");
        self.send(builder, &url).await.map(|_| ())
    }

    /// The key's organization: credit balance and tier limits.
    pub async fn organization(&self) -> Result<Organization, ProviderError> {
        let url = self.url(&["organization"])?;
        let answer = self
            .send(self.request(Method::GET, url.clone())?, &url)
            .await?;
        wire::decode(SERVICE, &answer.body)
    }

    /// One output: its signed CDN URL, with no key.
    pub fn content_request(&self, output: &Output) -> Result<ContentRequest, ProviderError> {
        media::cdn_request(SERVICE, output.url.as_deref().unwrap_or_default())
    }
}

impl Task {
    /// The task for the engine and the timeline, in Runway's words.
    pub fn into_job(self) -> Job {
        let status = match self.status.as_str() {
            "PENDING" | "THROTTLED" => JobStatus::Queued,
            "RUNNING" => JobStatus::Running,
            "SUCCEEDED" => JobStatus::Succeeded,
            "FAILED" => JobStatus::Failed,
            "CANCELLED" => JobStatus::Cancelled,
            _ => JobStatus::Unknown,
        };
        let failure_reason = (status == JobStatus::Failed).then(|| self.explain_failure());
        let outputs = if status == JobStatus::Succeeded {
            self.output
                .iter()
                .enumerate()
                .map(|(index, url)| Output::on_cdn(&self.id, index, url.clone()))
                .collect()
        } else {
            Vec::new()
        };
        let mut notes = Vec::new();
        if self.status == "THROTTLED" {
            notes.push(
                "throttled: queued behind the account's other tasks (its concurrency limit); it starts when one finishes"
                    .to_string(),
            );
        }
        if let Some(estimate) = self.estimated_cost {
            notes.push(format!("Runway estimates {}", credits(estimate.credits)));
        }
        if let Some(cost) = self.cost {
            notes.push(format!("charged {}", credits(cost.credits)));
        }
        Job {
            progress: self
                .progress
                .filter(|_| status == JobStatus::Running)
                .map(|p| (p * 100.0).clamp(0.0, 100.0) as u8),
            created_at: self
                .created_at
                .as_deref()
                .and_then(|t| humantime::parse_rfc3339_weak(t).ok()),
            id: self.id,
            status,
            status_text: self.status,
            prompt: None,
            model: None,
            size: None,
            seconds: None,
            finished_at: None,
            expires_at: None,
            failure_reason,
            outputs,
            remixed_from: None,
            poll_after: Some(media::poll_interval(MIN_POLL_INTERVAL)),
            notes,
            failure_explained: true,
        }
    }

    /// What the failure means, whether to retry, and what was charged.
    pub fn explain_failure(&self) -> String {
        let code = self.failure_code.as_deref().unwrap_or("");
        let meaning = if let Some(input) = code.strip_prefix("SAFETY.INPUT.") {
            format!(
                "an input (likely the {}) failed Runway's moderation before generation: edit the prompt or image; the same input will fail again",
                input.to_ascii_lowercase()
            )
        } else if code.starts_with("SAFETY.OUTPUT.") {
            "the generated video failed Runway's moderation after generation: change the prompt; Runway advises not to retry it as is".into()
        } else if code == "INPUT_PREPROCESSING.SAFETY.TEXT" {
            "the prompt text was refused by moderation before generation: edit it".into()
        } else if code.starts_with("INTERNAL.BAD_OUTPUT.") {
            "Runway rejected the output for quality reasons (text or graphics overlaid in an input image can cause it): a retry may work but is unlikely to".into()
        } else if code == "ASSET.INVALID" {
            "an input asset is not usable: check the image format (JPEG, PNG, WebP) and size".into()
        } else {
            "Runway could not generate the video".into()
        };
        let mut text = if code.is_empty() {
            meaning
        } else {
            format!("{code}: {meaning}")
        };
        if let Some(said) = &self.failure {
            text.push_str(&format!(" (Runway said: {said})"));
        }
        match self.cost.map(|c| c.credits) {
            Some(c) if c <= 0.0 => text.push_str("; nothing was charged"),
            Some(c) => text.push_str(&format!("; {c} credits were charged")),
            None => {}
        }
        text
    }
}

/// Credits with their dollar value (1 credit = US$0.01).
fn credits(amount: f64) -> String {
    format!("{amount} credits (${:.2})", amount * 0.01)
}

impl Created {
    /// A task just created: PENDING, with what Runway estimates it costs.
    pub fn into_job(self) -> Job {
        Task {
            id: self.id,
            status: "PENDING".into(),
            created_at: None,
            progress: None,
            output: Vec::new(),
            failure: None,
            failure_code: None,
            estimated_cost: self.estimated_cost,
            cost: None,
        }
        .into_job()
    }
}

/// Runway's error answers with what to do about each.
fn explain(e: ProviderError) -> ProviderError {
    let ProviderError::Api { service, error } = e else {
        return e;
    };
    let what_to_do = match error.status {
        400 => {
            "Runway refused the request: fix the field it names (the prompt panel shows the valid values)"
        }
        401 => {
            "The key was refused: check RUNWAYML_API_SECRET (or [runway] api_key); Runway keys start with key_"
        }
        403 => "The key may not do this: check the key's organization and its permissions",
        404 => "Runway has no such task: cancelled and deleted tasks cannot be fetched again",
        429 => {
            "Too many requests, or the daily generation quota (a rolling 24 h) is used up: sora-tui waits and retries"
        }
        s if s >= 500 => "Runway is overloaded: sora-tui retries with backoff",
        _ => "See Runway's message above",
    };
    ProviderError::Service {
        service,
        error,
        what_to_do: what_to_do.into(),
    }
}
