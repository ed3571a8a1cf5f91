//! The composition root: turns a resolved [`Config`] into the engine's services, settings and
//! doctor. Nothing in the crate imports it; the front ends call it.

use std::sync::Arc;

use crate::config::{AzureAuthMode, Config, ConfigError, Setting, Source};
use crate::engine::{EngineSettings, Services};
use crate::http::{Http, HttpError};
use crate::providers::auth::{Auth, AzCliToken};
use crate::providers::azure_sora::AzureSoraClient;
use crate::providers::catalogue::{Catalogue, CatalogueError, Service};
use crate::providers::fal::FalClient;
use crate::providers::runway::RunwayClient;
use crate::providers::videos_v1::VideosV1Client;
use crate::providers::{Family, ModelChoice, ModelProfile, Provider, Size, ValidationError};
use crate::storage::StorageClient;

/// The deployment name: configured, or the family's usual one.
pub fn deployment(config: &Config) -> String {
    match (&config.azure.deployment, config.provider.value) {
        (Some(Setting { value, .. }), _) => value.clone(),
        (None, Family::AzureSora) => "sora".into(),
        (None, _) => "sora-2".into(),
    }
}

/// The model profile (limits and prices) of a Sora family, without building a client: the
/// dashboard needs it even when credentials are missing. None for Runway and fal, whose models
/// the catalogue describes.
pub fn sora_profile(config: &Config, family: Family) -> Result<Option<ModelProfile>, ConfigError> {
    let pricing = &config.pricing.value;
    match family {
        Family::AzureSora => Ok(Some(ModelProfile::azure_sora(pricing))),
        Family::AzureSora2 => v1_profile(&config.azure.model, "azure.model", pricing).map(Some),
        Family::OpenAi => v1_profile(&config.openai.model, "openai.model", pricing).map(Some),
        Family::Runway | Family::Fal => Ok(None),
    }
}

/// The built-in model catalogue with the fal models the config adds.
pub fn catalogue(config: &Config) -> Result<Arc<Catalogue>, ConfigError> {
    let invalid = |e: CatalogueError| ConfigError::Invalid {
        key: "fal.models",
        from: config.file.clone().map_or(Source::Default, Source::File),
        problem: e.to_string(),
        example: "[[fal.models]] id = \"fal-ai/…\", mode = \"text\", params = [...]",
    };
    let catalogue = Catalogue::builtin()
        .and_then(|c| c.with_fal_models(config.fal.models.clone()))
        .map_err(invalid)?;
    Ok(Arc::new(catalogue))
}

/// The catalogue model a Runway or fal provider runs, as configured (`--model`, `model` under
/// `[runway]` or `[fal]`).
pub fn model_choice(config: &Config, family: Family) -> Result<Option<ModelChoice>, ConfigError> {
    let (service, model, key) = match family {
        Family::Runway => (Service::Runway, &config.runway.model, "runway.model"),
        Family::Fal => (Service::Fal, &config.fal.model, "fal.model"),
        _ => return Ok(None),
    };
    ModelChoice::new(catalogue(config)?, service, &model.value)
        .map(Some)
        .map_err(|e| ConfigError::Invalid {
            key,
            from: model.source.clone(),
            problem: e.to_string(),
            example: match family {
                Family::Runway => "\"gen4.5\" or \"veo3.1\"",
                _ => "\"fal-ai/veo3.1\"",
            },
        })
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

/// The configured video provider (`provider`, `--provider`), or a message naming what is
/// missing.
pub fn provider(config: &Config, http: &Http) -> Result<Provider, ConfigError> {
    provider_of(config, http, config.provider.value)
}

/// Every provider whose credentials are configured, the configured one first: the dashboard
/// switches between them, and a resume asks the one that recorded the job.
pub fn providers(config: &Config, http: &Http) -> Vec<Provider> {
    let mut all: Vec<Provider> = provider(config, http).into_iter().collect();
    for family in Family::ALL {
        if family == config.provider.value {
            continue;
        }
        // Azure's two families share one endpoint: only the configured one is offered.
        let azure = matches!(family, Family::AzureSora | Family::AzureSora2);
        let configured = match family {
            Family::Runway => config.runway.api_key.is_some(),
            Family::Fal => config.fal.key.is_some(),
            Family::OpenAi => config.openai.api_key.is_some(),
            _ => false,
        };
        if configured
            && !azure
            && let Ok(p) = provider_of(config, http, family)
        {
            all.push(p);
        }
    }
    all
}

fn provider_of(config: &Config, http: &Http, family: Family) -> Result<Provider, ConfigError> {
    if let Some(choice) = model_choice(config, family)? {
        return catalogue_provider(config, http, choice);
    }
    let profile = sora_profile(config, family)?.ok_or(ConfigError::Missing {
        key: "provider",
        how: "no model profile for this provider",
    })?;
    let azure_endpoint = || {
        config.azure.endpoint.as_ref().ok_or(ConfigError::Missing {
            key: "azure.endpoint",
            how: "Set AZURE_OPENAI_ENDPOINT to your resource URL (e.g. https://my-resource.openai.azure.com), put `endpoint` under [azure] in the config file, or try `sora-tui --demo`.",
        })
    };
    match family {
        Family::Runway | Family::Fal => Err(ConfigError::Missing {
            key: "provider",
            how: "Runway and fal models come from the catalogue",
        }),
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

fn catalogue_provider(
    config: &Config,
    http: &Http,
    choice: ModelChoice,
) -> Result<Provider, ConfigError> {
    match choice.service() {
        Service::Runway => {
            let key = config.runway.api_key.as_ref().ok_or(ConfigError::Missing {
                key: "runway.api_key",
                how: "Set RUNWAYML_API_SECRET to a key of your Runway organization (dev.runwayml.com → API keys; keys start with key_), or put `api_key` under [runway]; or try `sora-tui --demo`.",
            })?;
            Ok(Provider::Runway(
                RunwayClient::new(
                    http.clone(),
                    config.runway.base_url.value.clone(),
                    key.value.clone(),
                    config.runway.version.value.clone(),
                ),
                choice,
            ))
        }
        Service::Fal => {
            let key = config.fal.key.as_ref().ok_or(ConfigError::Missing {
                key: "fal.key",
                how: "Set FAL_KEY to a key of your fal.ai team (fal.ai/dashboard/keys), or put `key` under [fal]; or try `sora-tui --demo`.",
            })?;
            Ok(Provider::Fal(
                FalClient::new(
                    http.clone(),
                    config.fal.queue_url.value.clone(),
                    key.value.clone(),
                ),
                choice,
            ))
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
        others: providers(config, http)
            .into_iter()
            .filter(|p| p.family() != config.provider.value)
            .collect(),
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

/// Diagnose `config`: what the doctor needs is built here, the composition root, so the
/// doctor never imports it.
pub async fn run_doctor(
    config: &Config,
    http: &Http,
    options: crate::doctor::Options,
) -> crate::doctor::Report {
    let subject = crate::doctor::Subject {
        config,
        http,
        provider: provider(config, http),
        storage: storage(config, http),
        deployment: deployment(config),
        live: [Family::Runway, Family::Fal]
            .into_iter()
            .filter(|f| {
                *f == config.provider.value
                    || match f {
                        Family::Runway => config.runway.api_key.is_some(),
                        _ => config.fal.key.is_some(),
                    }
            })
            .map(|f| (f, provider_of(config, http, f)))
            .collect(),
    };
    crate::doctor::run(subject, options).await
}

/// The doctor runner the engine answers `Command::RunDoctor` with: the checks of this
/// configuration, over this client.
pub fn doctor(config: Arc<Config>, http: Http) -> crate::engine::DoctorFn {
    Arc::new(move |probe| {
        let (config, http) = (Arc::clone(&config), http.clone());
        Box::pin(async move { run_doctor(&config, &http, crate::doctor::Options { probe }).await })
    })
}
