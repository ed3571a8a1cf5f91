//! Turns a resolved [`Config`] into the engine's services and settings.

use std::sync::Arc;

use crate::config::{AzureAuthMode, Config, ConfigError, Setting, Source};
use crate::engine::{EngineSettings, Services};
use crate::http::{Http, HttpError};
use crate::providers::auth::{Auth, AzCliToken};
use crate::providers::azure_sora::AzureSoraClient;
use crate::providers::videos_v1::VideosV1Client;
use crate::providers::{Family, ModelProfile, Provider, Size, ValidationError};
use crate::storage::StorageClient;

/// The deployment name: configured, or the family's usual one.
pub fn deployment(config: &Config) -> String {
    match (&config.azure.deployment, config.provider.value) {
        (Some(Setting { value, .. }), _) => value.clone(),
        (None, Family::AzureSora) => "sora".into(),
        (None, _) => "sora-2".into(),
    }
}

/// The model profile (limits and prices) of the configured provider, without building a
/// client: the dashboard needs it even when credentials are missing.
pub fn profile(config: &Config) -> Result<ModelProfile, ConfigError> {
    let pricing = &config.pricing.value;
    match config.provider.value {
        Family::AzureSora => Ok(ModelProfile::azure_sora(pricing)),
        Family::AzureSora2 => v1_profile(&config.azure.model, "azure.model", pricing),
        Family::OpenAi => v1_profile(&config.openai.model, "openai.model", pricing),
    }
}

fn v1_profile(
    model: &Setting<String>,
    key: &'static str,
    pricing: &crate::providers::Pricing,
) -> Result<ModelProfile, ConfigError> {
    ModelProfile::for_v1_model(&model.value, pricing).ok_or_else(|| ConfigError::Invalid {
        key,
        from: model.source.clone(),
        problem: format!("`{}` is not a Sora 2 model this build knows", model.value),
        example: "\"sora-2\" or \"sora-2-pro\" (dated snapshots such as \"sora-2-2025-10-06\" too)",
    })
}

fn azure_auth(config: &Config) -> Result<Auth, ConfigError> {
    match config.azure.auth.value {
        AzureAuthMode::ApiKey => {
            let key = config.azure.api_key.as_ref().ok_or(ConfigError::Missing {
                key: "azure.api_key",
                how: "Set AZURE_OPENAI_API_KEY to a key of the resource (Azure portal → your resource → Keys and Endpoint); or use Entra ID: AZURE_OPENAI_AD_TOKEN, or `auth = \"az-cli\"` under [azure]; or try `sora-tui --demo`.",
            })?;
            Ok(Auth::ApiKey(key.value.clone()))
        }
        AzureAuthMode::EntraToken => {
            let token = config.azure.ad_token.as_ref().ok_or(ConfigError::Missing {
                key: "AZURE_OPENAI_AD_TOKEN",
                how: "`azure.auth` is \"entra-token\": set AZURE_OPENAI_AD_TOKEN to a token for https://cognitiveservices.azure.com (e.g. from `az account get-access-token`), or use `auth = \"az-cli\"` to have sora-tui fetch and refresh it.",
            })?;
            Ok(Auth::Bearer(token.value.clone()))
        }
        AzureAuthMode::AzCli => Ok(Auth::AzCli(Arc::new(AzCliToken::new("az")))),
    }
}

/// The one HTTP client of the process, under the configured request policy (`[http]`).
pub fn http(config: &Config) -> Result<Http, HttpError> {
    Http::new(config.http.value.clone())
}

/// The video provider, or a message naming what is missing.
pub fn provider(config: &Config, http: &Http) -> Result<Provider, ConfigError> {
    let profile = profile(config)?;
    let azure_endpoint = || {
        config.azure.endpoint.as_ref().ok_or(ConfigError::Missing {
            key: "azure.endpoint",
            how: "Set AZURE_OPENAI_ENDPOINT to your resource URL (e.g. https://my-resource.openai.azure.com), put `endpoint` under [azure] in the config file, or try `sora-tui --demo`.",
        })
    };
    match config.provider.value {
        Family::AzureSora => Ok(Provider::AzureSora(AzureSoraClient::new(
            http.clone(),
            azure_endpoint()?.value.clone(),
            deployment(config),
            config.azure.api_version.value.clone(),
            azure_auth(config)?,
            profile,
        ))),
        Family::AzureSora2 => {
            let client = VideosV1Client::azure(
                http.clone(),
                &azure_endpoint()?.value,
                deployment(config),
                azure_auth(config)?,
                profile,
            )
            .map_err(|e| ConfigError::Invalid {
                key: "azure.endpoint",
                from: config
                    .azure
                    .endpoint
                    .as_ref()
                    .map_or(crate::config::Source::Default, |e| e.source.clone()),
                problem: e.to_string(),
                example: "https://my-resource.openai.azure.com",
            })?;
            Ok(Provider::VideosV1(client))
        }
        Family::OpenAi => {
            let key = config.openai.api_key.as_ref().ok_or(ConfigError::Missing {
                key: "openai.api_key",
                how: "Set OPENAI_API_KEY (platform.openai.com → API keys), or try `sora-tui --demo`.",
            })?;
            Ok(Provider::VideosV1(VideosV1Client::openai(
                http.clone(),
                config.openai.base_url.value.clone(),
                config.openai.model.value.clone(),
                Auth::Bearer(key.value.clone()),
                profile,
            )))
        }
    }
}

/// The storage client, or a message naming what is missing.
pub fn storage(config: &Config, http: &Http) -> Result<StorageClient, ConfigError> {
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
    Ok(
        StorageClient::new(http.clone(), url.value.clone(), key.value.clone())
            .with_resumable_threshold(config.supabase.resumable_threshold.value)
            .with_public_urls(config.supabase.public_urls.value),
    )
}

/// Services for the dashboard: whatever is configured; what is missing is reported by the
/// panel that needs it instead of stopping the whole app.
pub fn services(config: &Config, http: &Http) -> Services {
    Services {
        provider: provider(config, http).ok(),
        storage: storage(config, http).ok(),
    }
}

/// A `[defaults]` value the user chose that the model does not offer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{key}` in {from} is refused: {problem}. Change it there, or remove it to start with the model's default"
)]
pub struct InvalidDefault {
    pub key: &'static str,
    pub from: Source,
    pub problem: ValidationError,
}

/// The parameters a prompt starts with: the configured `[defaults]`, checked against the
/// model. A value the user chose (in the config file) that the model does not offer is refused,
/// naming the key and the file, as the same value given as a flag is: clamping it quietly would
/// send a request the user never asked for (and pay for it). A built-in default the model does
/// not offer gives way to the model's own. A flag's value (`Source::Flag`) passes as it is: the
/// request it ends up in is refused with the flag's own words.
pub fn defaults_for(
    config: &Config,
    profile: &ModelProfile,
) -> Result<(Size, u32, u32), InvalidDefault> {
    let d = &config.defaults;
    let first_size = profile.sizes.first().map_or(d.size.value, |o| o.size);
    let size = checked(&d.size, "defaults.size", first_size, |size| {
        profile.check_size(size).map(|_| ())
    })?;
    let seconds = checked(
        &d.seconds,
        "defaults.seconds",
        profile.default_seconds,
        |seconds| profile.check_seconds(seconds),
    )?;
    let variants = checked(&d.variants, "defaults.variants", 1, |variants| {
        // At a size the model does not offer, the size's own error is the one to report.
        profile.size_option(size).map_or(Ok(()), |option| {
            ModelProfile::check_variants(option, variants)
        })
    })?;
    Ok((size, seconds, variants))
}

fn checked<T: Copy>(
    setting: &Setting<T>,
    key: &'static str,
    fallback: T,
    check: impl Fn(T) -> Result<(), ValidationError>,
) -> Result<T, InvalidDefault> {
    match (&setting.source, check(setting.value)) {
        (_, Ok(())) | (Source::Flag(_), Err(_)) => Ok(setting.value),
        (Source::Default, Err(_)) => Ok(fallback),
        (from, Err(problem)) => Err(InvalidDefault {
            key,
            from: from.clone(),
            problem,
        }),
    }
}

pub fn engine_settings(config: &Config) -> EngineSettings {
    EngineSettings {
        download_dir: config.download.dir.value.clone(),
        poll_interval: config.download.poll_interval.value,
        retry_schedule: config.download.retry_schedule.value.clone(),
        output_bucket: config.supabase.output_bucket.value.clone(),
        input_bucket: config.supabase.input_bucket.value.clone(),
        thumbnails: config.download.thumbnails.value,
    }
}

/// Download limits from `[download]`: concurrency and the stall timeout.
pub fn download_limits(config: &Config) -> crate::engine::DownloadLimits {
    let mut limits = crate::engine::DownloadLimits {
        max_concurrent: config.download.max_concurrent.value,
        ..Default::default()
    };
    limits.options.stall_timeout = config.download.stall_timeout.value;
    limits
}

/// An endpoint in use that is plain `http://` to another machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlainHttp {
    /// What is wrong: "`openai.base_url` (http://gw.example.com/v1, from …) is plain http://…".
    pub detail: String,
}

impl PlainHttp {
    pub const FIX: &'static str =
        "use https:// (plain http is meant for a local server on 127.0.0.1, such as the simulator)";
}

impl std::fmt::Display for PlainHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.detail, Self::FIX)
    }
}

/// One warning per endpoint in use that is plain `http://` to another machine: keys, prompts
/// and videos would cross the network unencrypted. Loopback (the simulator, a local gateway)
/// is fine.
pub fn plain_http_warnings(config: &Config) -> Vec<PlainHttp> {
    let mut endpoints = Vec::new();
    match config.provider.value {
        Family::OpenAi => endpoints.push(("openai.base_url", &config.openai.base_url)),
        _ => endpoints.extend(config.azure.endpoint.iter().map(|e| ("azure.endpoint", e))),
    }
    endpoints.extend(config.supabase.url.iter().map(|u| ("supabase.url", u)));
    // Runway and fal are in use wherever their key is set.
    if config.runway.api_key.is_some() {
        endpoints.push(("runway.base_url", &config.runway.base_url));
    }
    if config.fal.key.is_some() {
        endpoints.push(("fal.queue_url", &config.fal.queue_url));
    }
    endpoints
        .into_iter()
        .filter(|(_, url)| url.value.scheme() == "http" && !is_loopback(&url.value))
        .map(|(key, url)| PlainHttp {
            detail: format!(
                "`{key}` ({}, from {}) is plain http://: keys, prompts and videos would cross the network unencrypted",
                crate::http::redact_url(&url.value),
                url.source
            ),
        })
        .collect()
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Config {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::load(
            None,
            &|k| map.get(k).cloned(),
            &crate::config::Overrides::default(),
        )
        .expect("loads")
    }

    #[test]
    fn plain_http_to_runway_or_fal_is_flagged_like_any_endpoint() {
        let remote = load(&[
            ("RUNWAYML_API_SECRET", "key_x"),
            ("RUNWAYML_BASE_URL", "http://gw.example.com"),
            ("FAL_KEY", "k"),
        ]);
        let warnings = plain_http_warnings(&remote);
        assert_eq!(warnings.len(), 1, "fal stays https: {warnings:?}");
        let text = warnings[0].to_string();
        assert!(
            text.contains("`runway.base_url`") && text.contains("RUNWAYML_BASE_URL"),
            "{text}"
        );
        let local = load(&[
            ("RUNWAYML_API_SECRET", "key_x"),
            ("RUNWAYML_BASE_URL", "http://127.0.0.1:8080"),
        ]);
        assert!(plain_http_warnings(&local).is_empty());
    }

    #[test]
    fn plain_http_is_flagged_unless_it_stays_on_this_machine() {
        let remote = load(&[
            ("SORA_TUI_PROVIDER", "openai"),
            ("OPENAI_BASE_URL", "http://user:pw@gw.example.com/v1"),
            ("SUPABASE_URL", "http://abc.example.com"),
        ]);
        let warnings = plain_http_warnings(&remote);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let text = warnings[0].to_string();
        assert!(
            text.contains("openai.base_url") && text.contains("https://"),
            "{text}"
        );
        assert!(
            text.contains("OPENAI_BASE_URL") && !text.contains("pw"),
            "{text}"
        );
        for local in [
            "http://127.0.0.1:8787",
            "http://localhost:8787",
            "http://[::1]:8787",
            "https://gw.example.com",
        ] {
            let config = load(&[
                ("SORA_TUI_PROVIDER", "azure-sora"),
                ("AZURE_OPENAI_ENDPOINT", local),
            ]);
            assert!(plain_http_warnings(&config).is_empty(), "{local}");
        }
    }
}
