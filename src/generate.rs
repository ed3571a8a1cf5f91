//! `generate`, and the `--provider` and `--model` flags every command takes.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cli::GenerateArgs;
use crate::commands;
use sora_core::config::{Config, Setting, Source};
use sora_core::engine::Command;
use sora_core::providers::{Family, GenerationRequest, ModelProfile, Provider, Size};
use sora_core::setup;
use sora_tui::headless;

/// `--provider` picks the service; `--model` names a Runway or fal catalogue model, the model
/// on OpenAI, or the deployment on Azure (a known Sora 2 model name given for an Azure Sora 2
/// deployment also sets the limits and price).
pub fn apply_service_flags(
    config: &mut Config,
    provider: Option<&str>,
    model: Option<&str>,
) -> Result<()> {
    if let Some(name) = provider {
        let family = Family::parse(name).with_context(|| {
            format!(
                "--provider `{name}` is not a service sora-tui speaks; valid: {}",
                Family::labels()
            )
        })?;
        config.provider = Setting::new(family, Source::Flag("--provider"));
    }
    let Some(model) = model else {
        return Ok(());
    };
    let flag = || Source::Flag("--model");
    match config.provider.value {
        Family::OpenAi => config.openai.model = Setting::new(model.to_string(), flag()),
        Family::AzureSora => {
            config.azure.deployment = Some(Setting::new(model.to_string(), flag()))
        }
        Family::AzureSora2 => {
            config.azure.deployment = Some(Setting::new(model.to_string(), flag()));
            if ModelProfile::for_v1_model(model, &config.pricing.value).is_some() {
                config.azure.model = Setting::new(model.to_string(), flag());
            }
        }
        Family::Runway => config.runway.model = Setting::new(model.to_string(), flag()),
        Family::Fal => config.fal.model = Setting::new(model.to_string(), flag()),
    }
    Ok(())
}

pub async fn run(mut config: Config, args: GenerateArgs) -> Result<ExitCode> {
    let catalogue = config.provider.value.uses_catalogue();
    if !catalogue {
        // A flag replaces its `[defaults]` key, so only the defaults still in use are checked.
        if let Some(s) = &args.size {
            let size = Size::parse(s)
                .with_context(|| format!("--size `{s}` is not WIDTHxHEIGHT, e.g. 480x480"))?;
            config.defaults.size = Setting::new(size, Source::Flag("--size"));
        }
        if let Some(seconds) = args.seconds {
            config.defaults.seconds = Setting::new(seconds, Source::Flag("--seconds"));
        }
        if let Some(variants) = args.variants {
            config.defaults.variants = Setting::new(variants, Source::Flag("--variants"));
        }
    }
    let http = setup::http(&config)?;
    let provider = setup::provider(&config, &http)?;
    let request = match provider.sora_profile() {
        Some(profile) => {
            let (size, seconds, variants) = setup::defaults_for(&config, profile)?;
            GenerationRequest {
                prompt: args.prompt.clone(),
                size,
                seconds,
                variants,
                image: args.image.clone(),
                params: parse_params(&args.params)?,
            }
        }
        None => catalogue_request(&provider, &args)?,
    };
    // Refuse bad parameters before anything is sent.
    provider.validate(&request).context("not sent")?;
    if let Some(retired) = provider.family().retirement() {
        eprintln!("sora-tui: note: {}", retired.notice());
    }
    println!("{}", headless::describe_request(&request, &provider));
    let engine = commands::engine(&config, &http, provider, args.upload, args.out)?;
    let command = Command::Generate {
        key: headless::HEADLESS_JOB,
        request,
        upload: args.upload,
        via: None,
    };
    commands::finish(engine, command).await
}

/// A Runway or fal request: `--param`s, with `--seconds` as the model's `duration` (in the form
/// the model takes: `8` or `"8s"`). `--size` is a Sora parameter: refused with what to use.
fn catalogue_request(provider: &Provider, args: &GenerateArgs) -> Result<GenerationRequest> {
    let mut params = parse_params(&args.params)?;
    let model = provider
        .model_choice()
        .map(|m| m.entry(args.image.is_some()))
        .transpose()
        .context("not sent")?;
    if let Some(size) = &args.size {
        let ratio = model
            .and_then(|m| m.params.iter().find(|p| p.name.contains("ratio")))
            .map(|p| format!("--param {}=… (valid: {})", p.name, p.valid_values()))
            .unwrap_or_else(|| "the model's own parameters (--param NAME=VALUE)".into());
        bail!(
            "not sent: --size {size} is for Sora models; {} takes {ratio}",
            provider.describe()
        );
    }
    if let Some(seconds) = args.seconds
        && !params.iter().any(|(name, _)| name == "duration")
    {
        let spec = model.and_then(|m| m.param("duration"));
        let Some(spec) = spec else {
            bail!(
                "not sent: {} has no duration parameter, so --seconds is not taken",
                provider.describe()
            );
        };
        let text = [seconds.to_string(), format!("{seconds}s")]
            .into_iter()
            .find(|t| spec.parse(t).is_some())
            .unwrap_or_else(|| seconds.to_string());
        params.push(("duration".into(), text));
    }
    Ok(GenerationRequest {
        prompt: args.prompt.clone(),
        size: Size::new(0, 0),
        seconds: 0,
        variants: args.variants.unwrap_or(1),
        image: args.image.clone(),
        params,
    })
}

/// `--param NAME=VALUE`s, in order.
fn parse_params(given: &[String]) -> Result<Vec<(String, String)>> {
    given
        .iter()
        .map(|p| match p.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                Ok((name.trim().to_string(), value.to_string()))
            }
            _ => bail!("--param `{p}` is not NAME=VALUE (e.g. --param ratio=720:1280)"),
        })
        .collect()
}
