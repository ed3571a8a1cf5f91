//! What the dashboard needs to know from the configuration. Plain data: the engine's own
//! validation stays authoritative (a request it rejects comes back as `JobFailed`).

use sora_core::providers::{Family, ModelChoice, ModelProfile, Pricing, Provider, Size};

/// What a video service runs: a Sora model (size, seconds, variants) or a catalogue model of
/// Runway or fal.ai (its own parameters).
#[derive(Debug, Clone)]
pub enum ServiceModels {
    Sora(ModelProfile),
    Catalogue(ModelChoice),
}

/// One configured video service the dashboard can switch to, as plain data: the dashboard
/// never holds a client, it names the service in the `Via` of a job.
#[derive(Debug, Clone)]
pub struct ServiceChoice {
    pub family: Family,
    /// Service and host (or deployment), without the catalogue model: `Runway · api.dev.runwayml.com`.
    pub description: String,
    pub models: ServiceModels,
    /// The Sora family's shutdown, one line; None for a live service.
    pub retirement: Option<String>,
}

impl ServiceChoice {
    pub fn from_provider(provider: &Provider) -> Self {
        let (description, models) = match provider {
            Provider::Runway(client, model) => {
                (client.describe(), ServiceModels::Catalogue(model.clone()))
            }
            Provider::Fal(client, model) => {
                (client.describe(), ServiceModels::Catalogue(model.clone()))
            }
            other => (
                other.describe(),
                ServiceModels::Sora(
                    other
                        .sora_profile()
                        .cloned()
                        .unwrap_or_else(|| ModelProfile::azure_sora(&Pricing::default())),
                ),
            ),
        };
        Self {
            family: provider.family(),
            description,
            models,
            retirement: provider.family().retirement().map(|r| r.notice()),
        }
    }

    /// The catalogue model it starts with; None for Sora.
    pub fn model_choice(&self) -> Option<&ModelChoice> {
        match &self.models {
            ServiceModels::Catalogue(m) => Some(m),
            ServiceModels::Sora(_) => None,
        }
    }
}

impl PartialEq for ServiceChoice {
    fn eq(&self, other: &Self) -> bool {
        let same_models = match (&self.models, &other.models) {
            (ServiceModels::Sora(a), ServiceModels::Sora(b)) => a == b,
            (ServiceModels::Catalogue(a), ServiceModels::Catalogue(b)) => {
                a.service() == b.service() && a.model() == b.model()
            }
            _ => false,
        };
        self.family == other.family
            && self.description == other.description
            && self.retirement == other.retirement
            && same_models
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppSettings {
    /// Service and deployment, for the header (e.g. `Azure Sora · sora · my-resource...`).
    pub provider_description: String,
    /// Running against the built-in simulator: the header shows a badge.
    pub demo: bool,
    /// What the demo's simulator does on purpose (its content lag), shown beside the badge.
    pub demo_note: Option<String>,
    /// Parameters a new prompt starts with.
    pub default_size: Size,
    pub default_seconds: u32,
    pub default_variants: u32,
    /// What the model accepts and costs: the size, length and variant keys step through its
    /// values, and the prompt panel shows its cost estimate.
    pub profile: ModelProfile,
    /// Bucket shown first in the buckets panel (and where the engine uploads).
    pub output_bucket: String,
    /// Bucket for the input images of image-to-video; checked on start with the output bucket.
    pub input_bucket: String,
    /// Objects are shared by public URL: warn when a configured bucket is private.
    pub public_urls: bool,
    /// The Supabase project URL (`SUPABASE_URL`), to show public URLs without a request; None
    /// without Supabase.
    pub supabase_url: Option<url::Url>,
    /// Where the bucket browser's downloads go.
    pub download_dir: std::path::PathBuf,
    /// Ask the engine to upload each finished video.
    pub auto_upload: bool,
    /// The provider can make a new video from a finished one (v1 API).
    pub supports_remix: bool,
    /// In the demo: prompt tags that make the simulator inject a fault, with what each does.
    pub fault_tags: Vec<(String, String)>,
    /// Every configured video service, the default first; the prompt's service key switches
    /// between them. Empty: only the default described above (its jobs carry no `Via`).
    pub services: Vec<ServiceChoice>,
    /// Set when no video service at all is configured: why, for the first screen.
    pub no_service: Option<String>,
    /// Journaled jobs an earlier run left unfinished: (journal id, prompt). Resumed on start.
    pub resume: Vec<(String, String)>,
    /// What opens a video (`[ui] open_command`): a program, and arguments, the path appended.
    /// None: the system's (`xdg-open`, `open` on macOS).
    pub open_command: Option<String>,
    /// Where the journal and the logs live (`SORA_TUI_DATA_DIR`); a saved message log goes to
    /// its `logs` folder.
    pub data_dir: std::path::PathBuf,
    /// The program's own log file, when it writes one: shown at the top of the message log.
    pub log_file: Option<std::path::PathBuf>,
    /// `[ui] notify`: the bell and/or a desktop notification when a job ends out of sight.
    pub notify: sora_core::config::Notify,
    /// The keys: the defaults with the config file's `[keys]` applied.
    pub keymap: super::keymap::KeyMap,
    /// Take clicks and the wheel (`[ui] mouse`, `--no-mouse`).
    pub mouse: bool,
    /// `[ui] images` (`--images`): "off" decodes and draws no thumbnail.
    pub images: sora_core::config::Images,
    /// What the runtime draws thumbnails with and why ("kitty graphics (the terminal
    /// answered)"), for the message log; None until the terminal was asked.
    pub thumbnails: Option<String>,
    /// The prompts of the journal's jobs, oldest first: the prompt's history.
    pub prompt_history: Vec<String>,
}

impl AppSettings {
    /// Azure OpenAI Sora (preview jobs API) limits: a sensible start for tests and the demo.
    pub fn azure_sora_defaults(provider_description: impl Into<String>) -> Self {
        Self {
            provider_description: provider_description.into(),
            demo: false,
            demo_note: None,
            default_size: Size::new(480, 480),
            default_seconds: 5,
            default_variants: 1,
            profile: ModelProfile::azure_sora(&Pricing::default()),
            output_bucket: "videos".to_string(),
            input_bucket: "input-images".to_string(),
            public_urls: true,
            supabase_url: None,
            download_dir: std::path::PathBuf::from("downloads"),
            auto_upload: false,
            supports_remix: false,
            fault_tags: Vec::new(),
            services: Vec::new(),
            no_service: None,
            resume: Vec::new(),
            open_command: None,
            data_dir: std::path::PathBuf::from("."),
            log_file: None,
            notify: sora_core::config::Notify::Off,
            keymap: super::keymap::KeyMap::default(),
            mouse: true,
            images: sora_core::config::Images::Auto,
            thumbnails: None,
            prompt_history: Vec::new(),
        }
    }

    /// The public URL of an object, laid out as Storage lays it out; None without Supabase.
    pub fn public_url(&self, bucket: &str, object_path: &str) -> Option<String> {
        let project = self.supabase_url.as_ref()?;
        Some(sora_core::storage::path::public_url(
            project,
            bucket,
            object_path,
        ))
    }

    pub fn allowed_sizes(&self) -> Vec<Size> {
        self.profile.sizes.iter().map(|o| o.size).collect()
    }

    /// Most variants at `size` (1 when the model does not offer the size).
    pub fn max_variants_at(&self, size: Size) -> u32 {
        self.profile.size_option(size).map_or(1, |o| o.max_variants)
    }
}
