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
    #[serde(default)]
    pub(super) http: crate::http::HttpFile,
    #[serde(default)]
    pub(super) runway: super::video_services::FileRunway,
    #[serde(default)]
    pub(super) fal: super::video_services::FileFal,
    /// `[keys]`: the dashboard's bindings, `"scope.action" = "key"` or a list of keys. Read as
    /// text here; the dashboard checks the names and the keys (this crate knows no UI).
    #[serde(default)]
    pub(super) keys: std::collections::BTreeMap<String, FileKeys>,
    #[serde(default)]
    pub(super) ui: FileUi,
}

/// `[ui]`: how the dashboard looks and behaves.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileUi {
    /// `dark`, `light`, `no-color`, or a theme file (relative to the config file's directory).
    pub(super) theme: Option<String>,
    /// `off`, `bell`, `osc9` or `both`: what happens when a job ends out of sight.
    pub(super) notify: Option<String>,
    /// Take clicks and the wheel (default true); false leaves the mouse to the terminal.
    pub(super) mouse: Option<bool>,
    /// `auto`, `halfblocks`, `kitty`, `sixel`, `iterm2` or `off`: how thumbnails are drawn.
    pub(super) images: Option<String>,
    /// What opens a video from the dashboard (`mpv`, `vlc --fullscreen`), the path appended.
    pub(super) open_command: Option<String>,
}

/// One key or several for a `[keys]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum FileKeys {
    One(String),
    Many(Vec<String>),
}

impl FileKeys {
    pub(super) fn into_list(self) -> Vec<String> {
        match self {
            FileKeys::One(key) => vec![key],
            FileKeys::Many(keys) => keys,
        }
    }
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

/// Far above any real config file; `/dev/zero` or a log given by mistake cannot fill memory.
pub(super) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Read and parse the file. An error names the line and the key (`line 4: `defaults.seconds`:
/// invalid type: a string, expected u32`) but never echoes the file's text: it holds keys.
pub(super) fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
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

/// serde quotes a wrong value (`invalid type: string "sk-…", expected u32`, `unknown variant
/// `sk-…``): say only what kind of value it was. Every quoted literal goes, escapes included (a
/// `\"` inside the value does not end it), so no part of a key is printed.
fn without_strings(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // Up to the closing quote that is not escaped.
                while let Some(inner) = chars.next() {
                    match inner {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                out.push_str("(the value given)");
            }
            '`' if out.ends_with("unknown variant ") => {
                for inner in chars.by_ref() {
                    if inner == '`' {
                        break;
                    }
                }
                out.push_str("(the value given)");
            }
            c => out.push(c),
        }
    }
    out.replace("string (the value given)", "a string")
}

#[cfg(test)]
mod strip_tests {
    use super::without_strings;

    #[test]
    fn no_part_of_a_quoted_value_survives_even_with_escaped_quotes() {
        let m = r#"invalid type: string "sk-live\", expected the-secret-tail", expected u32"#;
        let shown = without_strings(m);
        assert!(
            !shown.contains("sk-live") && !shown.contains("secret-tail"),
            "{shown}"
        );
        assert!(shown.ends_with("expected u32"), "{shown}");
        let m = "unknown variant `sk-secret-123`, expected `api-key` or `az-cli`";
        let shown = without_strings(m);
        assert!(!shown.contains("sk-secret"), "{shown}");
        assert!(shown.contains("expected `api-key`"), "{shown}");
    }
}
