//! The v1 Videos API, spoken by OpenAI (`https://api.openai.com/v1/videos`) and by Azure OpenAI
//! for Sora 2 deployments (`{endpoint}/openai/v1/videos`). Wire details follow the official
//! `openai` Python SDK: `seconds` is a string, content is `GET /videos/{id}/content?variant=`
//! with `Accept: application/binary`, and the `openai-poll-after-ms` header paces polling.

use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use url::Url;

use super::auth::Auth;
use super::wire::{self, unix_time};
use super::{
    ContentRequest, ContentVariant, Family, GenerationRequest, Job, JobPage, JobStatus,
    ModelProfile, Output, ProviderError, Size,
};
use crate::http::Http;

/// The default OpenAI API base.
pub const OPENAI_BASE: &str = "https://api.openai.com/v1";

#[derive(Debug, Clone)]
pub struct VideosV1Client {
    http: Http,
    family: Family,
    /// The API base ending in `/v1` (`.../openai/v1` on Azure).
    base: Url,
    /// OpenAI: the model; Azure: the deployment name.
    model: String,
    auth: Auth,
    profile: ModelProfile,
}

impl VideosV1Client {
    /// Azure OpenAI v1 API of a resource: `{resource}/openai/v1`.
    pub fn azure(
        http: Http,
        resource: &Url,
        deployment: impl Into<String>,
        auth: Auth,
        profile: ModelProfile,
    ) -> Result<Self, ProviderError> {
        let base = join(resource, &["openai", "v1"])?;
        Ok(Self {
            http,
            family: Family::AzureSora2,
            base,
            model: deployment.into(),
            auth,
            profile,
        })
    }

    /// OpenAI's API (or a compatible base, e.g. a proxy), with a bearer key.
    pub fn openai(
        http: Http,
        base: Url,
        model: impl Into<String>,
        auth: Auth,
        profile: ModelProfile,
    ) -> Self {
        Self {
            http,
            family: Family::OpenAi,
            base,
            model: model.into(),
            auth,
            profile,
        }
    }

    pub fn family(&self) -> Family {
        self.family
    }

    fn service(&self) -> &'static str {
        match self.family {
            Family::OpenAi => "OpenAI (Videos API)",
            _ => "Azure OpenAI (Sora 2)",
        }
    }

    pub fn describe(&self) -> String {
        let who = match self.family {
            Family::OpenAi => "OpenAI",
            _ => "Azure Sora 2",
        };
        format!(
            "{who} · {} · {}",
            self.model,
            self.base.host_str().unwrap_or("?")
        )
    }

    pub fn profile(&self) -> &ModelProfile {
        &self.profile
    }

    fn url(&self, tail: &[&str]) -> Result<Url, ProviderError> {
        let mut all = vec!["videos"];
        all.extend_from_slice(tail);
        join(&self.base, &all)
    }

    async fn request(&self, method: Method, url: Url) -> Result<RequestBuilder, ProviderError> {
        let headers = self.auth.headers().await.map_err(ProviderError::Auth)?;
        Ok(self.http.request(method, url).headers(headers))
    }

    /// JSON for text to video; multipart with an `input_reference` file part for image to
    /// video (as the SDK sends it).
    pub async fn create(&self, request: &GenerationRequest) -> Result<Job, ProviderError> {
        let url = self.url(&[])?;
        let builder = self.request(Method::POST, url.clone()).await?;
        let seconds = request.seconds.to_string();
        let size = request.size.to_string();
        let builder = match &request.image {
            None => builder.json(&serde_json::json!({
                "model": self.model,
                "prompt": request.prompt,
                // A string: the API refuses an integer here.
                "seconds": seconds,
                "size": size,
            })),
            Some(path) => {
                let (bytes, name, mime) = wire::read_image(path).await?;
                let part = reqwest::multipart::Part::bytes(bytes)
                    .file_name(name)
                    .mime_str(mime)
                    .map_err(|e| ProviderError::Input(e.to_string()))?;
                builder.multipart(
                    reqwest::multipart::Form::new()
                        .text("model", self.model.clone())
                        .text("prompt", request.prompt.clone())
                        .text("seconds", seconds)
                        .text("size", size)
                        .part("input_reference", part),
                )
            }
        };
        let answer = wire::send(&self.http, self.service(), builder, &url).await?;
        self.parse_video(&answer.body, answer.poll_after())
    }

    /// The doctor's deployment probe: a create naming the model whose `seconds` is the integer
    /// 0, the wrong type (the API answers 400 "Invalid type for 'seconds'") as well as out of
    /// range, at an impossible size: no service that reads the body can make a video of it.
    pub async fn probe_create(&self) -> Result<Job, ProviderError> {
        let url = self.url(&[])?;
        let builder = self
            .request(Method::POST, url.clone())
            .await?
            .json(&serde_json::json!({
                "model": self.model,
                "prompt": super::PROBE_PROMPT,
                "seconds": 0,
                "size": "1x1",
            }));
        let answer = wire::send(&self.http, self.service(), builder, &url).await?;
        self.parse_video(&answer.body, answer.poll_after())
    }

    pub async fn get(&self, id: &str) -> Result<Job, ProviderError> {
        let url = self.url(&[id])?;
        let answer = wire::send(
            &self.http,
            self.service(),
            self.request(Method::GET, url.clone()).await?,
            &url,
        )
        .await
        .map_err(|e| e.naming(id))?;
        self.parse_video(&answer.body, answer.poll_after())
    }

    /// Newest first.
    pub async fn list(&self, limit: u32, after: Option<&str>) -> Result<JobPage, ProviderError> {
        let mut url = self.url(&[])?;
        url.query_pairs_mut()
            .append_pair("limit", &limit.to_string())
            .append_pair("order", "desc");
        if let Some(after) = after {
            url.query_pairs_mut().append_pair("after", after);
        }
        let answer = wire::send(
            &self.http,
            self.service(),
            self.request(Method::GET, url.clone()).await?,
            &url,
        )
        .await?;
        parse_video_list(self.service(), &answer.body)
    }

    pub async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        let url = self.url(&[id])?;
        let answer = wire::send(
            &self.http,
            self.service(),
            self.request(Method::DELETE, url.clone()).await?,
            &url,
        )
        .await
        .map_err(|e| e.naming(id))?;
        let deleted: WireDeleted = wire::decode(self.service(), &answer.body)?;
        if deleted.deleted {
            Ok(())
        } else {
            Err(ProviderError::Decode {
                service: self.service().into(),
                reason: "the answer says the video was not deleted".into(),
                excerpt: crate::providers::error::body_excerpt(&answer.body),
            })
        }
    }

    pub async fn remix(&self, id: &str, prompt: &str) -> Result<Job, ProviderError> {
        let url = self.url(&[id, "remix"])?;
        let builder = self
            .request(Method::POST, url.clone())
            .await?
            .json(&serde_json::json!({ "prompt": prompt }));
        let answer = wire::send(&self.http, self.service(), builder, &url)
            .await
            .map_err(|e| e.naming(id))?;
        self.parse_video(&answer.body, answer.poll_after())
    }

    pub async fn content_request(
        &self,
        id: &str,
        variant: ContentVariant,
    ) -> Result<ContentRequest, ProviderError> {
        let mut url = self.url(&[id, "content"])?;
        url.query_pairs_mut()
            .append_pair("variant", variant.label());
        let mut headers = self.auth.headers().await.map_err(ProviderError::Auth)?;
        headers.insert(
            reqwest::header::ACCEPT,
            reqwest::header::HeaderValue::from_static("application/binary"),
        );
        Ok(ContentRequest { url, headers })
    }

    fn parse_video(
        &self,
        body: &[u8],
        poll_after: Option<std::time::Duration>,
    ) -> Result<Job, ProviderError> {
        let mut job = parse_video(self.service(), body)?;
        job.poll_after = poll_after;
        Ok(job)
    }
}

/// Parse a `video` body as `service` sent it. Unknown fields are ignored: the API adds fields.
pub fn parse_video(service: &str, body: &[u8]) -> Result<Job, ProviderError> {
    let video: WireVideo = wire::decode(service, body)?;
    Ok(video.into_job())
}

/// Parse one page of `GET /videos`.
pub fn parse_video_list(service: &str, body: &[u8]) -> Result<JobPage, ProviderError> {
    let page: WireList = wire::decode(service, body)?;
    Ok(JobPage {
        jobs: page.data.into_iter().map(WireVideo::into_job).collect(),
        has_more: page.has_more,
        last_id: page.last_id,
    })
}

/// `base` with more path segments (a trailing slash in `base` is fine).
fn join(base: &Url, segments: &[&str]) -> Result<Url, ProviderError> {
    let mut url = base.clone();
    url.path_segments_mut()
        .map_err(|_| ProviderError::Config(format!("{base} cannot take a path")))?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}

#[derive(Debug, Deserialize)]
struct WireVideo {
    id: String,
    status: String,
    #[serde(default)]
    progress: Option<f64>,
    #[serde(default)]
    created_at: Option<i64>,
    #[serde(default)]
    completed_at: Option<i64>,
    #[serde(default)]
    expires_at: Option<i64>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    prompt: Option<String>,
    #[serde(default)]
    size: Option<String>,
    /// A string in the API ("8"); tolerate a number.
    #[serde(default)]
    seconds: Option<serde_json::Value>,
    #[serde(default)]
    remixed_from_video_id: Option<String>,
    #[serde(default)]
    error: Option<WireVideoError>,
}

#[derive(Debug, Deserialize)]
struct WireVideoError {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireList {
    #[serde(default)]
    data: Vec<WireVideo>,
    #[serde(default)]
    has_more: bool,
    #[serde(default)]
    last_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireDeleted {
    #[serde(default)]
    deleted: bool,
}

impl WireVideo {
    fn into_job(self) -> Job {
        let status = match self.status.as_str() {
            "queued" => JobStatus::Queued,
            "in_progress" => JobStatus::Running,
            "completed" => JobStatus::Succeeded,
            "failed" => JobStatus::Failed,
            "cancelled" => JobStatus::Cancelled,
            _ => JobStatus::Unknown,
        };
        let failure_reason = self.error.map(|e| match (e.code, e.message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (Some(c), None) => c,
            (None, Some(m)) => m,
            (None, None) => "no reason given".into(),
        });
        let seconds = match &self.seconds {
            Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
            Some(serde_json::Value::Number(n)) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            _ => None,
        };
        let outputs = if status == JobStatus::Succeeded {
            vec![Output {
                id: self.id.clone(),
                index: 0,
                url: None,
            }]
        } else {
            Vec::new()
        };
        Job {
            id: self.id,
            status,
            status_text: self.status,
            progress: self.progress.map(|p| p.clamp(0.0, 100.0) as u8),
            prompt: self.prompt,
            model: self.model,
            size: self.size.as_deref().and_then(Size::parse),
            seconds,
            created_at: self.created_at.and_then(unix_time),
            finished_at: self.completed_at.and_then(unix_time),
            expires_at: self.expires_at.and_then(unix_time),
            failure_reason,
            outputs,
            remixed_from: self.remixed_from_video_id,
            poll_after: None,
            notes: Vec::new(),
            failure_explained: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Pricing;
    use crate::secret::Secret;

    #[test]
    fn parses_the_sdk_video_shape_and_ignores_new_fields() {
        let body = br#"{"id":"video_68d7512d07848190b3e45da0ecbebcde","object":"video","model":"sora-2","status":"in_progress",
          "progress":33,"created_at":1758941485,"completed_at":null,"expires_at":null,"prompt":"a fox","size":"1280x720",
          "seconds":"8","remixed_from_video_id":null,"error":null,"characters":[]}"#;
        let v: WireVideo = serde_json::from_slice(body).expect("parses");
        let job = v.into_job();
        assert_eq!(job.status, JobStatus::Running);
        assert_eq!(job.status_text, "in_progress");
        assert_eq!(job.progress, Some(33));
        assert_eq!(job.seconds, Some(8));
        assert_eq!(job.size, Some(Size::new(1280, 720)));
        assert!(
            job.outputs.is_empty(),
            "nothing to download before completion"
        );
    }

    #[test]
    fn a_failed_video_keeps_the_service_reason() {
        let body = br#"{"id":"video_1","object":"video","status":"failed","progress":0,"created_at":1,
          "error":{"code":"moderation_blocked","message":"Your request was blocked by our moderation system."}}"#;
        let v: WireVideo = serde_json::from_slice(body).expect("parses");
        let job = v.into_job();
        assert_eq!(job.status, JobStatus::Failed);
        assert_eq!(
            job.failure_reason.as_deref(),
            Some("moderation_blocked: Your request was blocked by our moderation system.")
        );
    }

    #[tokio::test]
    async fn urls_for_azure_and_openai() {
        let http = crate::http::client().expect("http");
        let profile = ModelProfile::sora_2(&Pricing::default());
        let azure = VideosV1Client::azure(
            http.clone(),
            &Url::parse("https://res.openai.azure.com/").expect("url"),
            "my-sora-2",
            Auth::ApiKey(Secret::new("k-not-real")),
            profile.clone(),
        )
        .expect("client");
        let r = azure
            .content_request("video_1", ContentVariant::Thumbnail)
            .await
            .expect("request");
        assert_eq!(
            r.url.as_str(),
            "https://res.openai.azure.com/openai/v1/videos/video_1/content?variant=thumbnail"
        );
        assert_eq!(
            r.headers.get("accept").map(|v| v.as_bytes()),
            Some(&b"application/binary"[..])
        );
        let openai = VideosV1Client::openai(
            http,
            Url::parse(OPENAI_BASE).expect("url"),
            "sora-2",
            Auth::Bearer(Secret::new("sk-not-real")),
            profile,
        );
        assert_eq!(
            openai.url(&["video_1", "remix"]).expect("url").as_str(),
            "https://api.openai.com/v1/videos/video_1/remix"
        );
    }
}
