//! fal.ai queue JSON, as `fal-client` 1.0.3 reads it (`client.py`: `_parse_status`, `Queued`,
//! `InProgress`, `Completed`) and fal-js types it (`BaseQueueStatus`, `RequestLog`).

use serde::{Deserialize, Serialize};

/// `POST https://queue.fal.run/{model_id}` answers the request id and where to ask about it.
/// Kept in the journal: it is all that is needed to poll, fetch and cancel after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Submitted {
    pub request_id: String,
    pub status_url: String,
    pub response_url: String,
    pub cancel_url: String,
    #[serde(default)]
    pub queue_position: Option<u64>,
}

impl Submitted {
    /// The URLs of a request known only by its id (after a restart, when the journal holds no
    /// submit answer), built as fal-client's `from_request_id` builds them: status, result and
    /// cancel use only owner/app (plus a `workflows/` or `comfy/` namespace), not the sub-path.
    pub fn from_request_id(queue_base: &url::Url, model_id: &str, request_id: &str) -> Self {
        let parts: Vec<&str> = model_id.split('/').filter(|s| !s.is_empty()).collect();
        let take = match parts.first() {
            Some(&"workflows") | Some(&"comfy") => 3,
            _ => 2,
        };
        let app = parts
            .iter()
            .take(take)
            .copied()
            .collect::<Vec<_>>()
            .join("/");
        let base = format!(
            "{}/{app}/requests/{request_id}",
            queue_base.as_str().trim_end_matches('/')
        );
        Self {
            request_id: request_id.to_string(),
            status_url: format!("{base}/status"),
            cancel_url: format!("{base}/cancel"),
            response_url: base,
            queue_position: None,
        }
    }
}

/// `GET …/requests/{id}/status?logs=1`: 202 while IN_QUEUE / IN_PROGRESS, 200 when COMPLETED.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Status {
    pub status: String,
    #[serde(default)]
    pub request_id: Option<String>,
    /// IN_QUEUE: 0-based.
    #[serde(default)]
    pub queue_position: Option<u64>,
    /// IN_PROGRESS and COMPLETED; null without `?logs`.
    #[serde(default)]
    pub logs: Option<Vec<Log>>,
    /// COMPLETED with a failure: the model's message and its type
    /// (`content_policy_violation`).
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub error_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Log {
    pub message: String,
    #[serde(default)]
    pub level: Option<String>,
    #[serde(default)]
    pub timestamp: Option<String>,
}

/// The result of every video model: `{"video": {"url", "content_type"?, "file_name"?, "file_size"?}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VideoResult {
    pub video: File,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct File {
    pub url: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default)]
    pub file_size: Option<u64>,
}

/// `PUT …/requests/{id}/cancel`: `OK`, `CANCELLATION_REQUESTED`, `ALREADY_COMPLETED`, `NOT_FOUND`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CancelAnswer {
    #[serde(default)]
    pub status: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_of_a_known_request_drop_the_model_sub_path() {
        let base = url::Url::parse("https://queue.fal.run").expect("url");
        let r =
            Submitted::from_request_id(&base, "fal-ai/kling-video/v2.1/master/text-to-video", "r1");
        assert_eq!(
            r.status_url,
            "https://queue.fal.run/fal-ai/kling-video/requests/r1/status"
        );
        assert_eq!(
            r.response_url,
            "https://queue.fal.run/fal-ai/kling-video/requests/r1"
        );
        assert_eq!(
            r.cancel_url,
            "https://queue.fal.run/fal-ai/kling-video/requests/r1/cancel"
        );
        let w = Submitted::from_request_id(&base, "workflows/me/flow/x", "r2");
        assert_eq!(
            w.response_url,
            "https://queue.fal.run/workflows/me/flow/requests/r2"
        );
    }
}
