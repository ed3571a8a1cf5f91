//! What the dashboard needs to know from the configuration. Plain data: the engine's own
//! validation stays authoritative (a request it rejects comes back as `JobFailed`).

use std::ops::RangeInclusive;

use crate::providers::Size;

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    /// Service and deployment, for the header (e.g. `Azure OpenAI sora @ eastus2`).
    pub provider_description: String,
    /// Running against the built-in simulator: the header shows a badge.
    pub demo: bool,
    /// Parameters a new prompt starts with.
    pub default_size: Size,
    pub default_seconds: u32,
    pub default_variants: u32,
    /// Sizes the size key cycles through, in order.
    pub allowed_sizes: Vec<Size>,
    /// Durations the seconds keys step through.
    pub seconds_range: RangeInclusive<u32>,
    /// Variants step through `1..=max_variants`.
    pub max_variants: u32,
    /// Bucket shown first in the buckets panel (and where the engine uploads).
    pub output_bucket: String,
    /// Ask the engine to upload each finished video.
    pub auto_upload: bool,
}

impl AppSettings {
    /// Azure OpenAI Sora (preview jobs API) limits: a sensible start for tests and the demo.
    pub fn azure_sora_defaults(provider_description: impl Into<String>) -> Self {
        Self {
            provider_description: provider_description.into(),
            demo: false,
            default_size: Size::new(480, 480),
            default_seconds: 5,
            default_variants: 1,
            allowed_sizes: vec![
                Size::new(480, 480),
                Size::new(854, 480),
                Size::new(720, 720),
                Size::new(1280, 720),
                Size::new(1080, 1080),
                Size::new(1920, 1080),
            ],
            seconds_range: 1..=20,
            max_variants: 2,
            output_bucket: "videos".to_string(),
            auto_upload: false,
        }
    }
}
