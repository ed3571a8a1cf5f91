//! The config file's shape, as serde reads it. Unknown keys are refused, so a typo is reported
//! rather than ignored; a TOML error never echoes a value (a key could be in it).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ConfigError;
use crate::secret::Secret;

/// The file's shape. Unknown keys are refused so that a typo is reported, not ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConfig {
    pub(super) provider: Option<String>,
    #[serde(default)]
    pub(super) azure: FileAzure,
    #[serde(default)]
    pub(super) openai: FileOpenAi,
    #[serde(default)]
    pub(super) pricing: FilePricing,
    #[serde(default)]
    pub(super) supabase: FileSupabase,
    #[serde(default)]
    pub(super) download: FileDownload,
    #[serde(default)]
    pub(super) defaults: FileDefaults,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileAzure {
    pub(super) endpoint: Option<String>,
    pub(super) api_key: Option<Secret>,
    pub(super) auth: Option<String>,
    pub(super) deployment: Option<String>,
    pub(super) api_version: Option<String>,
    pub(super) model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileOpenAi {
    pub(super) api_key: Option<Secret>,
    pub(super) model: Option<String>,
    pub(super) base_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FilePricing {
    pub(super) sora: Option<f64>,
    #[serde(rename = "sora-2")]
    pub(super) sora_2: Option<f64>,
    #[serde(rename = "sora-2-pro")]
    pub(super) sora_2_pro: Option<f64>,
    #[serde(rename = "sora-2-pro-hd")]
    pub(super) sora_2_pro_hd: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileSupabase {
    pub(super) url: Option<String>,
    pub(super) service_role_key: Option<Secret>,
    pub(super) input_bucket: Option<String>,
    pub(super) output_bucket: Option<String>,
    pub(super) resumable_threshold_mib: Option<f64>,
    pub(super) public_urls: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDownload {
    pub(super) dir: Option<PathBuf>,
    pub(super) retry_schedule_secs: Option<Vec<u64>>,
    pub(super) poll_interval_secs: Option<f64>,
    pub(super) thumbnails: Option<bool>,
    pub(super) stall_timeout_secs: Option<u64>,
    pub(super) max_concurrent: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileDefaults {
    pub(super) size: Option<String>,
    pub(super) seconds: Option<u32>,
    pub(super) variants: Option<u32>,
    pub(super) auto_upload: Option<bool>,
}

/// The default location of the config file: `<platform config dir>/sora-tui/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sora-tui").map(|d| d.config_dir().join("config.toml"))
}

/// Read and parse the file at `path`.
pub(super) fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        problem: e.to_string(),
    })?;
    toml::from_str(&text).map_err(|e| ConfigError::File {
        path: path.to_path_buf(),
        // toml's message names the key and shows the line; never echo the file's secrets.
        problem: e.message().to_string(),
    })
}
