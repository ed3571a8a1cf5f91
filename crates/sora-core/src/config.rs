//! Configuration: built-in defaults, then the TOML file, then environment variables, then
//! command-line flags — each later layer wins. Every value remembers where it came from, so an
//! error can name the key, its source and what a valid value looks like.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::download::RetrySchedule;
use crate::providers::{Family, Pricing, Size};
use crate::secret::Secret;

mod video_services;
pub use video_services::{FalConfig, RunwayConfig};

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Default,
    File(PathBuf),
    Env(&'static str),
    Flag(&'static str),
    Demo,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Default => f.write_str("built-in default"),
            Source::File(p) => write!(f, "config file {}", p.display()),
            Source::Env(name) => write!(f, "environment variable {name}"),
            Source::Flag(name) => write!(f, "command-line flag {name}"),
            Source::Demo => f.write_str("--demo (built-in simulator)"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Setting<T> {
    pub fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("`{key}` from {from} is invalid: {problem}. A valid value looks like: {example}")]
    Invalid {
        key: &'static str,
        from: Source,
        problem: String,
        example: &'static str,
    },
    #[error("`{key}` is not set. {how}")]
    Missing {
        key: &'static str,
        how: &'static str,
    },
    #[error("cannot read the config file {path}: {problem}")]
    File { path: PathBuf, problem: String },
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub file: Option<PathBuf>,
    pub provider: Setting<Family>,
    pub azure: AzureConfig,
    pub openai: OpenAiConfig,
    pub pricing: Setting<Pricing>,
    pub supabase: SupabaseConfig,
    pub download: DownloadConfig,
    pub defaults: Defaults,
    /// The request policy (`[http]`): timeouts, caps, redirects.
    pub http: Setting<crate::http::HttpPolicy>,
    /// `[runway]`: RUNWAYML_API_SECRET, RUNWAYML_BASE_URL, X-Runway-Version.
    pub runway: RunwayConfig,
    /// `[fal]`: FAL_KEY, the queue base (FAL_QUEUE_RUN_HOST) and added models.
    pub fal: FalConfig,
    /// Where the journal (and its lock) live: `SORA_TUI_DATA_DIR`, else the platform data
    /// directory. `--demo` uses a directory of its own, so simulated jobs never mix with real ones.
    pub data_dir: Setting<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct AzureConfig {
    /// The resource base derived from what the user gave (any Sora URL of the resource).
    pub endpoint: Option<Setting<Url>>,
    /// The endpoint exactly as given, for `doctor` to point out a pasted content URL.
    pub endpoint_input: Option<String>,
    pub api_key: Option<Setting<Secret>>,
    /// An Entra ID token given directly (`AZURE_OPENAI_AD_TOKEN`).
    pub ad_token: Option<Setting<Secret>>,
    pub auth: Setting<AzureAuthMode>,
    /// Deployment name; None means the family's usual name (`sora`, `sora-2`).
    pub deployment: Option<Setting<String>>,
    pub api_version: Setting<String>,
    /// The model a Sora 2 deployment runs (`sora-2` or `sora-2-pro`): sets limits and price.
    pub model: Setting<String>,
}

/// How Azure requests authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AzureAuthMode {
    /// The `api-key` header (default when a key is set).
    ApiKey,
    /// `AZURE_OPENAI_AD_TOKEN` as a bearer token (default when only a token is set).
    EntraToken,
    /// A token from `az account get-access-token`, refreshed before it expires.
    AzCli,
}

#[derive(Debug, Clone)]
pub struct OpenAiConfig {
    pub api_key: Option<Setting<Secret>>,
    pub model: Setting<String>,
    pub base_url: Setting<Url>,
}

#[derive(Debug, Clone)]
pub struct SupabaseConfig {
    pub url: Option<Setting<Url>>,
    pub service_role_key: Option<Setting<Secret>>,
    pub input_bucket: Setting<String>,
    pub output_bucket: Setting<String>,
    /// Files larger than this go through the resumable (TUS) endpoint (bytes; MiB in the file).
    pub resumable_threshold: Setting<u64>,
    /// Objects are shared by public URL, so the configured buckets should be public.
    pub public_urls: Setting<bool>,
}

#[derive(Debug, Clone)]
pub struct DownloadConfig {
    pub dir: Setting<PathBuf>,
    pub retry_schedule: Setting<RetrySchedule>,
    pub poll_interval: Setting<Duration>,
    pub thumbnails: Setting<bool>,
    /// No byte for this long abandons an attempt (it resumes on the next one).
    pub stall_timeout: Setting<Duration>,
    /// Downloads running at once.
    pub max_concurrent: Setting<usize>,
}

#[derive(Debug, Clone)]
pub struct Defaults {
    pub size: Setting<Size>,
    pub seconds: Setting<u32>,
    pub variants: Setting<u32>,
    pub auto_upload: Setting<bool>,
}

/// The file's shape. Unknown keys are refused so that a typo is reported, not ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    provider: Option<String>,
    #[serde(default)]
    azure: FileAzure,
    #[serde(default)]
    openai: FileOpenAi,
    #[serde(default)]
    pricing: FilePricing,
    #[serde(default)]
    supabase: FileSupabase,
    #[serde(default)]
    download: FileDownload,
    #[serde(default)]
    defaults: FileDefaults,
    #[serde(default)]
    http: crate::http::HttpFile,
    #[serde(default)]
    runway: video_services::FileRunway,
    #[serde(default)]
    fal: video_services::FileFal,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAzure {
    endpoint: Option<String>,
    api_key: Option<Secret>,
    auth: Option<String>,
    deployment: Option<String>,
    api_version: Option<String>,
    model: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileOpenAi {
    api_key: Option<Secret>,
    model: Option<String>,
    base_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FilePricing {
    sora: Option<f64>,
    #[serde(rename = "sora-2")]
    sora_2: Option<f64>,
    #[serde(rename = "sora-2-pro")]
    sora_2_pro: Option<f64>,
    #[serde(rename = "sora-2-pro-hd")]
    sora_2_pro_hd: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSupabase {
    url: Option<String>,
    service_role_key: Option<Secret>,
    input_bucket: Option<String>,
    output_bucket: Option<String>,
    resumable_threshold_mib: Option<f64>,
    public_urls: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDownload {
    dir: Option<PathBuf>,
    retry_schedule_secs: Option<Vec<u64>>,
    poll_interval_secs: Option<f64>,
    thumbnails: Option<bool>,
    stall_timeout_secs: Option<u64>,
    max_concurrent: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDefaults {
    size: Option<String>,
    seconds: Option<u32>,
    variants: Option<u32>,
    auto_upload: Option<bool>,
}

/// Flags that override the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub download_dir: Option<PathBuf>,
}

/// The default location of the config file: `<platform config dir>/sora-tui/config.toml`.
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sora-tui").map(|d| d.config_dir().join("config.toml"))
}

/// The default download directory: the user's Downloads folder, else the data directory.
pub fn default_download_dir() -> PathBuf {
    if let Some(d) =
        directories::UserDirs::new().and_then(|u| u.download_dir().map(Path::to_path_buf))
    {
        return d.join("sora-tui");
    }
    directories::ProjectDirs::from("", "", "sora-tui")
        .map(|d| d.data_dir().join("downloads"))
        .unwrap_or_else(|| PathBuf::from("sora-tui-downloads"))
}

/// Where the journal, its lock and the logs live: `SORA_TUI_DATA_DIR`, else the platform data
/// directory.
pub fn data_dir(env: &dyn Fn(&str) -> Option<String>) -> Setting<PathBuf> {
    match env("SORA_TUI_DATA_DIR").filter(|v| !v.trim().is_empty()) {
        Some(d) => Setting::new(PathBuf::from(d), Source::Env("SORA_TUI_DATA_DIR")),
        None => Setting::new(
            directories::ProjectDirs::from("", "", "sora-tui")
                .map(|d| d.data_dir().to_path_buf())
                .unwrap_or_else(|| PathBuf::from(".sora-tui")),
            Source::Default,
        ),
    }
}

/// Turn whatever the user pasted — the resource URL, a jobs URL with `?api-version=...`, a
/// content URL — into the resource base: scheme, host, port, and any gateway path before
/// `/openai`. Query and fragment are dropped.
pub fn derive_resource_base(input: &str) -> Result<Url, String> {
    let mut url = parse_http_url(input)?;
    let kept: Vec<String> = url
        .path_segments()
        .map(|segs| {
            segs.take_while(|s| !s.eq_ignore_ascii_case("openai"))
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    url.set_query(None);
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_path(&kept.join("/"));
    Ok(url)
}

/// `input` as an http(s) URL. A missing scheme is refused, not guessed: a guessed https:// to a
/// plain-http server fails later as a baffling TLS "corrupt message". Errors never echo the
/// input (it may hold a password); the suggested fix is shown masked.
fn parse_http_url(input: &str) -> Result<Url, String> {
    let trimmed = input.trim().trim_matches('"');
    if trimmed.is_empty() {
        return Err("it is empty".into());
    }
    if !trimmed.contains("://") {
        let hint = Url::parse(&format!("https://{trimmed}"))
            .map(|u| format!(" ({})", crate::http::redact_url(&u)))
            .unwrap_or_default();
        return Err(format!(
            "it has no scheme: add https:// in front{hint}, or http:// for a plain-http server on this machine"
        ));
    }
    let url = Url::parse(trimmed).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("scheme `{}` is not http or https", url.scheme()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    Ok(url)
}

/// A Supabase project URL: `https://<ref>.supabase.co` (anything after the host, such as a
/// pasted `/storage/v1/...`, is dropped).
pub fn derive_supabase_base(input: &str) -> Result<Url, String> {
    let mut url = derive_resource_base(input)?;
    let kept: Vec<String> = url
        .path_segments()
        .map(|segs| {
            segs.take_while(|s| {
                !s.eq_ignore_ascii_case("storage") && !s.eq_ignore_ascii_case("rest")
            })
            .map(str::to_owned)
            .collect()
        })
        .unwrap_or_default();
    url.set_path(&kept.join("/"));
    Ok(url)
}

impl Config {
    /// Load from `explicit` (must exist) or the default path (may be missing), then apply the
    /// environment (`env` reads a variable; tests pass a map) and `overrides`.
    pub fn load(
        explicit: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
        overrides: &Overrides,
    ) -> Result<Config, ConfigError> {
        let (file, path) = match explicit {
            Some(p) => (read_file(p)?, Some(p.to_path_buf())),
            None => match default_config_path() {
                Some(p) if p.exists() => (read_file(&p)?, Some(p)),
                _ => (FileConfig::default(), None),
            },
        };
        let from_file = || Source::File(path.clone().unwrap_or_default());
        let env_first = |names: &[&'static str]| {
            names.iter().find_map(|n| {
                env(n)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (v, Source::Env(n)))
            })
        };
        // Layering helper: env beats file beats default.
        let pick = |env_names: &[&'static str], file_value: Option<String>| {
            env_first(env_names).or_else(|| file_value.map(|v| (v, from_file())))
        };

        let provider = match pick(&["SORA_TUI_PROVIDER"], file.provider.clone()) {
            Some((v, source)) => Setting::new(parse_family(&v, source.clone())?, source),
            None => Setting::new(Family::AzureSora, Source::Default),
        };

        let endpoint_picked = pick(
            &["AZURE_OPENAI_ENDPOINT", "AZURE_SORA_ENDPOINT"],
            file.azure.endpoint.clone(),
        );
        let endpoint_input = endpoint_picked.as_ref().map(|(v, _)| v.clone());
        let endpoint = endpoint_picked
        .map(|(v, source)| {
            derive_resource_base(&v)
                .map(|u| Setting::new(u, source.clone()))
                .map_err(|problem| ConfigError::Invalid {
                    key: "azure.endpoint",
                    from: source,
                    problem,
                    example: "https://my-resource.openai.azure.com (or any Sora URL of the resource)",
                })
        })
        .transpose()?;
        let api_key = env_first(&["AZURE_OPENAI_API_KEY", "AZURE_API_KEY"])
            .map(|(v, s)| Setting::new(Secret::new(v), s))
            .or_else(|| {
                file.azure
                    .api_key
                    .clone()
                    .filter(|k| !k.is_empty())
                    .map(|k| Setting::new(k, from_file()))
            });
        let ad_token =
            env_first(&["AZURE_OPENAI_AD_TOKEN"]).map(|(v, s)| Setting::new(Secret::new(v), s));
        let auth = match pick(&["AZURE_OPENAI_AUTH"], file.azure.auth.clone()) {
            Some((v, source)) => Setting::new(
                match v.trim() {
                    "api-key" => AzureAuthMode::ApiKey,
                    "entra-token" => AzureAuthMode::EntraToken,
                    "az-cli" => AzureAuthMode::AzCli,
                    other => {
                        return Err(ConfigError::Invalid {
                            key: "azure.auth",
                            from: source,
                            problem: format!("`{other}` is not an auth mode"),
                            example: "\"api-key\", \"entra-token\" (AZURE_OPENAI_AD_TOKEN) or \"az-cli\"",
                        });
                    }
                },
                source,
            ),
            None if api_key.is_none() && ad_token.is_some() => {
                Setting::new(AzureAuthMode::EntraToken, Source::Default)
            }
            None => Setting::new(AzureAuthMode::ApiKey, Source::Default),
        };
        let deployment = pick(&["AZURE_OPENAI_DEPLOYMENT"], file.azure.deployment.clone())
            .map(|(v, s)| Setting::new(v.trim().to_string(), s));
        let api_version = setting_or(pick(&[], file.azure.api_version.clone()), "preview");
        // An empty name would build a URL without it; leaving the key out means the default.
        let empty = |key, s: &Setting<String>, example| ConfigError::Invalid {
            key,
            from: s.source.clone(),
            problem: "it is empty".into(),
            example,
        };
        if let Some(d) = deployment.as_ref().filter(|d| d.value.is_empty()) {
            return Err(empty(
                "azure.deployment",
                d,
                "\"sora-2\" (your deployment's name), or leave the key out",
            ));
        }
        if api_version.value.is_empty() {
            return Err(empty(
                "azure.api_version",
                &api_version,
                "\"preview\", or leave the key out",
            ));
        }
        let azure_model = setting_or(pick(&[], file.azure.model.clone()), "sora-2");

        let openai_key = env_first(&["OPENAI_API_KEY"])
            .map(|(v, s)| Setting::new(Secret::new(v), s))
            .or_else(|| {
                file.openai
                    .api_key
                    .clone()
                    .filter(|k| !k.is_empty())
                    .map(|k| Setting::new(k, from_file()))
            });
        let openai_model = setting_or(
            pick(&["OPENAI_VIDEO_MODEL"], file.openai.model.clone()),
            "sora-2",
        );
        let openai_base = match pick(&["OPENAI_BASE_URL"], file.openai.base_url.clone()) {
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
        let pricing = resolve_pricing(&file.pricing, from_file())?;

        let supabase_url = pick(&["SUPABASE_URL"], file.supabase.url.clone())
            .map(|(v, source)| {
                derive_supabase_base(&v)
                    .map(|u| Setting::new(u, source.clone()))
                    .map_err(|problem| ConfigError::Invalid {
                        key: "supabase.url",
                        from: source,
                        problem,
                        example: "https://abcdefghijklmnop.supabase.co",
                    })
            })
            .transpose()?;
        let service_role_key = env_first(&["SUPABASE_SERVICE_ROLE_KEY"])
            .map(|(v, s)| Setting::new(Secret::new(v), s))
            .or_else(|| {
                file.supabase
                    .service_role_key
                    .clone()
                    .filter(|k| !k.is_empty())
                    .map(|k| Setting::new(k, from_file()))
            });
        let input_bucket = setting_or(
            pick(&[], file.supabase.input_bucket.clone()),
            "input-images",
        );
        let output_bucket = setting_or(
            pick(&[], file.supabase.output_bucket.clone()),
            "output-videos",
        );
        for b in [&input_bucket, &output_bucket] {
            check_bucket_name(b)?;
        }
        let resumable_threshold = match file.supabase.resumable_threshold_mib {
            None => Setting::new(6 * 1024 * 1024, Source::Default),
            Some(mib) if mib.is_finite() && (0.0..=500.0).contains(&mib) => {
                Setting::new((mib * 1024.0 * 1024.0) as u64, from_file())
            }
            Some(mib) => {
                return Err(ConfigError::Invalid {
                    key: "supabase.resumable_threshold_mib",
                    from: from_file(),
                    problem: format!("{mib} is not between 0 and 500"),
                    example: "6",
                });
            }
        };
        let public_urls = file.supabase.public_urls.map_or_else(
            || Setting::new(true, Source::Default),
            |v| Setting::new(v, from_file()),
        );

        let dir = match (
            &overrides.download_dir,
            env_first(&["SORA_TUI_DOWNLOAD_DIR"]),
            &file.download.dir,
        ) {
            (Some(d), _, _) => Setting::new(d.clone(), Source::Flag("--download-dir")),
            (None, Some((d, s)), _) => Setting::new(PathBuf::from(d), s),
            (None, None, Some(d)) => Setting::new(d.clone(), from_file()),
            (None, None, None) => Setting::new(default_download_dir(), Source::Default),
        };
        let retry_schedule = match &file.download.retry_schedule_secs {
            Some(v) if v.len() > 20 || v.iter().any(|s| *s > 3600) => {
                return Err(ConfigError::Invalid {
                    key: "download.retry_schedule_secs",
                    from: from_file(),
                    problem: "at most 20 waits of at most 3600 s each".into(),
                    example: "[5, 10, 30, 60]",
                });
            }
            Some(v) => Setting::new(RetrySchedule::from_secs(v), from_file()),
            None => Setting::new(RetrySchedule::default(), Source::Default),
        };
        let poll_interval = match file.download.poll_interval_secs {
            Some(s) if !(0.05..=600.0).contains(&s) => {
                return Err(ConfigError::Invalid {
                    key: "download.poll_interval_secs",
                    from: from_file(),
                    problem: format!("{s} is outside 0.05 to 600"),
                    example: "5",
                });
            }
            Some(s) => Setting::new(Duration::from_secs_f64(s), from_file()),
            None => Setting::new(Duration::from_secs(5), Source::Default),
        };
        let thumbnails = file
            .download
            .thumbnails
            .map_or(Setting::new(true, Source::Default), |b| {
                Setting::new(b, from_file())
            });

        // Download limits: a stall timeout and how many downloads run at once.
        let stall_timeout = match file.download.stall_timeout_secs {
            Some(s) if !(1..=3600).contains(&s) => {
                return Err(ConfigError::Invalid {
                    key: "download.stall_timeout_secs",
                    from: from_file(),
                    problem: format!("{s} is outside 1 to 3600"),
                    example: "30",
                });
            }
            Some(s) => Setting::new(Duration::from_secs(s), from_file()),
            None => Setting::new(Duration::from_secs(30), Source::Default),
        };
        let max_concurrent = match file.download.max_concurrent {
            Some(n) if !(1..=32).contains(&n) => {
                return Err(ConfigError::Invalid {
                    key: "download.max_concurrent",
                    from: from_file(),
                    problem: format!("{n} is outside 1 to 32"),
                    example: "3",
                });
            }
            Some(n) => Setting::new(n, from_file()),
            None => Setting::new(3, Source::Default),
        };

        let size = match &file.defaults.size {
            Some(s) => Setting::new(
                Size::parse(s).ok_or_else(|| ConfigError::Invalid {
                    key: "defaults.size",
                    from: from_file(),
                    problem: format!("`{s}` is not WIDTHxHEIGHT"),
                    example: "\"480x480\"",
                })?,
                from_file(),
            ),
            None => Setting::new(Size::new(480, 480), Source::Default),
        };
        let seconds = file
            .defaults
            .seconds
            .map_or(Setting::new(5, Source::Default), |v| {
                Setting::new(v, from_file())
            });
        let variants = file
            .defaults
            .variants
            .map_or(Setting::new(1, Source::Default), |v| {
                Setting::new(v, from_file())
            });
        let auto_upload = file
            .defaults
            .auto_upload
            .map_or(Setting::new(false, Source::Default), |v| {
                Setting::new(v, from_file())
            });

        let http = file.http.resolve(from_file())?;

        let data_dir = data_dir(env);
        let runway = video_services::runway(&file.runway, env, &from_file)?;
        let fal = video_services::fal(&file.fal, env, &from_file)?;
        Ok(Config {
            runway,
            fal,
            data_dir,
            file: path,
            provider,
            azure: AzureConfig {
                endpoint,
                endpoint_input,
                api_key,
                ad_token,
                auth,
                deployment,
                api_version,
                model: azure_model,
            },
            openai: OpenAiConfig {
                api_key: openai_key,
                model: openai_model,
                base_url: openai_base,
            },
            pricing,
            supabase: SupabaseConfig {
                url: supabase_url,
                service_role_key,
                input_bucket,
                output_bucket,
                resumable_threshold,
                public_urls,
            },
            download: DownloadConfig {
                dir,
                retry_schedule,
                poll_interval,
                thumbnails,
                stall_timeout,
                max_concurrent,
            },
            defaults: Defaults {
                size,
                seconds,
                variants,
                auto_upload,
            },
            http,
        })
    }

    /// Point every service at a simulator at `base` with its demo keys. The provider family
    /// stays as configured: the simulator speaks all of them.
    pub fn use_simulator(&mut self, base: &Url, keys: &SimulatorKeys) {
        self.azure.endpoint = Some(Setting::new(base.clone(), Source::Demo));
        self.azure.api_key = Some(Setting::new(Secret::new(keys.azure), Source::Demo));
        self.azure.auth = Setting::new(AzureAuthMode::ApiKey, Source::Demo);
        if let Ok(openai) = base.join("v1") {
            self.openai.base_url = Setting::new(openai, Source::Demo);
        }
        self.openai.api_key = Some(Setting::new(Secret::new(keys.openai), Source::Demo));
        let supabase_key = keys.supabase;
        self.supabase.url = Some(Setting::new(base.clone(), Source::Demo));
        self.supabase.service_role_key =
            Some(Setting::new(Secret::new(supabase_key), Source::Demo));
    }
}

/// The fixed, public keys a simulator accepts.
pub struct SimulatorKeys<'a> {
    pub azure: &'a str,
    pub openai: &'a str,
    pub supabase: &'a str,
}

fn setting_or(picked: Option<(String, Source)>, default: &str) -> Setting<String> {
    picked.map_or_else(
        || Setting::new(default.to_string(), Source::Default),
        |(v, s)| Setting::new(v.trim().to_string(), s),
    )
}

fn parse_family(v: &str, source: Source) -> Result<Family, ConfigError> {
    Family::parse(v).ok_or_else(|| ConfigError::Invalid {
        key: "provider",
        from: source,
        problem: format!("`{}` is not a provider this build speaks", v.trim()),
        example: "\"azure-sora\", \"azure-sora2\" or \"openai\"",
    })
}

/// Prices from `[pricing]` over the defaults; each must be a plausible dollars-per-second.
fn resolve_pricing(file: &FilePricing, source: Source) -> Result<Setting<Pricing>, ConfigError> {
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
                    from: source,
                    problem: format!("{v} is not a price per second between 0 and 100"),
                    example: "sora-2 = 0.10",
                });
            }
            *slot = v;
            any = true;
        }
    }
    Ok(Setting::new(p, if any { source } else { Source::Default }))
}

/// Bucket names: 1–100 characters of `A-Za-z0-9_!.*'() &$=@;:+,?-` (storage server limits).
fn check_bucket_name(b: &Setting<String>) -> Result<(), ConfigError> {
    let ok = !b.value.is_empty()
        && b.value.len() <= 100
        && b.value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_!.*'() &$=@;:+,?-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ConfigError::Invalid {
            key: "supabase.output_bucket / supabase.input_bucket",
            from: b.source.clone(),
            problem: format!("`{}` is not a valid bucket name", b.value),
            example: "\"output-videos\"",
        })
    }
}

/// Far above any real config file; `/dev/zero` or a log given by mistake cannot fill memory.
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Read and parse the file. An error names the line and the key (`line 4: `defaults.seconds`:
/// invalid type: a string, expected u32`) but never echoes the file's text: it holds keys.
fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let fail = |problem: String| ConfigError::File {
        path: path.to_path_buf(),
        problem,
    };
    let bytes = crate::local_file::read_regular(path, MAX_CONFIG_BYTES, "the config file")
        .map_err(|e| fail(e.problem()))?;
    let text = String::from_utf8(bytes).map_err(|_| fail("it is not UTF-8 text".into()))?;
    let line = |span: Option<std::ops::Range<usize>>| {
        span.map_or_else(String::new, |s| {
            let before = &text.as_bytes()[..s.start.min(text.len())];
            format!(
                "line {}: ",
                before.iter().filter(|b| **b == b'\n').count() + 1
            )
        })
    };
    let document = toml::Deserializer::parse(&text)
        .map_err(|e| fail(format!("{}{}", line(e.span()), e.message())))?;
    serde_path_to_error::deserialize(document).map_err(|e| {
        let key = e.path().to_string();
        let e = e.into_inner();
        fail(format!(
            "{}`{key}`: {}",
            line(e.span()),
            without_strings(e.message())
        ))
    })
}

/// serde quotes a wrong string value (`invalid type: string "sk-…", expected u32`): say only
/// that it was a string.
fn without_strings(message: &str) -> String {
    match message
        .find("string \"")
        .and_then(|i| message[i..].find("\", expected").map(|j| (i, i + j + 1)))
    {
        Some((start, end)) => format!("{}a string{}", &message[..start], &message[end..]),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn derives_the_resource_base_from_the_forms_users_paste() {
        let cases = [
            (
                "https://my-res.openai.azure.com",
                "https://my-res.openai.azure.com/",
            ),
            (
                "https://my-res.openai.azure.com/",
                "https://my-res.openai.azure.com/",
            ),
            (
                "https://my-res.openai.azure.com/openai/v1/video/generations/jobs?api-version=preview",
                "https://my-res.openai.azure.com/",
            ),
            (
                "https://my-res.cognitiveservices.azure.com/openai/v1/video/generations/gen_01/content/video?api-version=preview",
                "https://my-res.cognitiveservices.azure.com/",
            ),
            (
                "  \"https://my-res.openai.azure.com/openai/v1/\"  ",
                "https://my-res.openai.azure.com/",
            ),
            ("http://127.0.0.1:8787", "http://127.0.0.1:8787/"),
            (
                "https://gw.example.com/team-a/openai/v1/videos",
                "https://gw.example.com/team-a",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                derive_resource_base(input).map(|u| u.to_string()),
                Ok(want.to_string()),
                "{input}"
            );
        }
        assert!(derive_resource_base("").is_err());
        assert!(derive_resource_base("ftp://x.example").is_err());
        // No scheme is refused, not guessed: a guessed https:// to a plain-http server fails
        // later as a TLS "corrupt message".
        for bare in [
            "my-res.openai.azure.com",
            "127.0.0.1:8787",
            "localhost:8787/openai",
        ] {
            let err = derive_resource_base(bare).expect_err(bare);
            assert!(err.contains("add https://"), "{bare}: {err}");
        }
        assert_eq!(
            derive_supabase_base("https://abc.supabase.co/storage/v1/object/public/b/x")
                .map(|u| u.to_string()),
            Ok("https://abc.supabase.co/".to_string())
        );
    }

    fn write_config(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn environment_beats_file_beats_default_and_flags_beat_all() {
        let (_d, path) = write_config(
            r#"
            [azure]
            endpoint = "https://from-file.openai.azure.com"
            deployment = "file-deployment"
            [supabase]
            output_bucket = "my-videos"
            [download]
            dir = "/tmp/from-file"
            "#,
        );
        let env = env_of(&[
            (
                "AZURE_SORA_ENDPOINT",
                "https://from-env.openai.azure.com/openai/v1/video/generations/jobs?api-version=preview",
            ),
            ("AZURE_API_KEY", "env-key-value-xyz"),
        ]);
        let cfg = Config::load(Some(&path), &env, &Overrides::default()).expect("loads");
        let ep = cfg.azure.endpoint.expect("endpoint");
        assert_eq!(ep.value.as_str(), "https://from-env.openai.azure.com/");
        assert_eq!(ep.source, Source::Env("AZURE_SORA_ENDPOINT"));
        let deployment = cfg.azure.deployment.clone().expect("deployment");
        assert_eq!(deployment.value, "file-deployment");
        assert_eq!(deployment.source, Source::File(path.clone()));
        assert_eq!(cfg.azure.api_version.value, "preview");
        assert_eq!(cfg.azure.api_version.source, Source::Default);
        assert_eq!(cfg.supabase.output_bucket.value, "my-videos");
        assert_eq!(cfg.supabase.input_bucket.value, "input-images");
        assert_eq!(
            cfg.azure.api_key.expect("key").source,
            Source::Env("AZURE_API_KEY")
        );
        assert_eq!(cfg.download.dir.value, PathBuf::from("/tmp/from-file"));

        // The primary variable wins over the alternative; the flag wins over everything.
        let env = env_of(&[
            ("AZURE_OPENAI_ENDPOINT", "https://primary.openai.azure.com"),
            ("AZURE_SORA_ENDPOINT", "https://secondary.openai.azure.com"),
            ("SORA_TUI_DOWNLOAD_DIR", "/tmp/from-env"),
        ]);
        let flags = Overrides {
            download_dir: Some(PathBuf::from("/tmp/from-flag")),
        };
        let cfg = Config::load(Some(&path), &env, &flags).expect("loads");
        assert_eq!(
            cfg.azure.endpoint.expect("endpoint").value.as_str(),
            "https://primary.openai.azure.com/"
        );
        assert_eq!(cfg.download.dir.value, PathBuf::from("/tmp/from-flag"));
        assert_eq!(cfg.download.dir.source, Source::Flag("--download-dir"));
    }

    #[test]
    fn invalid_values_name_the_key_the_source_and_an_example() {
        let env = env_of(&[("AZURE_OPENAI_ENDPOINT", "ftp://nope")]);
        let err = Config::load(None, &env, &Overrides::default())
            .expect_err("must refuse")
            .to_string();
        assert!(err.contains("azure.endpoint"), "{err}");
        assert!(err.contains("AZURE_OPENAI_ENDPOINT"), "{err}");
        assert!(
            err.contains("https://my-resource.openai.azure.com"),
            "{err}"
        );

        let (_d, path) = write_config("[azure]\nendpiont = \"x\"\n");
        let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
            .expect_err("typo refused")
            .to_string();
        assert!(err.contains("endpiont"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");

        let (_d, path) = write_config("[defaults]\nsize = \"big\"\n");
        let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
            .expect_err("bad size")
            .to_string();
        assert!(
            err.contains("defaults.size") && err.contains("480x480"),
            "{err}"
        );
    }

    #[test]
    fn a_type_error_names_the_line_and_the_key_but_not_the_value() {
        let (_d, path) = write_config(
            "[azure]\napi_key = \"file-secret-abcdef\"\n\n[defaults]\nseconds = \"file-secret-abcdef\"\n",
        );
        let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
            .expect_err("a string for a number")
            .to_string();
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(
            err.contains("line 5") && err.contains("`defaults.seconds`"),
            "{err}"
        );
        assert!(err.contains("expected u32"), "{err}");
        assert!(!err.contains("file-secret-abcdef"), "{err}");

        let (_d, path) = write_config("[download]\nretry_schedule_secs = [5, \"ten\"]\n");
        let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
            .expect_err("a string in the list")
            .to_string();
        assert!(
            err.contains("line 2") && err.contains("download.retry_schedule_secs"),
            "{err}"
        );
    }

    #[test]
    fn empty_names_and_endpoints_without_a_scheme_are_refused() {
        for (text, key) in [
            ("[azure]\ndeployment = \"\"\n", "azure.deployment"),
            ("[azure]\napi_version = \" \"\n", "azure.api_version"),
        ] {
            let (_d, path) = write_config(text);
            let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
                .expect_err(text)
                .to_string();
            assert!(err.contains(key) && err.contains("it is empty"), "{err}");
        }
        for (var, key) in [
            ("AZURE_OPENAI_ENDPOINT", "azure.endpoint"),
            ("SUPABASE_URL", "supabase.url"),
            ("OPENAI_BASE_URL", "openai.base_url"),
        ] {
            let pairs = [(var, "user:pw-123@127.0.0.1:8787")];
            let env = env_of(&pairs);
            let err = Config::load(None, &env, &Overrides::default())
                .expect_err(var)
                .to_string();
            assert!(err.contains(key) && err.contains("add https://"), "{err}");
            assert!(!err.contains("pw-123"), "{err}");
        }
    }

    #[test]
    fn special_and_huge_config_files_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = Config::load(Some(dir.path()), &env_of(&[]), &Overrides::default())
            .expect_err("a directory")
            .to_string();
        assert!(err.contains("is a directory, not a regular file"), "{err}");
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "#".repeat(MAX_CONFIG_BYTES as usize + 1)).expect("write");
        let err = Config::load(Some(&big), &env_of(&[]), &Overrides::default())
            .expect_err("too large")
            .to_string();
        assert!(err.contains("larger than 1 MiB"), "{err}");
    }

    #[test]
    fn a_secret_in_the_file_is_never_echoed_in_errors() {
        let (_d, path) = write_config("[azure]\napi_key = \"file-secret-abcdef\"\nbogus = 1\n");
        let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
            .expect_err("bogus key")
            .to_string();
        assert!(!err.contains("file-secret-abcdef"), "{err}");
    }

    #[test]
    fn the_example_config_parses_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../config.example.toml");
        let cfg =
            Config::load(Some(&path), &env_of(&[]), &Overrides::default()).expect("example loads");
        assert_eq!(crate::setup::deployment(&cfg), "sora");
        assert_eq!(cfg.openai.model.value, "sora-2");
        assert_eq!(cfg.pricing.value, Pricing::default());
        assert_eq!(cfg.azure.auth.value, AzureAuthMode::ApiKey);
        assert_eq!(cfg.download.retry_schedule.value, RetrySchedule::default());
        assert_eq!(cfg.defaults.size.value, Size::new(480, 480));
        assert_eq!(cfg.http.value, crate::http::HttpPolicy::default());
    }
}
