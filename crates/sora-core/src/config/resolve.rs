//! One short function per section of the configuration: which variables and keys set each value,
//! what it defaults to, and what is refused.

use std::path::PathBuf;
use std::time::Duration;

use url::Url;

use super::derive::{
    check_bucket_name, default_download_dir, derive_resource_base, derive_supabase_base,
    parse_family, parse_http_url,
};
use super::file::{FileAzure, FileDefaults, FileDownload, FileOpenAi, FilePricing, FileSupabase};
use super::layers::Layers;
use super::{
    AzureAuthMode, AzureConfig, ConfigError, Defaults, DownloadConfig, OpenAiConfig, Overrides,
    Setting, Source, SupabaseConfig,
};
use crate::download::RetrySchedule;
use crate::providers::{Family, Pricing, Size};

pub(super) fn provider(
    layers: &Layers,
    file_value: Option<String>,
) -> Result<Setting<Family>, ConfigError> {
    Ok(match layers.pick(&["SORA_TUI_PROVIDER"], file_value) {
        Some((v, source)) => Setting::new(parse_family(&v, source.clone())?, source),
        None => Setting::new(Family::AzureSora, Source::Default),
    })
}

pub(super) fn azure(layers: &Layers, file: &FileAzure) -> Result<AzureConfig, ConfigError> {
    let endpoint_picked = layers.pick(
        &["AZURE_OPENAI_ENDPOINT", "AZURE_SORA_ENDPOINT"],
        file.endpoint.clone(),
    );
    let endpoint_input = endpoint_picked.as_ref().map(|(v, _)| v.clone());
    let endpoint = layers.url(
        "azure.endpoint",
        endpoint_picked,
        derive_resource_base,
        "https://my-resource.openai.azure.com (or any Sora URL of the resource)",
    )?;
    let api_key = layers.secret(
        &["AZURE_OPENAI_API_KEY", "AZURE_API_KEY"],
        file.api_key.clone(),
    );
    let ad_token = layers.secret(&["AZURE_OPENAI_AD_TOKEN"], None);
    let auth = match layers.pick(&["AZURE_OPENAI_AUTH"], file.auth.clone()) {
        Some((v, source)) => Setting::new(auth_mode(&v, &source)?, source),
        None if api_key.is_none() && ad_token.is_some() => {
            Setting::new(AzureAuthMode::EntraToken, Source::Default)
        }
        None => Setting::new(AzureAuthMode::ApiKey, Source::Default),
    };
    let deployment = layers
        .pick(&["AZURE_OPENAI_DEPLOYMENT"], file.deployment.clone())
        .map(|(v, s)| Setting::new(v.trim().to_string(), s));
    let api_version = layers.text(&[], file.api_version.clone(), "preview");
    // An empty name would build a URL without it; leaving the key out means the default.
    if let Some(d) = &deployment {
        not_empty(
            "azure.deployment",
            d,
            "\"sora-2\" (your deployment's name), or leave the key out",
        )?;
    }
    not_empty(
        "azure.api_version",
        &api_version,
        "\"preview\", or leave the key out",
    )?;
    Ok(AzureConfig {
        endpoint,
        endpoint_input,
        api_key,
        ad_token,
        auth,
        deployment,
        api_version,
        model: layers.text(&[], file.model.clone(), "sora-2"),
    })
}

fn not_empty(
    key: &'static str,
    s: &Setting<String>,
    example: &'static str,
) -> Result<(), ConfigError> {
    if !s.value.is_empty() {
        return Ok(());
    }
    Err(ConfigError::Invalid {
        key,
        from: s.source.clone(),
        problem: "it is empty".into(),
        example,
    })
}

fn auth_mode(v: &str, source: &Source) -> Result<AzureAuthMode, ConfigError> {
    match v.trim() {
        "api-key" => Ok(AzureAuthMode::ApiKey),
        "entra-token" => Ok(AzureAuthMode::EntraToken),
        "az-cli" => Ok(AzureAuthMode::AzCli),
        other => Err(ConfigError::Invalid {
            key: "azure.auth",
            from: source.clone(),
            problem: format!("`{other}` is not an auth mode"),
            example: "\"api-key\", \"entra-token\" (AZURE_OPENAI_AD_TOKEN) or \"az-cli\"",
        }),
    }
}

pub(super) fn openai(layers: &Layers, file: &FileOpenAi) -> Result<OpenAiConfig, ConfigError> {
    let base_url = match layers.pick(&["OPENAI_BASE_URL"], file.base_url.clone()) {
        Some((v, source)) => {
            let url = parse_http_url(&v).map_err(|problem| ConfigError::Invalid {
                key: "openai.base_url",
                from: source.clone(),
                problem,
                example: "https://api.openai.com/v1",
            })?;
            Setting::new(url, source)
        }
        None => Setting::new(
            Url::parse(crate::providers::videos_v1::OPENAI_BASE).map_err(|e| {
                ConfigError::File {
                    path: PathBuf::new(),
                    problem: e.to_string(),
                }
            })?,
            Source::Default,
        ),
    };
    Ok(OpenAiConfig {
        api_key: layers.secret(&["OPENAI_API_KEY"], file.api_key.clone()),
        model: layers.text(&["OPENAI_VIDEO_MODEL"], file.model.clone(), "sora-2"),
        base_url,
    })
}

/// Prices from `[pricing]` over the defaults; each must be a plausible dollars-per-second.
pub(super) fn pricing(
    layers: &Layers,
    file: &FilePricing,
) -> Result<Setting<Pricing>, ConfigError> {
    let mut p = Pricing::default();
    let mut any = false;
    for (value, slot) in [
        (file.sora, &mut p.sora),
        (file.sora_2, &mut p.sora_2),
        (file.sora_2_pro, &mut p.sora_2_pro),
        (file.sora_2_pro_hd, &mut p.sora_2_pro_hd),
    ] {
        if let Some(v) = value {
            if !(0.0..=100.0).contains(&v) {
                return Err(ConfigError::Invalid {
                    key: "pricing",
                    from: layers.file_source(),
                    problem: format!("{v} is not a price per second between 0 and 100"),
                    example: "sora-2 = 0.10",
                });
            }
            *slot = v;
            any = true;
        }
    }
    let source = if any {
        layers.file_source()
    } else {
        Source::Default
    };
    Ok(Setting::new(p, source))
}

pub(super) fn supabase(
    layers: &Layers,
    file: &FileSupabase,
) -> Result<SupabaseConfig, ConfigError> {
    let url = layers.url(
        "supabase.url",
        layers.pick(&["SUPABASE_URL"], file.url.clone()),
        derive_supabase_base,
        "https://abcdefghijklmnop.supabase.co",
    )?;
    let input_bucket = layers.text(&[], file.input_bucket.clone(), "input-images");
    let output_bucket = layers.text(&[], file.output_bucket.clone(), "output-videos");
    for b in [&input_bucket, &output_bucket] {
        check_bucket_name(b)?;
    }
    // A NaN or an infinity is out of range too (no comparison holds for them).
    let threshold_mib = layers.ranged(
        "supabase.resumable_threshold_mib",
        file.resumable_threshold_mib,
        0.0..=500.0,
        "6",
        6.0,
    )?;
    Ok(SupabaseConfig {
        url,
        service_role_key: layers.secret(
            &["SUPABASE_SERVICE_ROLE_KEY"],
            file.service_role_key.clone(),
        ),
        input_bucket,
        output_bucket,
        resumable_threshold: threshold_mib.map(|mib| (mib * 1024.0 * 1024.0) as u64),
        public_urls: layers.file_or(file.public_urls, true),
    })
}

pub(super) fn download(
    layers: &Layers,
    file: &FileDownload,
    overrides: &Overrides,
) -> Result<DownloadConfig, ConfigError> {
    let dir = match (
        &overrides.download_dir,
        layers.env_first(&["SORA_TUI_DOWNLOAD_DIR"]),
        &file.dir,
    ) {
        (Some(d), _, _) => Setting::new(d.clone(), Source::Flag("--download-dir")),
        (None, Some((d, s)), _) => Setting::new(PathBuf::from(d), s),
        (None, None, Some(d)) => Setting::new(d.clone(), layers.file_source()),
        (None, None, None) => Setting::new(default_download_dir(), Source::Default),
    };
    let retry_schedule = match &file.retry_schedule_secs {
        Some(v) if v.len() > 20 || v.iter().any(|s| *s > 3600) => {
            return Err(ConfigError::Invalid {
                key: "download.retry_schedule_secs",
                from: layers.file_source(),
                problem: "at most 20 waits of at most 3600 s each".into(),
                example: "[5, 10, 30, 60]",
            });
        }
        Some(v) => Setting::new(RetrySchedule::from_secs(v), layers.file_source()),
        None => Setting::new(RetrySchedule::default(), Source::Default),
    };
    let poll_secs = layers.ranged(
        "download.poll_interval_secs",
        file.poll_interval_secs,
        0.05..=600.0,
        "5",
        5.0,
    )?;
    let stall_secs = layers.ranged(
        "download.stall_timeout_secs",
        file.stall_timeout_secs,
        1..=3600,
        "30",
        30,
    )?;
    Ok(DownloadConfig {
        dir,
        retry_schedule,
        poll_interval: poll_secs.map(Duration::from_secs_f64),
        thumbnails: layers.file_or(file.thumbnails, true),
        stall_timeout: stall_secs.map(Duration::from_secs),
        max_concurrent: layers.ranged(
            "download.max_concurrent",
            file.max_concurrent,
            1..=32,
            "3",
            3,
        )?,
    })
}

pub(super) fn defaults(layers: &Layers, file: &FileDefaults) -> Result<Defaults, ConfigError> {
    let size = match &file.size {
        Some(s) => Setting::new(
            Size::parse(s).ok_or_else(|| ConfigError::Invalid {
                key: "defaults.size",
                from: layers.file_source(),
                problem: format!("`{s}` is not WIDTHxHEIGHT"),
                example: "\"480x480\"",
            })?,
            layers.file_source(),
        ),
        None => Setting::new(Size::new(480, 480), Source::Default),
    };
    Ok(Defaults {
        size,
        seconds: layers.file_or(file.seconds, 5),
        variants: layers.file_or(file.variants, 1),
        auto_upload: layers.file_or(file.auto_upload, false),
    })
}
