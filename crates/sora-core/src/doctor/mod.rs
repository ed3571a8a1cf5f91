//! `sora-tui doctor` and the doctor panel: which settings are in force and from where (secrets
//! masked), and a check of each thing that has to work — endpoint form, DNS/TLS/reachability,
//! auth, deployment and API family, listing jobs, the buckets, clock skew — each with a mark
//! and, for a problem, what to do about it.

mod clock;
mod live_services;
pub mod report;
mod service;
mod settings;
mod storage;

use std::time::{Duration, SystemTime};

use crate::config::{Config, ConfigError};
use crate::http::Http;
use crate::providers::{Family, Provider};
use crate::storage::StorageClient;

pub use clock::clock_skew;
pub use report::{Check, Mark, Report, SettingLine};
pub use service::content_trap;

/// What the doctor examines: a configuration, the client to probe with, and what the
/// composition root built from that configuration (or why it could not). `setup::run_doctor`
/// fills it in, so the doctor itself never builds a service.
pub struct Subject<'a> {
    pub config: &'a Config,
    pub http: &'a Http,
    pub provider: Result<Provider, ConfigError>,
    pub storage: Result<StorageClient, ConfigError>,
    /// The deployment in force (Azure): configured, or the family's usual one.
    pub deployment: String,
    /// Runway and fal, each when it is the configured provider or has a key.
    pub live: Vec<(Family, Result<Provider, ConfigError>)>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also upload and delete a tiny probe object in the output bucket.
    pub probe: bool,
}

/// The longest any one network step of a check may take.
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(subject: Subject<'_>, options: Options) -> Report {
    let config = subject.config;
    let mut report = Report {
        settings: settings::settings(config, &subject.deployment),
        checks: Vec::new(),
    };
    let checks = &mut report.checks;
    checks.push(match &config.file {
        Some(p) => Check::pass("config file", p.display().to_string()),
        None => Check::pass("config file", "none (defaults and environment)"),
    });
    checks.extend(plain_http_checks(config));
    let mut service_date = None;
    if !config.provider.value.uses_catalogue() {
        service_date = video_service(&subject, checks).await;
        if let Some(retired) = config.provider.value.retirement() {
            checks.push(Check::warn(
                "service lifecycle",
                retired.notice(),
                "use a live service: --provider runway (RUNWAYML_API_SECRET) or --provider fal (FAL_KEY)",
            ));
        }
    }
    for (family, provider) in &subject.live {
        let date = live_services::checks(*family, provider, &subject, checks).await;
        service_date = service_date.or(date);
    }
    let storage_date = storage(&subject, options, checks).await;
    let server_date = service_date.or(storage_date);
    checks.push(clock::check(server_date.as_deref(), SystemTime::now()));
    report
}

/// A warning for each endpoint in use that is plain http:// to another machine.
fn plain_http_checks(config: &Config) -> Vec<Check> {
    crate::config::plain_http_warnings(config)
        .into_iter()
        .map(|plain| Check::warn("plain http", plain.detail, crate::config::PlainHttp::FIX))
        .collect()
}

/// The video service's checks; returns its `Date` header, if it answered.
async fn video_service(subject: &Subject<'_>, checks: &mut Vec<Check>) -> Option<String> {
    let (config, http) = (subject.config, subject.http);
    let family = config.provider.value;
    let endpoint = match family {
        Family::OpenAi => Some(config.openai.base_url.value.clone()),
        _ => config.azure.endpoint.as_ref().map(|e| e.value.clone()),
    };
    if family != Family::OpenAi {
        checks.push(service::endpoint_form(config));
    }
    let Some(url) = &endpoint else {
        checks.push(Check::fail(
            "video service",
            "no endpoint is configured",
            "Sora is retired: set RUNWAYML_API_SECRET (Runway) or FAL_KEY (fal.ai); AZURE_OPENAI_ENDPOINT only for a Sora deployment that still answers; or try `sora-tui --demo`",
        ));
        return None;
    };
    let (check, date) = service::reachability("video service reachable", url, http).await;
    let reachable = check.mark == Mark::Pass;
    checks.push(check);
    match &subject.provider {
        Err(e) => checks.push(Check::fail(
            "credentials",
            e.to_string(),
            "set the key named above",
        )),
        Ok(_) if !reachable => checks.push(Check::skip(
            "auth and listing jobs",
            "the endpoint is not reachable",
        )),
        Ok(provider) => {
            let listed = service::list_jobs(provider, subject).await;
            let auth_ok = listed.mark == Mark::Pass;
            checks.push(listed);
            if auth_ok {
                checks.push(service::deployment(provider, subject).await);
            }
        }
    }
    date
}

/// Supabase Storage's checks; returns its `Date` header, if it answered.
async fn storage(
    subject: &Subject<'_>,
    options: Options,
    checks: &mut Vec<Check>,
) -> Option<String> {
    let (config, http) = (subject.config, subject.http);
    let storage = match &subject.storage {
        Ok(storage) => storage,
        Err(e) => {
            checks.push(Check::warn(
                "storage",
                format!("not configured ({e})"),
                "set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY to store videos in Supabase",
            ));
            return None;
        }
    };
    // An anon key lists no bucket: said first, before an empty answer can mislead.
    if let Err(e) = storage.check_key() {
        checks.push(Check::fail(
            "storage key",
            e.to_string(),
            "set SUPABASE_SERVICE_ROLE_KEY to the service_role (or sb_secret_…) key: Project Settings → API keys",
        ));
        return None;
    }
    let url = config.supabase.url.as_ref()?;
    let (check, date) = service::reachability("storage reachable", &url.value, http).await;
    let reachable = check.mark == Mark::Pass;
    checks.push(check);
    if reachable {
        let ok = storage::buckets(storage, config, checks).await;
        if options.probe && ok {
            checks.push(storage::probe(storage, &config.supabase.output_bucket.value).await);
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_to_another_machine_is_a_warning_and_urls_are_masked() {
        let env = |k: &str| match k {
            "SORA_TUI_PROVIDER" => Some("openai".to_string()),
            "OPENAI_BASE_URL" => Some("http://gw-user:gw-pass-9f3a@gw.example.com/v1".to_string()),
            _ => None,
        };
        let config = Config::load(None, &env, &Default::default()).expect("config");
        let checks = plain_http_checks(&config);
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert_eq!(checks[0].mark, Mark::Warn);
        assert!(checks[0].detail.contains("openai.base_url"), "{checks:?}");
        assert!(
            checks[0]
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("https://")),
            "{checks:?}"
        );
        let shown = settings::settings(&config, &crate::setup::deployment(&config));
        let base = shown
            .iter()
            .find(|s| s.key == "openai.base_url")
            .expect("base url line");
        assert_eq!(base.value, "http://gw-user:***@gw.example.com/v1");
        let report = Report {
            settings: shown,
            checks,
        };
        assert!(!report.to_text().contains("gw-pass-9f3a"));
    }
}
