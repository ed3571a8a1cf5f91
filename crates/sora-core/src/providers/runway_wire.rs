//! Runway's JSON, as `runwayml` 5.24.0 types it (`types/task_retrieve_response.py`,
//! `organization_retrieve_response.py`, `text_to_video_create_response.py`).

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Credits {
    pub credits: f64,
}

/// `POST /v1/text_to_video` and `/v1/image_to_video` answer `{id, estimatedCost}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Created {
    pub id: String,
    /// The most the task can cost (new in 5.14; absent from older servers).
    #[serde(default)]
    pub estimated_cost: Option<Credits>,
}

/// `GET /v1/tasks/{id}`: one shape for every status, the fields of each status optional.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub created_at: Option<String>,
    /// RUNNING: 0 to 1.
    #[serde(default)]
    pub progress: Option<f64>,
    /// SUCCEEDED: signed CDN URLs, valid 24–48 h.
    #[serde(default)]
    pub output: Vec<String>,
    /// FAILED: for humans (not shown as is).
    #[serde(default)]
    pub failure: Option<String>,
    /// FAILED: the machine code (`SAFETY.INPUT.TEXT`), may be absent or null.
    #[serde(default)]
    pub failure_code: Option<String>,
    #[serde(default)]
    pub estimated_cost: Option<Credits>,
    /// Terminal statuses: the final charge (0 when fully refunded).
    #[serde(default)]
    pub cost: Option<Credits>,
}

/// `GET /v1/organization`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub credit_balance: f64,
    #[serde(default)]
    pub tier: Option<Tier>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    #[serde(default)]
    pub max_monthly_credit_spend: Option<f64>,
    #[serde(default)]
    pub models: BTreeMap<String, ModelLimits>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelLimits {
    /// None: no limit.
    #[serde(default)]
    pub max_concurrent_generations: Option<u32>,
    #[serde(default)]
    pub max_daily_generations: Option<u32>,
}
