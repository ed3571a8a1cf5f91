//! When the documented content URL keeps failing: re-fetch the job and the generation metadata
//! and look for any URL field the service may have put there. Each request is logged as a
//! diagnostic attempt, so the log tells the user what was tried and why.

use std::time::{Instant, SystemTime};

use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;
use url::Url;

use crate::engine::{Attempt, AttemptOutcome, DownloadKey, EngineEvent};
use crate::http::{Call, Http};
use crate::providers::ContentRequest;

/// Field names that may hold a download location.
const URL_FIELDS: [&str; 5] = [
    "url",
    "content_url",
    "video_url",
    "output_url",
    "download_url",
];

/// The metadata URLs that describe a content URL: the generation (Azure Sora preview) or video
/// (v1) it belongs to, and the job. Query parameters (`api-version`) are kept.
pub fn diagnostic_urls(content: &Url, job_id: Option<&str>) -> Vec<(&'static str, Url)> {
    let path = content.path();
    let mut out = Vec::new();
    let with_path = |p: &str| {
        let mut u = content.clone();
        u.set_path(p);
        u
    };
    if let Some(i) = path.find("/content") {
        let owner = &path[..i];
        if owner.contains("/video/generations/") {
            if let Some(job) = job_id.filter(|j| !j.starts_with("gen_"))
                && let Some(base) = owner.rsplit_once('/').map(|(b, _)| b)
            {
                out.push(("job", with_path(&format!("{base}/jobs/{job}"))));
            }
            out.push(("generation metadata", with_path(owner)));
        } else {
            out.push(("video metadata", with_path(owner)));
        }
    }
    out
}

/// Every string under a URL-like key, anywhere in the document, with its JSON path.
pub fn find_url_fields(doc: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    let p = format!("{path}.{k}");
                    match child {
                        Value::String(s)
                            if URL_FIELDS.contains(&k.as_str())
                                && (s.starts_with("http://") || s.starts_with("https://")) =>
                        {
                            out.push((p, s.clone()));
                        }
                        _ => walk(child, &p, out),
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, &format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, "$", &mut out);
    out
}

/// Run the diagnostic requests (numbered from `first_number`) and return the URLs found.
pub async fn run(
    http: &Http,
    key: &DownloadKey,
    request: &ContentRequest,
    job_id: Option<&str>,
    first_number: u32,
    events: &UnboundedSender<EngineEvent>,
) -> Vec<Url> {
    let mut found = Vec::new();
    for (n, (what, url)) in diagnostic_urls(&request.url, job_id)
        .into_iter()
        .enumerate()
    {
        let started_at = SystemTime::now();
        let clock = Instant::now();
        // Same origin as the content URL, so its credentials may go along.
        let answer = http
            .send(
                http.get(url.clone()).headers(request.headers.clone()),
                Call::Json,
            )
            .await;
        let mut record = Attempt {
            key: key.clone(),
            number: first_number.saturating_add(u32::try_from(n).unwrap_or(u32::MAX)),
            method: "GET",
            url: crate::http::redact_url(&url),
            status: None,
            bytes: 0,
            started_at,
            duration: clock.elapsed(),
            outcome: AttemptOutcome::Diagnostic,
            detail: String::new(),
            next_retry_in: None,
            request_id: None,
            headers: Vec::new(),
        };
        match answer {
            Err(e) => {
                record.detail = format!("diagnostic: re-fetch of the {what} failed: {e}");
            }
            Ok(response) => {
                let status = response.status();
                record.status = Some(status.as_u16());
                record.headers = super::useful_headers(response.headers());
                record.request_id = crate::http::request_id(response.headers());
                let body = if status.is_success() {
                    response.json_body().await.unwrap_or_default()
                } else {
                    response.error_body().await
                };
                record.bytes = body.len() as u64;
                record.duration = clock.elapsed();
                let doc: Option<Value> = serde_json::from_slice(&body).ok();
                let urls = doc.as_ref().map(find_url_fields).unwrap_or_default();
                let state = doc
                    .as_ref()
                    .and_then(|d| d.get("status"))
                    .and_then(Value::as_str)
                    .map(|s| format!(", status {s}"))
                    .unwrap_or_default();
                record.detail = if !status.is_success() {
                    format!("diagnostic: re-fetched the {what}: it answers {status}")
                } else if urls.is_empty() {
                    format!(
                        "diagnostic: re-fetched the {what}{state}: no URL field (url, content_url, video_url, output_url) to try instead"
                    )
                } else {
                    let list: Vec<String> = urls
                        .iter()
                        .map(|(p, u)| {
                            let shown = Url::parse(u)
                                .map(|u| crate::http::redact_url(&u))
                                .unwrap_or_else(|_| "(unparsable)".into());
                            format!("{p} = {shown}")
                        })
                        .collect();
                    format!(
                        "diagnostic: re-fetched the {what}{state}: found {}; trying it",
                        list.join(", ")
                    )
                };
                for (_, u) in urls {
                    if let Ok(u) = Url::parse(&u)
                        && u != request.url
                        && !found.contains(&u)
                    {
                        found.push(u);
                    }
                }
            }
        }
        let _ = events.send(EngineEvent::DownloadAttempt(record));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metadata_urls_of_both_families() {
        let azure = Url::parse(
            "https://r.openai.azure.com/openai/v1/video/generations/gen_1/content/video?api-version=preview",
        )
        .expect("url");
        let urls: Vec<String> = diagnostic_urls(&azure, Some("task_9"))
            .into_iter()
            .map(|(_, u)| u.to_string())
            .collect();
        assert_eq!(
            urls,
            vec![
                "https://r.openai.azure.com/openai/v1/video/generations/jobs/task_9?api-version=preview",
                "https://r.openai.azure.com/openai/v1/video/generations/gen_1?api-version=preview",
            ]
        );
        let v1 = Url::parse("https://api.openai.com/v1/videos/video_1/content?variant=video")
            .expect("url");
        let urls: Vec<String> = diagnostic_urls(&v1, Some("video_1"))
            .into_iter()
            .map(|(_, u)| u.to_string())
            .collect();
        assert_eq!(
            urls,
            vec!["https://api.openai.com/v1/videos/video_1?variant=video"]
        );
    }

    #[test]
    fn finds_url_fields_anywhere() {
        let doc = json!({"id": "x", "generations": [{"id": "gen_1", "video_url": "https://cdn/x.mp4"}],
            "url": "not a url", "meta": {"output_url": "http://h/o"}, "other_url": "https://no"});
        let found = find_url_fields(&doc);
        assert_eq!(
            found,
            vec![
                (
                    "$.generations[0].video_url".to_string(),
                    "https://cdn/x.mp4".to_string()
                ),
                ("$.meta.output_url".to_string(), "http://h/o".to_string()),
            ]
        );
    }
}
