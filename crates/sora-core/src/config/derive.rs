//! Values derived from what the user gave: the resource base of any pasted Azure URL, the
//! Supabase project URL, checked bucket names and families, and the default directories.

use std::path::{Path, PathBuf};

use url::Url;

use super::{ConfigError, Setting, Source};
use crate::providers::Family;

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
pub(super) fn parse_http_url(input: &str) -> Result<Url, String> {
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

/// Where logs go: the state directory, where XDG puts them (`~/.local/state/sora-tui/logs`;
/// the data directory on systems without one). A `SORA_TUI_DATA_DIR` keeps everything of a run
/// together: `<it>/logs`.
pub fn log_dir(env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    let data = data_dir(env);
    let dir = match data.source {
        Source::Env(_) => data.value,
        _ => directories::ProjectDirs::from("", "", "sora-tui")
            .and_then(|d| d.state_dir().map(std::path::Path::to_path_buf))
            .unwrap_or(data.value),
    };
    dir.join("logs")
}

pub(super) fn parse_family(v: &str, source: Source) -> Result<Family, ConfigError> {
    Family::parse(v).ok_or_else(|| ConfigError::Invalid {
        key: "provider",
        from: source,
        // Echoed only when it looks like a name: a key pasted here by mistake is not printed.
        problem: if v.trim().len() <= 24
            && v.trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            format!("`{}` is not a provider this build speaks", v.trim())
        } else {
            "the value given is not a provider this build speaks".to_string()
        },
        example: "\"runway\", \"fal\", \"azure-sora\", \"azure-sora2\" or \"openai\"",
    })
}

/// Bucket names: 1–100 characters of `A-Za-z0-9_!.*'() &$=@;:+,?-` (storage server limits).
pub(super) fn check_bucket_name(b: &Setting<String>) -> Result<(), ConfigError> {
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
