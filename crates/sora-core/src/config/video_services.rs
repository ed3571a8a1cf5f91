//! `[runway]` and `[fal]`: the official SDKs' names (`RUNWAYML_API_SECRET`,
//! `RUNWAYML_BASE_URL`, `FAL_KEY`, `FAL_QUEUE_RUN_HOST`) over the config file, over the defaults.

use serde::Deserialize;
use url::Url;

use super::{ConfigError, Setting, Source};
use crate::providers::catalogue::VideoModel;
use crate::providers::{fal, runway};
use crate::secret::Secret;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileRunway {
    base_url: Option<String>,
    api_key: Option<Secret>,
    /// `X-Runway-Version`.
    version: Option<String>,
    /// The model generated with (a catalogue id: `gen4.5`, `veo3.1`...).
    model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileFal {
    queue_url: Option<String>,
    key: Option<Secret>,
    /// The model generated with (an endpoint id: `fal-ai/veo3.1`...).
    model: Option<String>,
    /// Models added to the built-in catalogue.
    #[serde(default)]
    models: Vec<VideoModel>,
}

#[derive(Debug, Clone)]
pub struct RunwayConfig {
    pub base_url: Setting<Url>,
    pub api_key: Option<Setting<Secret>>,
    pub version: Setting<String>,
    /// The catalogue model generated with (`--model` for one run).
    pub model: Setting<String>,
}

#[derive(Debug, Clone)]
pub struct FalConfig {
    pub queue_url: Setting<Url>,
    pub key: Option<Setting<Secret>>,
    /// The endpoint generated with (`--model` for one run).
    pub model: Setting<String>,
    pub models: Vec<VideoModel>,
}

/// The model a service runs when none is configured.
pub const DEFAULT_RUNWAY_MODEL: &str = "gen4.5";
pub const DEFAULT_FAL_MODEL: &str = "fal-ai/veo3.1";

fn model_setting(
    given: &Option<String>,
    default: &str,
    from_file: &dyn Fn() -> Source,
) -> Setting<String> {
    match given {
        Some(m) if !m.trim().is_empty() => Setting::new(m.trim().to_string(), from_file()),
        _ => Setting::new(default.to_string(), Source::Default),
    }
}

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn env_value(env: Env, name: &'static str) -> Option<(String, Source)> {
    env(name)
        .filter(|v| !v.trim().is_empty())
        .map(|v| (v.trim().to_string(), Source::Env(name)))
}

fn url_setting(
    key: &'static str,
    picked: Option<(String, Source)>,
    default: &str,
    example: &'static str,
) -> Result<Setting<Url>, ConfigError> {
    match picked {
        None => Url::parse(default)
            .map(|u| Setting::new(u, Source::Default))
            .map_err(|e| ConfigError::Invalid {
                key,
                from: Source::Default,
                problem: e.to_string(),
                example,
            }),
        Some((v, source)) => super::parse_http_url(&v)
            .map(|u| Setting::new(u, source.clone()))
            .map_err(|problem| ConfigError::Invalid {
                key,
                from: source,
                problem,
                example,
            }),
    }
}

pub(super) fn runway(
    file: &FileRunway,
    env: Env,
    from_file: &dyn Fn() -> Source,
) -> Result<RunwayConfig, ConfigError> {
    let base = env_value(env, "RUNWAYML_BASE_URL")
        .or_else(|| file.base_url.clone().map(|v| (v, from_file())));
    let api_key = env_value(env, "RUNWAYML_API_SECRET")
        .map(|(v, s)| Setting::new(Secret::new(v), s))
        .or_else(|| {
            file.api_key
                .clone()
                .filter(|k| !k.is_empty())
                .map(|k| Setting::new(k, from_file()))
        });
    let version = match &file.version {
        Some(v) if !v.trim().is_empty() => Setting::new(v.trim().to_string(), from_file()),
        _ => Setting::new(runway::RUNWAY_VERSION.to_string(), Source::Default),
    };
    Ok(RunwayConfig {
        base_url: url_setting(
            "runway.base_url",
            base,
            runway::RUNWAY_BASE,
            "https://api.dev.runwayml.com",
        )?,
        api_key,
        version,
        model: model_setting(&file.model, DEFAULT_RUNWAY_MODEL, from_file),
    })
}

pub(super) fn fal(
    file: &FileFal,
    env: Env,
    from_file: &dyn Fn() -> Source,
) -> Result<FalConfig, ConfigError> {
    // fal-client: https:// + FAL_QUEUE_RUN_HOST (or queue. + FAL_RUN_HOST).
    let from_env = fal::queue_base_from_env(|n| env(n)).map(|v| {
        let name = if env("FAL_QUEUE_RUN_HOST").is_some_and(|h| !h.trim().is_empty()) {
            "FAL_QUEUE_RUN_HOST"
        } else {
            "FAL_RUN_HOST"
        };
        (v, Source::Env(name))
    });
    let queue = from_env.or_else(|| file.queue_url.clone().map(|v| (v, from_file())));
    let key = env_value(env, "FAL_KEY")
        .map(|(v, s)| Setting::new(Secret::new(v), s))
        .or_else(|| {
            file.key
                .clone()
                .filter(|k| !k.is_empty())
                .map(|k| Setting::new(k, from_file()))
        });
    Ok(FalConfig {
        queue_url: url_setting(
            "fal.queue_url",
            queue,
            fal::FAL_QUEUE_BASE,
            "https://queue.fal.run",
        )?,
        key,
        model: model_setting(&file.model, DEFAULT_FAL_MODEL, from_file),
        models: file.models.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |n| {
            pairs
                .iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| v.to_string())
        }
    }

    fn file_source() -> Source {
        Source::File("config.toml".into())
    }

    #[test]
    fn defaults_follow_the_sdks_and_env_beats_the_file() {
        let none = env(&[]);
        let r = runway(&FileRunway::default(), &none, &file_source).expect("defaults");
        assert_eq!(r.base_url.value.as_str(), "https://api.dev.runwayml.com/");
        assert_eq!(r.version.value, "2024-11-06");
        assert!(r.api_key.is_none());
        let f = fal(&FileFal::default(), &none, &file_source).expect("defaults");
        assert_eq!(f.queue_url.value.as_str(), "https://queue.fal.run/");

        let file: FileRunway = toml::from_str(
            "base_url = \"http://127.0.0.1:8080\"\napi_key = \"key_file\"\nversion = \"2025-01-01\"",
        )
        .expect("parses");
        let set = env(&[("RUNWAYML_API_SECRET", "key_env")]);
        let r = runway(&file, &set, &file_source).expect("ok");
        assert_eq!(r.base_url.value.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(
            r.api_key.as_ref().map(|k| k.value.expose()),
            Some("key_env")
        );
        assert_eq!(
            r.api_key.map(|k| k.source),
            Some(Source::Env("RUNWAYML_API_SECRET"))
        );
        assert_eq!(r.version.value, "2025-01-01");

        let host = env(&[("FAL_QUEUE_RUN_HOST", "127.0.0.1:8443"), ("FAL_KEY", "k")]);
        let f = fal(&FileFal::default(), &host, &file_source).expect("ok");
        assert_eq!(f.queue_url.value.as_str(), "https://127.0.0.1:8443/");
        assert_eq!(f.queue_url.source, Source::Env("FAL_QUEUE_RUN_HOST"));
    }

    #[test]
    fn a_base_url_without_a_scheme_is_refused_with_the_fix() {
        let file: FileFal = toml::from_str("queue_url = \"queue.fal.run\"").expect("parses");
        let err = fal(&file, &env(&[]), &file_source).expect_err("no scheme");
        let text = err.to_string();
        assert!(
            text.contains("`fal.queue_url`") && text.contains("add https://"),
            "{text}"
        );
        let typo: Result<FileRunway, _> = toml::from_str("base_ur = \"x\"");
        assert!(typo.is_err(), "unknown keys are refused");
    }
}
