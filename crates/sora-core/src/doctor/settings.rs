//! The settings table of the report: each value in force, where it came from, secrets masked.

use super::report::SettingLine;
use crate::config::{Config, Setting};
use crate::providers::Family;

/// The settings in force. URLs are shown masked (`https://user:***@host`): a base URL may
/// carry a gateway's password.
pub(super) fn settings(config: &Config, deployment: &str) -> Vec<SettingLine> {
    use crate::http::redact_url;
    fn line<T>(key: &str, s: &Setting<T>, show: impl Fn(&T) -> String) -> SettingLine {
        SettingLine {
            key: key.into(),
            value: show(&s.value),
            source: s.source.to_string(),
        }
    }
    fn missing(key: &str) -> SettingLine {
        SettingLine {
            key: key.into(),
            value: "(not set)".into(),
            source: "-".into(),
        }
    }
    let mut out = vec![line("provider", &config.provider, |f| {
        f.label().to_string()
    })];
    match config.provider.value {
        Family::Runway | Family::Fal => {}
        Family::OpenAi => {
            out.push(line("openai.base_url", &config.openai.base_url, redact_url));
            out.push(line("openai.model", &config.openai.model, String::clone));
            out.push(config.openai.api_key.as_ref().map_or_else(
                || missing("openai.api_key"),
                |k| line("openai.api_key", k, |s| s.masked_hint()),
            ));
        }
        _ => {
            out.push(config.azure.endpoint.as_ref().map_or_else(
                || missing("azure.endpoint"),
                |e| line("azure.endpoint", e, redact_url),
            ));
            out.push(SettingLine {
                key: "azure.deployment".into(),
                value: deployment.to_string(),
                source: config
                    .azure
                    .deployment
                    .as_ref()
                    .map_or("built-in default".into(), |d| d.source.to_string()),
            });
            out.push(line("azure.auth", &config.azure.auth, |a| format!("{a:?}")));
            out.push(config.azure.api_key.as_ref().map_or_else(
                || missing("azure.api_key"),
                |k| line("azure.api_key", k, |s| s.masked_hint()),
            ));
            if let Some(t) = &config.azure.ad_token {
                out.push(line("AZURE_OPENAI_AD_TOKEN", t, |s| s.masked_hint()));
            }
        }
    }
    // The live services, when in use or keyed.
    if config.provider.value == Family::Runway || config.runway.api_key.is_some() {
        out.push(line("runway.base_url", &config.runway.base_url, redact_url));
        out.push(config.runway.api_key.as_ref().map_or_else(
            || missing("runway.api_key"),
            |k| line("runway.api_key", k, |s| s.masked_hint()),
        ));
        out.push(line(
            "runway.version",
            &config.runway.version,
            String::clone,
        ));
        out.push(line("runway.model", &config.runway.model, String::clone));
    }
    if config.provider.value == Family::Fal || config.fal.key.is_some() {
        out.push(line("fal.queue_url", &config.fal.queue_url, redact_url));
        out.push(config.fal.key.as_ref().map_or_else(
            || missing("fal.key"),
            |k| line("fal.key", k, |s| s.masked_hint()),
        ));
        out.push(line("fal.model", &config.fal.model, String::clone));
    }
    out.push(config.supabase.url.as_ref().map_or_else(
        || missing("supabase.url"),
        |u| line("supabase.url", u, redact_url),
    ));
    out.push(config.supabase.service_role_key.as_ref().map_or_else(
        || missing("supabase.service_role_key"),
        |k| line("supabase.service_role_key", k, |s| s.masked_hint()),
    ));
    out.push(line(
        "supabase.input_bucket",
        &config.supabase.input_bucket,
        String::clone,
    ));
    out.push(line(
        "supabase.output_bucket",
        &config.supabase.output_bucket,
        String::clone,
    ));
    out.push(line("download.dir", &config.download.dir, |d| {
        d.display().to_string()
    }));
    out.push(line(
        "download.stall_timeout_secs",
        &config.download.stall_timeout,
        |d| format!("{} s (content downloads)", d.as_secs()),
    ));
    out.push(line("http", &config.http, |p| {
        format!(
            "connect {} s, first byte {} s, stall {} s, at least {} B/s over {} s, JSON {} s, {} redirects",
            p.connect_timeout.as_secs(),
            p.first_byte_timeout.as_secs(),
            p.stall_timeout.as_secs(),
            p.min_rate,
            p.rate_window.as_secs(),
            p.json_deadline.as_secs(),
            p.max_redirects
        )
    }));
    out
}
