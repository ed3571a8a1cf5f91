//! Azure OpenAI's preview "video generation jobs" API (Sora 1):
//! `{endpoint}/openai/v1/video/generations/...?api-version=preview`.
//!
//! Content lives at `.../generations/{generation_id}/content/video` (and `/content/thumbnail`),
//! keyed by the *generation* id from `job.generations[i].id`, never the job id; a bare
//! `/content` is not a route and answers 404 "Resource not found".

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use url::Url;

use super::error::{ApiError, ProviderError, body_excerpt, parse_retry_after};
use super::{ContentRequest, ContentVariant, GenerationRequest, Job, JobPage, JobStatus, Output};
use crate::secret::Secret;

const SERVICE: &str = "Azure OpenAI (Sora)";

/// How requests to Azure authenticate.
#[derive(Debug, Clone)]
pub enum AzureAuth {
    /// `api-key: <key>`.
    ApiKey(Secret),
    /// `Authorization: Bearer <Entra ID token>`.
    BearerToken(Secret),
}

impl AzureAuth {
    fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let (name, value) = match self {
            AzureAuth::ApiKey(k) => ("api-key", k.expose().to_string()),
            AzureAuth::BearerToken(t) => ("authorization", format!("Bearer {}", t.expose())),
        };
        if let Ok(mut v) = HeaderValue::from_str(&value) {
            // Keeps the value out of reqwest's Debug output.
            v.set_sensitive(true);
            headers.insert(name, v);
        }
        headers
    }
}

#[derive(Debug, Clone)]
pub struct AzureSoraClient {
    http: reqwest::Client,
    /// Resource base, e.g. `https://my-resource.openai.azure.com` (no trailing slash).
    base: Url,
    deployment: String,
    api_version: String,
    auth: AzureAuth,
}

impl AzureSoraClient {
    pub fn new(
        http: reqwest::Client,
        base: Url,
        deployment: impl Into<String>,
        api_version: impl Into<String>,
        auth: AzureAuth,
    ) -> Self {
        Self {
            http,
            base,
            deployment: deployment.into(),
            api_version: api_version.into(),
            auth,
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "Azure Sora · {} · {}",
            self.deployment,
            self.base.host_str().unwrap_or("?")
        )
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

    fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http.request(method, url).headers(self.auth.headers())
    }

    pub async fn create_job(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        let url = self.url(&["jobs"])?;
        let body = serde_json::json!({
            "model": self.deployment,
            "prompt": request.prompt,
            "width": request.size.width,
            "height": request.size.height,
            "n_seconds": request.seconds,
            "n_variants": request.variants,
        });
        let bytes = send(self.request(Method::POST, url.clone()).json(&body), &url).await?;
        parse_job(&bytes)
    }

    pub async fn get_job(&self, job_id: &str) -> Result<Job, ProviderError> {
        let url = self.url(&["jobs", job_id])?;
        let bytes = send(self.request(Method::GET, url.clone()), &url).await?;
        parse_job(&bytes)
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
        let bytes = send(self.request(Method::GET, url.clone()), &url).await?;
        parse_job_list(&bytes)
    }

    pub async fn delete_job(&self, job_id: &str) -> Result<(), ProviderError> {
        let url = self.url(&["jobs", job_id])?;
        send(self.request(Method::DELETE, url.clone()), &url).await?;
        Ok(())
    }

    /// The request that fetches one rendition of a generation.
    pub fn content_request(
        &self,
        generation_id: &str,
        variant: ContentVariant,
    ) -> Result<ContentRequest, ProviderError> {
        let leaf = match variant {
            ContentVariant::Video => "video",
            ContentVariant::Thumbnail => "thumbnail",
        };
        let url = self.url(&[generation_id, "content", leaf])?;
        Ok(ContentRequest {
            url,
            headers: self.auth.headers(),
        })
    }
}

/// Send, and turn any non-2xx answer into an [`ApiError`] with the service's message.
/// Any 2xx is success: the spec says 200 for create, the live service answers 201.
async fn send(request: RequestBuilder, url: &Url) -> Result<bytes::Bytes, ProviderError> {
    let response = request.send().await.map_err(|e| ProviderError::Network {
        service: SERVICE.into(),
        url: crate::http::redact_url(url),
        reason: error_chain(&e),
    })?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|e| ProviderError::Network {
        service: SERVICE.into(),
        url: crate::http::redact_url(url),
        reason: error_chain(&e),
    })?;
    if status.is_success() {
        return Ok(body);
    }
    let mut error = ApiError::from_body(status.as_u16(), &body);
    error.request_id = crate::http::request_id(&headers);
    error.retry_after = crate::http::header_text(&headers, "retry-after")
        .and_then(|v| parse_retry_after(&v, SystemTime::now()));
    Err(ProviderError::Api {
        service: SERVICE.into(),
        error: Box::new(error),
    })
}

/// The error and its causes on one line ("error sending request: connection refused").
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
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
}

#[derive(Debug, Deserialize)]
struct WireGeneration {
    id: String,
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
    let wire: WireJob = serde_json::from_slice(body).map_err(|e| decode_error(&e, body))?;
    Ok(wire.into_job())
}

pub fn parse_job_list(body: &[u8]) -> Result<JobPage, ProviderError> {
    let wire: WireJobList = serde_json::from_slice(body).map_err(|e| decode_error(&e, body))?;
    Ok(JobPage {
        jobs: wire.data.into_iter().map(WireJob::into_job).collect(),
        has_more: wire.has_more,
        last_id: wire.last_id,
    })
}

fn decode_error(e: &serde_json::Error, body: &[u8]) -> ProviderError {
    ProviderError::Decode {
        service: SERVICE.into(),
        reason: e.to_string(),
        excerpt: body_excerpt(body),
    }
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
            created_at,
            finished_at: self.finished_at.and_then(unix_time),
            // The service keeps content 24 hours after creation; use that when it does not say.
            expires_at: self
                .expires_at
                .and_then(unix_time)
                .or_else(|| created_at.map(|t| t + Duration::from_secs(24 * 3600))),
            failure_reason,
            outputs: self
                .generations
                .into_iter()
                .enumerate()
                .map(|(index, g)| Output { id: g.id, index })
                .collect(),
            id: self.id,
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

fn unix_time(secs: i64) -> Option<SystemTime> {
    u64::try_from(secs)
        .ok()
        .map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(endpoint: &str) -> AzureSoraClient {
        AzureSoraClient::new(
            crate::http::client().expect("http client"),
            Url::parse(endpoint).expect("test url"),
            "sora",
            "preview",
            AzureAuth::ApiKey(Secret::new("test-key-not-real")),
        )
    }

    #[test]
    fn content_url_uses_the_generation_and_the_video_leaf() {
        let c = client("https://res.openai.azure.com");
        let r = c
            .content_request("gen_01abc", ContentVariant::Video)
            .expect("url");
        assert_eq!(
            r.url.as_str(),
            "https://res.openai.azure.com/openai/v1/video/generations/gen_01abc/content/video?api-version=preview"
        );
        let t = c
            .content_request("gen_01abc", ContentVariant::Thumbnail)
            .expect("url");
        assert!(t.url.path().ends_with("/gen_01abc/content/thumbnail"));
        assert!(r.headers.contains_key("api-key"));
        assert!(!r.display_url().contains("test-key-not-real"));
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
