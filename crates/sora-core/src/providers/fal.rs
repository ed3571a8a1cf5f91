//! fal.ai's queue (`https://queue.fal.run`), as `fal-client` 1.0.3 speaks it:
//! `Authorization: Key <FAL_KEY>`, submit with `POST /{model_id}` (the model's own input, no
//! envelope), then the `status_url` (`?logs=1`), `response_url` and `cancel_url` the submit
//! answer gives. Outputs are public CDN URLs, fetched with no key. A result is kept by fal for
//! an hour (six minutes when large), so it is read as soon as the status says COMPLETED.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde_json::{Map, Value};
use url::Url;

use super::catalogue::{Mode, VideoModel};
use super::fal_wire::{CancelAnswer, Status, Submitted, VideoResult};
use super::media::ImageSource;
use super::{ContentRequest, Job, JobStatus, Output, ProviderError, media, wire};
use crate::secret::Secret;

pub const FAL_QUEUE_BASE: &str = "https://queue.fal.run";
/// fal publishes no minimum; video jobs take 30 s to minutes.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// fal documents no data-URI limit (and not which models take one); Runway's 5 MB is used.
pub const MAX_DATA_URI: usize = 5 * 1024 * 1024;

const SERVICE: &str = "fal.ai";
/// Log lines of a running request carried into the timeline's details.
const MAX_LOG_NOTES: usize = 5;

/// A request just submitted: IN_QUEUE at the position fal gave.
pub fn submitted_job(submitted: &Submitted) -> Job {
    Polled {
        status: Status {
            status: "IN_QUEUE".into(),
            request_id: Some(submitted.request_id.clone()),
            queue_position: submitted.queue_position,
            logs: None,
            error: None,
            error_type: None,
        },
        result: None,
    }
    .into_job(&submitted.request_id)
}

/// The queue base as fal-client builds it: `https://` + `FAL_QUEUE_RUN_HOST`, else
/// `https://queue.` + `FAL_RUN_HOST`; None when neither is set.
pub fn queue_base_from_env(get: impl Fn(&str) -> Option<String>) -> Option<String> {
    let nonempty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
    nonempty("FAL_QUEUE_RUN_HOST")
        .map(|host| format!("https://{}", host.trim()))
        .or_else(|| nonempty("FAL_RUN_HOST").map(|host| format!("https://queue.{}", host.trim())))
}

/// What a poll learned: the status, and when COMPLETED without error, the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    pub status: Status,
    pub result: Option<VideoResult>,
}

#[derive(Debug, Clone)]
pub struct FalClient {
    http: crate::http::Http,
    base: Url,
    key: Secret,
}

impl FalClient {
    pub fn new(http: crate::http::Http, base: Url, key: Secret) -> Self {
        Self { http, base, key }
    }

    pub fn describe(&self) -> String {
        format!("fal.ai · {}", self.base.host_str().unwrap_or("?"))
    }

    fn request(&self, method: Method, url: Url) -> Result<RequestBuilder, ProviderError> {
        let mut auth =
            HeaderValue::from_str(&format!("Key {}", self.key.expose())).map_err(|_| {
                ProviderError::Config(
                    "the fal key holds characters a header cannot carry: check FAL_KEY".into(),
                )
            })?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, auth);
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

    /// A URL the queue gave, used only when it is on the queue's own origin: the key is never
    /// sent anywhere else.
    fn queue_url(&self, given: &str) -> Result<Url, ProviderError> {
        let url = Url::parse(given).map_err(|e| ProviderError::Decode {
            service: SERVICE.into(),
            reason: format!("a queue URL is not a URL ({e})"),
            excerpt: given.chars().take(200).collect(),
        })?;
        if url.origin() != self.base.origin() {
            return Err(ProviderError::Decode {
                service: SERVICE.into(),
                reason: format!(
                    "a queue URL points to {} rather than the configured queue {}; the key is not sent there",
                    crate::http::redact_url(&url),
                    self.base
                ),
                excerpt: String::new(),
            });
        }
        Ok(url)
    }

    /// Submit the model's input: the prompt, the parameters the catalogue resolved and, for
    /// image-to-video, the image as a data URI.
    pub async fn submit(
        &self,
        model: &VideoModel,
        prompt: &str,
        params: &Map<String, Value>,
        image: Option<ImageSource<'_>>,
    ) -> Result<Submitted, ProviderError> {
        let mut body = params.clone();
        body.insert("prompt".into(), Value::from(prompt));
        match (model.mode, image) {
            (Mode::Text, None) => {}
            (Mode::Image, Some(image)) => {
                let field = model.image_field.as_deref().unwrap_or("image_url");
                let uri = image.value(SERVICE, MAX_DATA_URI).await?;
                body.insert(field.into(), Value::from(uri));
            }
            (Mode::Image, None) => {
                return Err(ProviderError::Input(format!(
                    "{} is an image-to-video model: give an image",
                    model.id
                )));
            }
            (Mode::Text, Some(_)) => {
                return Err(ProviderError::Input(format!(
                    "{} is a text-to-video model: pick an image-to-video model to send an image",
                    model.id
                )));
            }
        }
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| ProviderError::Config(format!("{} cannot take a path", self.base)))?
            .pop_if_empty()
            .extend(model.id.split('/').filter(|s| !s.is_empty()));
        let builder = self.request(Method::POST, url.clone())?.json(&body);
        let answer = self.send(builder, &url).await?;
        wire::decode(SERVICE, &answer.body)
    }

    pub async fn status(&self, request: &Submitted) -> Result<Status, ProviderError> {
        let mut url = self.queue_url(&request.status_url)?;
        url.query_pairs_mut().append_pair("logs", "1");
        let answer = self
            .send(self.request(Method::GET, url.clone())?, &url)
            .await?;
        wire::decode(SERVICE, &answer.body)
    }

    /// The model's output. A refusal by the model (422 `content_policy_violation`, a
    /// validation error) comes back here as an error.
    pub async fn result(&self, request: &Submitted) -> Result<VideoResult, ProviderError> {
        let url = self.queue_url(&request.response_url)?;
        let answer = self
            .send(self.request(Method::GET, url.clone())?, &url)
            .await?;
        wire::decode(SERVICE, &answer.body)
    }

    /// The status, and at once the result when the request completed without error (fal keeps
    /// it only about an hour).
    pub async fn poll(&self, request: &Submitted) -> Result<Polled, ProviderError> {
        let mut status = self.status(request).await?;
        if status.status != "COMPLETED" || status.error.is_some() {
            return Ok(Polled {
                status,
                result: None,
            });
        }
        match self.result(request).await {
            Ok(result) => Ok(Polled {
                status,
                result: Some(result),
            }),
            // The model refused its input (422: content_policy_violation, a validation error):
            // the request is over and failed, in the model's words.
            Err(ProviderError::Service { error, .. }) if error.status == 422 => {
                status.error = Some(error.message.clone());
                status.error_type = error.kind.clone().or(Some("validation_error".into()));
                Ok(Polled {
                    status,
                    result: None,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Ask fal to cancel: a queued request never runs; a running one is signalled. Returns
    /// fal's word (`CANCELLATION_REQUESTED`, `ALREADY_COMPLETED`...).
    pub async fn cancel(&self, request: &Submitted) -> Result<String, ProviderError> {
        let url = self.queue_url(&request.cancel_url)?;
        let answer = self
            .send(self.request(Method::PUT, url.clone())?, &url)
            .await?;
        let said: CancelAnswer =
            wire::decode(SERVICE, &answer.body).unwrap_or(CancelAnswer { status: None });
        Ok(said.status.unwrap_or_else(|| "OK".into()))
    }

    /// The URLs of a request known by its id, on this client's queue.
    pub fn handle(&self, model_id: &str, request_id: &str) -> Submitted {
        Submitted::from_request_id(&self.base, model_id, request_id)
    }

    /// The output video: its CDN URL, with no key.
    pub fn content_request(&self, output: &Output) -> Result<ContentRequest, ProviderError> {
        media::cdn_request(SERVICE, output.url.as_deref().unwrap_or_default())
    }
}

impl Polled {
    /// The request for the engine and the timeline, in fal's words.
    pub fn into_job(self, request_id: &str) -> Job {
        let s = self.status;
        let status = match (s.status.as_str(), &s.error, &self.result) {
            ("IN_QUEUE", ..) => JobStatus::Queued,
            ("IN_PROGRESS", ..) => JobStatus::Running,
            ("COMPLETED", Some(_), _) => JobStatus::Failed,
            ("COMPLETED", None, Some(_)) => JobStatus::Succeeded,
            _ => JobStatus::Unknown,
        };
        let failure_reason = s
            .error
            .as_ref()
            .map(|e| explain_failure(s.error_type.as_deref(), e));
        let outputs = self
            .result
            .map(|r| vec![Output::on_cdn(request_id, 0, r.video.url)])
            .unwrap_or_default();
        let mut notes = Vec::new();
        if let Some(position) = s.queue_position.filter(|_| s.status == "IN_QUEUE") {
            notes.push(format!("queue position {position} (0 is next)"));
        }
        // The model's own log lines, newest last: the last few are enough for the details.
        let logs = s.logs.as_deref().unwrap_or_default();
        for log in logs.iter().skip(logs.len().saturating_sub(MAX_LOG_NOTES)) {
            notes.push(format!("log: {}", crate::text::one_line(&log.message)));
        }
        Job {
            id: request_id.to_string(),
            status,
            status_text: s.status,
            progress: None,
            prompt: None,
            model: None,
            size: None,
            seconds: None,
            created_at: None,
            finished_at: None,
            expires_at: None,
            failure_reason,
            outputs,
            remixed_from: None,
            poll_after: Some(media::poll_interval(POLL_INTERVAL)),
            notes,
            failure_explained: true,
        }
    }
}

/// A COMPLETED-with-error request, explained.
pub fn explain_failure(error_type: Option<&str>, error: &str) -> String {
    match error_type {
        Some("content_policy_violation") => format!(
            "content_policy_violation: the model's content checker flagged the request ({error}); edit the prompt or image: the same input will be refused again"
        ),
        Some(kind) => format!("{kind}: {error}"),
        None => error.to_string(),
    }
}

/// fal's error answers with what to do about each.
fn explain(e: ProviderError) -> ProviderError {
    let ProviderError::Api { service, error } = e else {
        return e;
    };
    let what_to_do = match (error.status, error.kind.as_deref()) {
        (422, Some("content_policy_violation")) => {
            "The model's content checker flagged the request: edit the prompt or image; the same input is refused again"
        }
        (422, _) => "The model refused its input: fix the field it names",
        (401 | 403, _) => "The key was refused: check FAL_KEY (or [fal] key)",
        (404, _) => "fal has no such model or request: check the model id (owner/app/path)",
        (429, _) => "Too many requests: sora-tui waits and retries",
        (s, _) if s >= 500 => {
            "fal had a problem (5xx failures are not billed): sora-tui retries with backoff"
        }
        _ => "See fal's message above",
    };
    ProviderError::Service {
        service,
        error,
        what_to_do: what_to_do.into(),
    }
}
