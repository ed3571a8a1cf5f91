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
