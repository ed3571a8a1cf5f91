//! Azure OpenAI's preview "video generation jobs" API (Sora 1):
//! `{endpoint}/openai/v1/video/generations/...?api-version=preview`.
//!
//! Content lives at `.../generations/{generation_id}/content/video` (and `/content/thumbnail`),
//! keyed by the *generation* id from `job.generations[i].id`, never the job id; a bare
//! `/content` is not a route and answers 404 "Resource not found".

use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use url::Url;

use super::auth::Auth;
use super::wire::{self, unix_time};
use super::{
    ContentRequest, ContentVariant, GenerationRequest, Job, JobPage, JobStatus, ModelProfile,
    Output, ProviderError, Size,
};
use crate::http::Http;

const SERVICE: &str = "Azure OpenAI (Sora)";

#[derive(Debug, Clone)]
pub struct AzureSoraClient {
    http: Http,
    /// Resource base, e.g. `https://my-resource.openai.azure.com` (no trailing slash).
    base: Url,
    deployment: String,
    api_version: String,
    auth: Auth,
    profile: ModelProfile,
}

impl AzureSoraClient {
    pub fn new(
        http: Http,
        base: Url,
        deployment: impl Into<String>,
        api_version: impl Into<String>,
        auth: Auth,
        profile: ModelProfile,
    ) -> Self {
        Self {
            http,
            base,
            deployment: deployment.into(),
            api_version: api_version.into(),
            auth,
            profile,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "Azure Sora · {} · {}",
            self.deployment,
            self.base.host_str().unwrap_or("?")
        )
    }

    pub fn profile(&self) -> &ModelProfile {
        &self.profile
    }

    /// `{base}/openai/v1/video/generations/{tail}?api-version=...`
    fn url(&self, tail: &[&str]) -> Result<Url, ProviderError> {
        let mut url = self.base.clone();
        {
            let mut segs = url.path_segments_mut().map_err(|_| {
                ProviderError::Config(format!(
                    "the Azure endpoint {} cannot take a path",
                    self.base
                ))
            })?;
            segs.pop_if_empty()
                .extend(["openai", "v1", "video", "generations"])
                .extend(tail);
        }
        url.query_pairs_mut()
            .append_pair("api-version", &self.api_version);
        Ok(url)
    }

    async fn request(&self, method: Method, url: Url) -> Result<RequestBuilder, ProviderError> {
        let headers = self.auth.headers().await.map_err(ProviderError::Auth)?;
        Ok(self.http.request(method, url).headers(headers))
    }

    /// Text to video as JSON; image to video as multipart with `inpaint_items` and `files`.
    pub async fn create_job(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        let url = self.url(&["jobs"])?;
        let builder = self.request(Method::POST, url.clone()).await?;
        let builder = match &request.image {
            None => builder.json(&serde_json::json!({
                "model": self.deployment,
                "prompt": request.prompt,
                "width": request.size.width,
                "height": request.size.height,
                "n_seconds": request.seconds,
                "n_variants": request.variants,
            })),
            Some(path) => {
                let (bytes, name, mime) = wire::read_image(path).await?;
                // The image is the first frame; crop bounds default to the whole image.
                let items = serde_json::json!([{
                    "frame_index": 0,
                    "type": "image",
                    "file_name": name,
                    "crop_bounds": {"left_fraction": 0.0, "top_fraction": 0.0, "right_fraction": 1.0, "bottom_fraction": 1.0},
                }]);
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str(mime)
                    .map_err(|e| ProviderError::Input(e.to_string()))?;
                let form = reqwest::multipart::Form::new()
                    .text("model", self.deployment.clone())
                    .text("prompt", request.prompt.clone())
                    .text("width", request.size.width.to_string())
                    .text("height", request.size.height.to_string())
                    .text("n_seconds", request.seconds.to_string())
                    .text("n_variants", request.variants.to_string())
                    .text("inpaint_items", items.to_string())
                    .part("files", part);
                builder.multipart(form)
            }
        };
        let answer = wire::send(&self.http, SERVICE, builder, &url).await?;
        parse_job(&answer.body)
    }

    /// The doctor's deployment probe: a create naming the deployment at 1x1 with no variant and
    /// a duration that is not a number (numeric strings are read as numbers; "none" cannot be):
    /// wrong in type and range at once, so no service that reads the body can make a job of it.
    pub async fn probe_create(&self) -> Result<Job, ProviderError> {
        let url = self.url(&["jobs"])?;
        let builder = self
            .request(Method::POST, url.clone())
            .await?
            .json(&serde_json::json!({
                "model": self.deployment,
                "prompt": super::PROBE_PROMPT,
                "width": 1,
                "height": 1,
                "n_seconds": "none",
                "n_variants": 0,
            }));
        let answer = wire::send(&self.http, SERVICE, builder, &url).await?;
        parse_job(&answer.body)
    }

    /// A job; given a generation id (`gen_…`), the generation's metadata as a succeeded job
    /// with that one output, so `status` and `download` take either id.
    pub async fn get_job(&self, job_id: &str) -> Result<Job, ProviderError> {
        if job_id.starts_with("gen_") {
            return self.get_generation(job_id).await;
        }
        let url = self.url(&["jobs", job_id])?;
        let answer = wire::send(
            &self.http,
            SERVICE,
            self.request(Method::GET, url.clone()).await?,
            &url,
        )
        .await
        .map_err(|e| e.naming(job_id))?;
        parse_job(&answer.body)
    }

    async fn get_generation(&self, generation_id: &str) -> Result<Job, ProviderError> {
        let url = self.url(&[generation_id])?;
        let answer = wire::send(
            &self.http,
            SERVICE,
            self.request(Method::GET, url.clone()).await?,
            &url,
        )
        .await
        .map_err(|e| e.naming(generation_id))?;
        parse_generation(&answer.body)
    }

    pub async fn list_jobs(
        &self,
        limit: u32,
        after: Option<&str>,
    ) -> Result<JobPage, ProviderError> {
        let mut url = self.url(&["jobs"])?;
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string());
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", after);
        }
        let answer = wire::send(
            &self.http,
            SERVICE,
            self.request(Method::GET, url.clone()).await?,
            &url,
        )
        .await?;
        parse_job_list(&answer.body)
    }

    pub async fn delete_job(&self, job_id: &str) -> Result<(), ProviderError> {
        let url = self.url(&["jobs", job_id])?;
        wire::send(
            &self.http,
            SERVICE,
            self.request(Method::DELETE, url.clone()).await?,
            &url,
        )
        .await
        .map_err(|e| e.naming(job_id))?;
        Ok(())
    }

    /// The request that fetches one rendition of a generation.
    pub async fn content_request(
        &self,
        generation_id: &str,
        variant: ContentVariant,
    ) -> Result<ContentRequest, ProviderError> {
        let leaf = match variant {
            ContentVariant::Video => "video",
            ContentVariant::Thumbnail => "thumbnail",
            ContentVariant::Spritesheet => {
                return Err(ProviderError::Unsupported(
                    "Azure Sora offers no spritesheet".into(),
                ));
            }
        };
        let url = self.url(&[generation_id, "content", leaf])?;
        Ok(ContentRequest {
            url,
            headers: self.auth.headers().await.map_err(ProviderError::Auth)?,
        })
    }
}

#[derive(Debug, Deserialize)]
struct WireJob {
    id: String,
    status: String,
    #[serde(default)]
    created_at: Option<i64>,
    #[serde(default)]
    finished_at: Option<i64>,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default)]
    failure_reason: Option<serde_json::Value>,
    #[serde(default)]
    generations: Vec<WireGeneration>,
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
    #[serde(default)]
    n_seconds: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct WireGeneration {
    id: String,
}

/// `GET /video/generations/{generation_id}`: a `video.generation`.
#[derive(Debug, Deserialize)]
struct WireGenerationMeta {
    id: String,
    #[serde(default)]
    created_at: Option<i64>,
    #[serde(default)]
    width: Option<u32>,
    #[serde(default)]
    height: Option<u32>,
    #[serde(default)]
    n_seconds: Option<u32>,
    #[serde(default)]
    prompt: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireJobList {
    #[serde(default)]
    data: Vec<WireJob>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

/// Parse a `video.generation.job` body. Unknown fields are ignored: the API adds fields.
pub fn parse_job(body: &[u8]) -> Result<Job, ProviderError> {
    let wire: WireJob = wire::decode(SERVICE, body)?;
    Ok(wire.into_job())
}

/// Parse a `video.generation` body: the generation as a succeeded job with that one output.
pub fn parse_generation(body: &[u8]) -> Result<Job, ProviderError> {
    let g: WireGenerationMeta = wire::decode(SERVICE, body)?;
    let created_at = g.created_at.and_then(unix_time);
    Ok(Job {
        status: JobStatus::Succeeded,
        status_text: "succeeded".into(),
        progress: None,
        prompt: g.prompt,
        model: None,
        size: g.width.zip(g.height).map(|(w, h)| Size::new(w, h)),
        seconds: g.n_seconds,
        created_at,
        finished_at: created_at,
        expires_at: created_at
            .and_then(|t| t.checked_add(std::time::Duration::from_secs(24 * 3600))),
        failure_reason: None,
        outputs: vec![Output {
            id: g.id.clone(),
            index: 0,
            url: None,
        }],
        remixed_from: None,
        poll_after: None,
        notes: Vec::new(),
        id: g.id,
        failure_explained: false,
    })
}

pub fn parse_job_list(body: &[u8]) -> Result<JobPage, ProviderError> {
    let wire: WireJobList = wire::decode(SERVICE, body)?;
    Ok(JobPage {
        jobs: wire.data.into_iter().map(WireJob::into_job).collect(),
        has_more: wire.has_more,
        last_id: wire.last_id,
    })
}

impl WireJob {
    fn into_job(self) -> Job {
        let created_at = self.created_at.and_then(unix_time);
        let failure_reason = match self.failure_reason {
            Some(serde_json::Value::String(s)) => Some(s),
            Some(serde_json::Value::Null) | None => None,
            Some(other) => Some(other.to_string()),
        };
        Job {
            status: status_from_wire(&self.status),
            status_text: self.status,
            progress: None,
            prompt: self.prompt,
            model: self.model,
            size: self.width.zip(self.height).map(|(w, h)| Size::new(w, h)),
            seconds: self.n_seconds,
            created_at,
            finished_at: self.finished_at.and_then(unix_time),
            // The service keeps content 24 hours after creation; use that when it does not say.
            expires_at: self.expires_at.and_then(unix_time).or_else(|| {
                created_at.and_then(|t| t.checked_add(std::time::Duration::from_secs(24 * 3600)))
            }),
            failure_reason,
            outputs: self
                .generations
                .into_iter()
                .enumerate()
                .map(|(index, g)| Output {
                    id: g.id,
                    index,
                    url: None,
                })
                .collect(),
            remixed_from: None,
            poll_after: None,
            notes: Vec::new(),
            id: self.id,
            failure_explained: false,
        }
    }
}

fn status_from_wire(s: &str) -> JobStatus {
    match s {
        "preprocessing" => JobStatus::Preprocessing,
        "queued" => JobStatus::Queued,
        "running" => JobStatus::Running,
        "processing" => JobStatus::Processing,
        "succeeded" => JobStatus::Succeeded,
        "failed" => JobStatus::Failed,
        "cancelled" => JobStatus::Cancelled,
        _ => JobStatus::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Pricing;
    use crate::secret::Secret;
    use std::time::{Duration, UNIX_EPOCH};

    fn client(endpoint: &str) -> AzureSoraClient {
        AzureSoraClient::new(
            crate::http::client().expect("http client"),
            Url::parse(endpoint).expect("test url"),
            "sora",
            "preview",
            Auth::ApiKey(Secret::new("test-key-not-real")),
            ModelProfile::azure_sora(&Pricing::default()),
        )
    }

    #[tokio::test]
    async fn content_url_uses_the_generation_and_the_video_leaf() {
        let c = client("https://res.openai.azure.com");
        let r = c
            .content_request("gen_01abc", ContentVariant::Video)
            .await
            .expect("url");
        assert_eq!(
            r.url.as_str(),
            "https://res.openai.azure.com/openai/v1/video/generations/gen_01abc/content/video?api-version=preview"
        );
        let t = c
            .content_request("gen_01abc", ContentVariant::Thumbnail)
            .await
            .expect("url");
        assert!(t.url.path().ends_with("/gen_01abc/content/thumbnail"));
        assert!(r.headers.contains_key("api-key"));
        assert!(!r.display_url().contains("test-key-not-real"));
        assert!(
            c.content_request("gen_01abc", ContentVariant::Spritesheet)
                .await
                .is_err()
        );
    }

    #[test]
    fn keeps_a_gateway_path_prefix() {
        let c = client("https://gw.example.com/team-a");
        let u = c.url(&["jobs"]).expect("url");
        assert_eq!(
            u.as_str(),
            "https://gw.example.com/team-a/openai/v1/video/generations/jobs?api-version=preview"
        );
    }

    #[test]
    fn parses_a_succeeded_job_from_the_docs() {
        let body = br#"{"object":"video.generation.job","id":"task_01jy98zkvpfb7909522ysd150a","status":"succeeded",
          "created_at":1750510600,"finished_at":1750510621,"expires_at":1750597021,
          "generations":[{"object":"video.generation","id":"gen_01jy990gaxeayb74aq4hnbn2cp","job_id":"task_01jy98zkvpfb7909522ysd150a",
          "created_at":1750510619,"width":1080,"height":1080,"n_seconds":5,"prompt":"A rocket landing on mars"}],
          "prompt":"A rocket landing on mars","model":"sora","n_variants":1,"n_seconds":5,"height":1080,"width":1080,
          "failure_reason":null,"some_future_field":{"x":1}}"#;
        let job = parse_job(body).expect("parses");
        assert_eq!(job.status, JobStatus::Succeeded);
        assert_eq!(job.outputs[0].id, "gen_01jy990gaxeayb74aq4hnbn2cp");
        assert_eq!(job.size, Some(Size::new(1080, 1080)));
        assert_eq!(
            job.expires_at,
            Some(UNIX_EPOCH + Duration::from_secs(1750597021))
        );
    }

    #[test]
    fn unknown_status_is_kept_not_rejected() {
        let job = parse_job(br#"{"id":"task_1","status":"warming_up"}"#).expect("parses");
        assert_eq!(job.status, JobStatus::Unknown);
        assert_eq!(job.status_text, "warming_up");
        assert!(parse_job(b"<html>oops</html>").is_err());
    }
}
