//! Turns a resolved [`Config`] into the engine's services and settings.

use crate::config::{Config, ConfigError};
use crate::engine::{EngineSettings, Services};
use crate::providers::azure_sora::{AzureAuth, AzureSoraClient};
use crate::providers::{Family, Provider};
use crate::storage::StorageClient;

/// The video provider, or a message naming what is missing.
pub fn provider(config: &Config, http: &reqwest::Client) -> Result<Provider, ConfigError> {
    match config.provider.value {
        Family::AzureSora => {
            let endpoint = config.azure.endpoint.as_ref().ok_or(ConfigError::Missing {
                key: "azure.endpoint",
                how: "Set AZURE_OPENAI_ENDPOINT to your resource URL (e.g. https://my-resource.openai.azure.com), put `endpoint` under [azure] in the config file, or try `sora-tui --demo`.",
            })?;
            let key = config.azure.api_key.as_ref().ok_or(ConfigError::Missing {
                key: "azure.api_key",
                how: "Set AZURE_OPENAI_API_KEY to a key of the resource (Azure portal → your resource → Keys and Endpoint), or try `sora-tui --demo`.",
            })?;
            Ok(Provider::AzureSora(AzureSoraClient::new(
                http.clone(),
                endpoint.value.clone(),
                config.azure.deployment.value.clone(),
                config.azure.api_version.value.clone(),
                AzureAuth::ApiKey(key.value.clone()),
            )))
        }
    }
}

/// The storage client, or a message naming what is missing.
pub fn storage(config: &Config, http: &reqwest::Client) -> Result<StorageClient, ConfigError> {
    let url = config.supabase.url.as_ref().ok_or(ConfigError::Missing {
        key: "supabase.url",
        how: "Set SUPABASE_URL to your project URL (e.g. https://abcdefghijklmnop.supabase.co) or put `url` under [supabase] in the config file.",
    })?;
    let key = config
        .supabase
        .service_role_key
        .as_ref()
        .ok_or(ConfigError::Missing {
            key: "supabase.service_role_key",
            how: "Set SUPABASE_SERVICE_ROLE_KEY (Supabase dashboard → Project Settings → API keys).",
        })?;
    Ok(StorageClient::new(
        http.clone(),
        url.value.clone(),
        key.value.clone(),
    ))
}

/// Services for the dashboard: whatever is configured; what is missing is reported by the
/// panel that needs it instead of stopping the whole app.
pub fn services(config: &Config, http: &reqwest::Client) -> Services {
    Services {
        provider: provider(config, http).ok(),
        storage: storage(config, http).ok(),
    }
}

pub fn engine_settings(config: &Config) -> EngineSettings {
    EngineSettings {
        download_dir: config.download.dir.value.clone(),
        poll_interval: config.download.poll_interval.value,
        retry_schedule: config.download.retry_schedule.value.clone(),
        output_bucket: config.supabase.output_bucket.value.clone(),
        thumbnails: config.download.thumbnails.value,
    }
}
