//! Endpoints in use that send keys, prompts and videos unencrypted: plain `http://` to another
//! machine. Loopback (the simulator, a local gateway) is fine. The doctor shows them as
//! warnings; the front ends print them before they start.

use super::Config;
use crate::providers::Family;

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
