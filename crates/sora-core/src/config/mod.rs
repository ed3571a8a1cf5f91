//! Configuration: built-in defaults, then the TOML file, then environment variables, then
//! command-line flags — each later layer wins. Every value remembers where it came from, so an
//! error can name the key, its source and what a valid value looks like.
//!
//! `file` is the file's shape, `layers` the layering rule and its typed helpers, `resolve` one
//! function per section, `derive` the values computed from what the user gave.

mod derive;
mod file;
mod layers;
mod plain_http;
mod resolve;
mod ui;
mod video_services;

use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::download::RetrySchedule;
use crate::providers::{Family, Pricing, Size};
use crate::secret::Secret;

pub use derive::{
    data_dir, default_download_dir, derive_resource_base, derive_supabase_base, log_dir,
};
pub use file::default_config_path;
pub use plain_http::{PlainHttp, plain_http_warnings};
pub use ui::{Images, Notify, UiConfig};
pub use video_services::{FalConfig, RunwayConfig};

use derive::parse_http_url;

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

    /// The same setting, its value converted (seconds to a `Duration`, MiB to bytes).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Setting<U> {
        Setting::new(f(self.value), self.source)
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
    /// `[ui]`: what the dashboard does when a job ends out of sight.
    pub ui: UiConfig,
    /// Where the journal (and its lock) live: `SORA_TUI_DATA_DIR`, else the platform data
    /// directory. `--demo` uses a directory of its own, so simulated jobs never mix with real ones.
    pub data_dir: Setting<PathBuf>,
    /// `[ui] open_command`: what opens a video from the dashboard (`mpv`, `vlc --fullscreen`),
    /// the path appended; None: the system's (`xdg-open`, `open` on macOS).
    pub open_command: Option<String>,
    /// `[keys]` of the config file, as written: `("jobs.upload", ["u", "U"])`, in name order.
    /// The dashboard checks them before it starts.
    pub keys: Vec<(String, Vec<String>)>,
    /// `[ui] theme`, as written: a built-in theme's name or a theme file. The dashboard reads it.
    pub ui_theme: Option<Setting<String>>,
    /// `[ui] mouse` (`--no-mouse` turns it off): the dashboard takes clicks and the wheel.
    pub ui_mouse: bool,
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

/// Flags that override the file and the environment.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub download_dir: Option<PathBuf>,
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
            Some(p) => (file::read_file(p)?, Some(p.to_path_buf())),
            None => match default_config_path() {
                Some(p) if p.exists() => (file::read_file(&p)?, Some(p)),
                _ => (file::FileConfig::default(), None),
            },
        };
        let layers = layers::Layers::new(path.clone(), env);
        let mut config = Config {
            provider: resolve::provider(&layers, file.provider.clone())?,
            azure: resolve::azure(&layers, &file.azure)?,
            openai: resolve::openai(&layers, &file.openai)?,
            pricing: resolve::pricing(&layers, &file.pricing)?,
            supabase: resolve::supabase(&layers, &file.supabase)?,
            download: resolve::download(&layers, &file.download, overrides)?,
            defaults: resolve::defaults(&layers, &file.defaults)?,
            http: file.http.resolve(layers.file_source())?,
            runway: video_services::runway(&file.runway, env, &|| layers.file_source())?,
            fal: video_services::fal(&file.fal, env, &|| layers.file_source())?,
            ui: ui::resolve(&layers, &file.ui)?,
            data_dir: data_dir(env),
            open_command: file
                .ui
                .open_command
                .clone()
                .filter(|c| !c.trim().is_empty()),
            ui_mouse: file.ui.mouse.unwrap_or(true),
            ui_theme: file
                .ui
                .theme
                .clone()
                .map(|t| Setting::new(t, layers.file_source())),
            keys: file
                .keys
                .into_iter()
                .map(|(name, keys)| (name, keys.into_list()))
                .collect(),
            file: path,
        };
        config.provider = config.pick_default_provider();
        Ok(config)
    }

    /// With no provider named, Azure Sora stays the default while an Azure endpoint is set;
    /// without one, a Runway or fal key picks that service: Sora is retired, they are alive.
    fn pick_default_provider(&self) -> Setting<Family> {
        if self.provider.source != Source::Default || self.azure.endpoint.is_some() {
            return self.provider.clone();
        }
        if let Some(key) = &self.runway.api_key {
            return Setting::new(Family::Runway, key.source.clone());
        }
        if let Some(key) = &self.fal.key {
            return Setting::new(Family::Fal, key.source.clone());
        }
        self.provider.clone()
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
        std::fs::write(&big, "#".repeat(file::MAX_CONFIG_BYTES as usize + 1)).expect("write");
        let err = Config::load(Some(&big), &env_of(&[]), &Overrides::default())
            .expect_err("too large")
            .to_string();
        assert!(err.contains("larger than 1 MiB"), "{err}");
    }

    #[test]
    fn numbers_out_of_range_name_the_key_the_file_and_an_example() {
        for (section, key, bad, example) in [
            ("download", "poll_interval_secs", "0.01", "5"),
            ("download", "stall_timeout_secs", "0", "30"),
            ("download", "max_concurrent", "33", "3"),
            ("supabase", "resumable_threshold_mib", "501", "6"),
            ("supabase", "resumable_threshold_mib", "nan", "6"),
        ] {
            let (_d, path) = write_config(&format!("[{section}]\n{key} = {bad}\n"));
            let err = Config::load(Some(&path), &env_of(&[]), &Overrides::default())
                .expect_err("out of range")
                .to_string();
            assert!(err.contains(&format!("{section}.{key}")), "{err}");
            assert!(err.contains(&path.display().to_string()), "{err}");
            assert!(err.contains(&format!("looks like: {example}")), "{err}");
        }
        let (_d, path) = write_config(
            "[download]\npoll_interval_secs = 0.5\nstall_timeout_secs = 3600\nmax_concurrent = 1\n[supabase]\nresumable_threshold_mib = 0.5\n",
        );
        let cfg = Config::load(Some(&path), &env_of(&[]), &Overrides::default()).expect("loads");
        assert_eq!(cfg.download.poll_interval.value, Duration::from_millis(500));
        assert_eq!(cfg.download.stall_timeout.value, Duration::from_secs(3600));
        assert_eq!(cfg.download.max_concurrent.value, 1);
        assert_eq!(cfg.supabase.resumable_threshold.value, 512 * 1024);
        assert_eq!(cfg.supabase.resumable_threshold.source, Source::File(path));
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
        assert_eq!(cfg.ui.notify.value, Notify::Off);
    }

    #[test]
    fn a_live_services_key_picks_it_when_no_provider_is_named() {
        let load = |pairs: &[(&str, &str)]| {
            Config::load(None, &env_of(pairs), &Overrides::default())
                .expect("loads")
                .provider
                .value
        };
        assert_eq!(load(&[]), Family::AzureSora);
        assert_eq!(load(&[("RUNWAYML_API_SECRET", "key_1")]), Family::Runway);
        assert_eq!(load(&[("FAL_KEY", "k")]), Family::Fal);
        assert_eq!(
            load(&[
                ("FAL_KEY", "k"),
                ("AZURE_OPENAI_ENDPOINT", "https://r.openai.azure.com")
            ]),
            Family::AzureSora,
            "an Azure endpoint keeps Sora"
        );
        assert_eq!(
            load(&[("FAL_KEY", "k"), ("SORA_TUI_PROVIDER", "openai")]),
            Family::OpenAi,
            "a named provider wins"
        );
    }

    #[test]
    fn a_key_pasted_as_the_provider_is_not_echoed() {
        let key = "sk-proj-0123456789abcdefghijklmnop";
        let err = Config::load(
            None,
            &env_of(&[("SORA_TUI_PROVIDER", key)]),
            &Overrides::default(),
        )
        .expect_err("not a provider")
        .to_string();
        assert!(!err.contains("0123456789"), "{err}");
        assert!(err.contains("runway"), "{err}");
    }
}
