//! `sora-tui doctor` and the doctor panel: which settings are in force and from where (secrets
//! masked), and a check of each thing that has to work — endpoint form, DNS/TLS/reachability,
//! auth, deployment and API family, listing jobs, the buckets, clock skew — each with a mark
//! and, for a problem, what to do about it.

use std::time::{Duration, SystemTime};

use crate::config::{Config, Setting};
use crate::http::Http;
use crate::providers::{Family, Provider, ProviderError};
use crate::storage::{StorageClient, StorageError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Pass,
    Warn,
    Fail,
    /// Not checked, because something it needs failed or is not configured.
    Skip,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Pass => "✓",
            Mark::Warn => "!",
            Mark::Fail => "✗",
            Mark::Skip => "-",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub mark: Mark,
    pub detail: String,
    pub fix: Option<String>,
}

impl Check {
    fn new(name: &str, mark: Mark, detail: impl Into<String>, fix: Option<String>) -> Self {
        Self {
            name: name.into(),
            mark,
            detail: detail.into(),
            fix,
        }
    }
    fn pass(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Mark::Pass, detail, None)
    }
    fn fail(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Mark::Fail, detail, Some(fix.into()))
    }
    fn warn(name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Self {
        Self::new(name, Mark::Warn, detail, Some(fix.into()))
    }
    fn skip(name: &str, detail: impl Into<String>) -> Self {
        Self::new(name, Mark::Skip, detail, None)
    }
}

/// One setting as the doctor shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SettingLine {
    pub key: String,
    pub value: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Report {
    pub settings: Vec<SettingLine>,
    pub checks: Vec<Check>,
}

impl Report {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.mark == Mark::Fail)
    }

    /// The report as a table for the terminal. Details quote servers and files: their
    /// control characters are shown, never sent to the terminal.
    pub fn to_text(&self) -> String {
        use crate::text::one_line as c;
        let mut out = String::from("Settings\n");
        let w = self.settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        for s in &self.settings {
            out.push_str(&format!(
                "  {:<w$}  {}   ({})\n",
                s.key,
                c(&s.value),
                c(&s.source)
            ));
        }
        out.push_str("\nChecks\n");
        let w = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for check in &self.checks {
            out.push_str(&format!(
                "  {} {:<w$}  {}\n",
                check.mark.symbol(),
                check.name,
                c(&check.detail)
            ));
            if let Some(fix) = &check.fix {
                out.push_str(&format!("    {:<w$}  fix: {}\n", "", c(fix)));
            }
        }
        let failed = self.checks.iter().filter(|c| c.mark == Mark::Fail).count();
        let warned = self.checks.iter().filter(|c| c.mark == Mark::Warn).count();
        out.push_str(&match (failed, warned) {
            (0, 0) => "\nAll checks passed.\n".to_string(),
            (0, w) => format!("\nNo failures; {w} warning(s).\n"),
            (f, w) => format!("\n{f} check(s) failed, {w} warning(s).\n"),
        });
        out
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also upload and delete a tiny probe object in the output bucket.
    pub probe: bool,
}

/// Clock skew beyond this breaks token expiry and signed URLs.
const MAX_SKEW: Duration = Duration::from_secs(5 * 60);
const STEP_TIMEOUT: Duration = Duration::from_secs(15);

pub async fn run(config: &Config, http: &Http, options: Options) -> Report {
    let mut report = Report {
        settings: settings(config),
        checks: Vec::new(),
    };
    let checks = &mut report.checks;
    checks.push(match &config.file {
        Some(p) => Check::pass("config file", p.display().to_string()),
        None => Check::pass("config file", "none (defaults and environment)"),
    });
    checks.extend(plain_http_checks(config));

    // The video service.
    let family = config.provider.value;
    let endpoint = match family {
        Family::OpenAi => Some(config.openai.base_url.value.clone()),
        _ => config.azure.endpoint.as_ref().map(|e| e.value.clone()),
    };
    if family != Family::OpenAi {
        checks.push(endpoint_form(config));
    }
    let mut server_date = None;
    match &endpoint {
        Some(url) => {
            let (check, date) = reachability("video service reachable", url, http).await;
            server_date = date;
            let reachable = check.mark == Mark::Pass;
            checks.push(check);
            match crate::setup::provider(config, http) {
                Err(e) => checks.push(Check::fail(
                    "credentials",
                    e.to_string(),
                    "set the key named above",
                )),
                Ok(_) if !reachable => checks.push(Check::skip("auth and listing jobs", "the endpoint is not reachable")),
                Ok(provider) => {
                    let listed = list_jobs(&provider, config).await;
                    let auth_ok = listed.mark == Mark::Pass;
                    checks.push(listed);
                    if auth_ok {
                        checks.push(deployment(&provider, config).await);
                    }
                }
            }
        }
        None => checks.push(Check::fail(
            "video service",
            "no endpoint is configured",
            "set AZURE_OPENAI_ENDPOINT (or provider = \"openai\" with OPENAI_API_KEY), or try `sora-tui --demo`",
        )),
    }

    // Storage.
    match crate::setup::storage(config, http) {
        Err(e) => checks.push(Check::warn(
            "storage",
            format!("not configured ({e})"),
            "set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY to store videos in Supabase",
        )),
        // An anon key lists no bucket: said first, before an empty answer can mislead.
        Ok(storage) if storage.check_key().is_err() => checks.push(Check::fail(
            "storage key",
            storage.check_key().err().map(|e| e.to_string()).unwrap_or_default(),
            "set SUPABASE_SERVICE_ROLE_KEY to the service_role (or sb_secret_…) key: Project Settings → API keys",
        )),
        Ok(storage) => {
            let url = config.supabase.url.as_ref().map(|u| u.value.clone());
            let reachable = match &url {
                Some(url) => {
                    let (check, date) = reachability("storage reachable", url, http).await;
                    server_date = server_date.or(date);
                    let ok = check.mark == Mark::Pass;
                    checks.push(check);
                    ok
                }
                None => false,
            };
            if reachable {
                let ok = buckets(&storage, config, checks).await;
                if options.probe && ok {
                    checks.push(probe(&storage, &config.supabase.output_bucket.value).await);
                }
            }
        }
    }
    checks.push(
        match server_date
            .as_deref()
            .map(|d| clock_skew(d, SystemTime::now()))
        {
            Some(Some(skew)) if skew.abs() > MAX_SKEW.as_secs_f64() => Check::fail(
                "clock",
                format!(
                    "this machine's clock is {} from the server's",
                    describe_skew(skew)
                ),
                "set the time right (enable NTP): tokens and signed URLs depend on it",
            ),
            Some(Some(skew)) => Check::pass(
                "clock",
                format!("within {:.0} s of the server", skew.abs().ceil()),
            ),
            _ => Check::skip("clock", "no server answered with a Date header"),
        },
    );
    report
}

/// The settings in force. URLs are shown masked (`https://user:***@host`): a base URL may
/// carry a gateway's password.
fn settings(config: &Config) -> Vec<SettingLine> {
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
                value: crate::setup::deployment(config),
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
    out
}

/// A warning for each endpoint in use that is plain http:// to another machine.
fn plain_http_checks(config: &Config) -> Vec<Check> {
    crate::setup::plain_http_warnings(config)
        .into_iter()
        .map(|plain| Check::warn("plain http", plain.detail, crate::setup::PlainHttp::FIX))
        .collect()
}

/// The `/content` trap: a pasted content URL that ends at `/content` is the route that does
/// not exist. The endpoint itself is derived correctly either way; say so.
fn endpoint_form(config: &Config) -> Check {
    let name = "endpoint form";
    let Some(endpoint) = &config.azure.endpoint else {
        return Check::fail(
            name,
            "no endpoint",
            "set AZURE_OPENAI_ENDPOINT to https://<resource>.openai.azure.com",
        );
    };
    let given = config.azure.endpoint_input.as_deref().unwrap_or("");
    match content_trap(given) {
        Some(warning) => Check::warn(
            name,
            format!("resource base {} — {warning}", endpoint.value),
            "sora-tui builds the content URL itself (…/content/video); if your own code used this URL, fix it there",
        ),
        None => Check::pass(
            name,
            format!(
                "resource base {} (from {})",
                endpoint.value, endpoint.source
            ),
        ),
    }
}

/// If `given` is a content URL that stops at `/content`, the warning to show.
pub fn content_trap(given: &str) -> Option<String> {
    let path = given
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    if path.ends_with("/content") {
        return Some("the URL you gave ends at `/content`, which is not a route (404 Resource not found): the video is at `/content/video`, the thumbnail at `/content/thumbnail`".into());
    }
    if path.contains("/task_") && path.contains("/content") {
        return Some("the URL you gave downloads by job id (`task_…`): content is keyed by the generation id (`gen_…`)".into());
    }
    None
}

/// DNS, then TCP/TLS and one HTTP answer. Returns the check and the server's `Date` header.
async fn reachability(name: &str, url: &url::Url, http: &Http) -> (Check, Option<String>) {
    let Some(host) = url.host_str() else {
        return (
            Check::fail(name, format!("{url} has no host"), "fix the URL"),
            None,
        );
    };
    let port = url.port_or_known_default().unwrap_or(443);
    let resolved = tokio::time::timeout(STEP_TIMEOUT, tokio::net::lookup_host((host, port)))
        .await
        .map(|r| r.map(|mut addrs| addrs.next().is_some()));
    match resolved {
        Ok(Ok(true)) => {}
        Ok(Ok(false)) | Ok(Err(_)) => {
            return (
                Check::fail(
                    name,
                    format!("cannot resolve {host} (DNS)"),
                    "check the host name for typos and your network/DNS",
                ),
                None,
            );
        }
        Err(_) => {
            return (
                Check::fail(
                    name,
                    format!("DNS lookup of {host} timed out"),
                    "check your network",
                ),
                None,
            );
        }
    }
    let answer = http.send(http.get(url.clone()), crate::http::Call::Json);
    match tokio::time::timeout(STEP_TIMEOUT, answer).await {
        Ok(Ok(response)) => {
            let date = crate::http::header_text(response.headers(), "date");
            let tls = if url.scheme() == "https" {
                ", TLS ok"
            } else {
                ""
            };
            (
                Check::pass(
                    name,
                    format!(
                        "{} answers (HTTP {}{tls})",
                        crate::http::redact_url(url),
                        response.status().as_u16()
                    ),
                ),
                date,
            )
        }
        Ok(Err(e)) => {
            let text = e.to_string();
            let lower = text.to_ascii_lowercase();
            let fix = if lower.contains("certificate")
                || lower.contains("tls")
                || lower.contains("handshake")
            {
                "TLS failed: a proxy or firewall may intercept HTTPS; check the system's CA certificates"
            } else if lower.contains("refused") {
                "nothing listens there: check the host and port"
            } else {
                "check the URL, your network and any proxy settings"
            };
            (
                Check::fail(
                    name,
                    format!("{}: {text}", crate::http::redact_url(url)),
                    fix,
                ),
                None,
            )
        }
        Err(_) => (
            Check::fail(
                name,
                format!(
                    "{} did not answer in {} s",
                    crate::http::redact_url(url),
                    STEP_TIMEOUT.as_secs()
                ),
                "check your network and any proxy",
            ),
            None,
        ),
    }
}

/// List one job: proves the key, the deployment and the API family in one request.
async fn list_jobs(provider: &Provider, config: &Config) -> Check {
    let name = "auth and listing jobs";
    match provider.list(1, None).await {
        Ok(page) => Check::pass(
            name,
            format!(
                "{} lists jobs ({} on the first page)",
                provider.describe(),
                page.jobs.len()
            ),
        ),
        Err(e) => classify_list_error(provider.family(), &e, config),
    }
}

/// Listing does not name the deployment: an impossible create does, at no cost.
async fn deployment(provider: &Provider, config: &Config) -> Check {
    let name = "deployment";
    let which = match config.provider.value {
        Family::OpenAi => format!("model {}", config.openai.model.value),
        _ => format!("deployment {}", crate::setup::deployment(config)),
    };
    match provider.probe_deployment().await {
        Ok(crate::providers::DeploymentProbe::Exists) => Check::pass(
            name,
            format!("{which} exists (an impossible request was refused for its parameters)"),
        ),
        Ok(crate::providers::DeploymentProbe::AcceptedAndDeleted(id)) => Check::warn(
            name,
            format!("{which} accepted a 0-second 1x1 request ({id}, deleted at once)"),
            "report this: the service does not check parameters as documented",
        ),
        Err(e) => classify_list_error(provider.family(), &e, config),
    }
}

/// What a failed job listing says about the setup: bad key, unknown deployment, wrong family.
pub fn classify_list_error(family: Family, error: &ProviderError, config: &Config) -> Check {
    let name = "auth and listing jobs";
    let ProviderError::Api { error: api, .. } = error else {
        return Check::fail(
            name,
            error.to_string(),
            "check the endpoint and your network",
        );
    };
    let key_hint = match family {
        Family::OpenAi => config
            .openai
            .api_key
            .as_ref()
            .map(|k| format!("OPENAI_API_KEY {} from {}", k.value.masked_hint(), k.source)),
        _ => config
            .azure
            .api_key
            .as_ref()
            .map(|k| format!("the api key {} from {}", k.value.masked_hint(), k.source)),
    }
    .unwrap_or_else(|| "the configured credentials".into());
    match api.status {
        401 | 403 => Check::fail(
            "auth",
            format!("bad key: the service refused {key_hint} (HTTP {}: {})", api.status, api.message),
            "use a key of this resource/account (Azure portal → Keys and Endpoint; platform.openai.com → API keys)",
        ),
        404 | 400 if api.looks_like_missing_deployment() => Check::fail(
            "deployment",
            format!("unknown deployment or model: {}", api.message),
            match family {
                Family::OpenAi => "set openai.model to a model your account has (sora-2, sora-2-pro); Sora models are being retired".to_string(),
                _ => format!("set azure.deployment to a deployment of this resource (now `{}`); a retired deployment will not come back", crate::setup::deployment(config)),
            },
        ),
        404 => Check::fail(
            "API family",
            format!("the endpoint has no {} route (HTTP 404: {})", family.label(), api.message),
            "wrong API family or endpoint: Sora 1 deployments use provider = \"azure-sora\", Sora 2 ones \"azure-sora2\"; check the endpoint is the resource URL",
        ),
        _ => Check::fail(name, error.to_string(), "see the service's message above"),
    }
}

async fn buckets(storage: &StorageClient, config: &Config, checks: &mut Vec<Check>) -> bool {
    let listed = match storage.list_buckets().await {
        Ok(b) => b,
        Err(StorageError::Api(api))
            if api.code.as_deref() == Some("AccessDenied")
                || api.status_code.as_deref() == Some("403")
                || api.http_status == 401 =>
        {
            let hint = config
                .supabase
                .service_role_key
                .as_ref()
                .map(|k| format!("{} from {}", k.value.masked_hint(), k.source))
                .unwrap_or_default();
            checks.push(Check::fail(
                "storage auth",
                format!(
                    "bad key: Supabase refused the service-role key {hint} ({})",
                    api.message
                ),
                "use the project's service-role key (Project Settings → API keys)",
            ));
            return false;
        }
        Err(e) => {
            checks.push(Check::fail(
                "storage auth",
                e.to_string(),
                "check SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY",
            ));
            return false;
        }
    };
    checks.push(Check::pass(
        "storage auth",
        format!("{} bucket(s) listed", listed.len()),
    ));
    let mut ok = true;
    for name in [
        &config.supabase.input_bucket.value,
        &config.supabase.output_bucket.value,
    ] {
        let check_name = format!("bucket {name}");
        match listed.iter().find(|b| &b.id == name || &b.name == name) {
            None => {
                ok = false;
                checks.push(Check::fail(&check_name, "missing", format!("create it as a public bucket (Supabase → Storage → New bucket, or the dashboard's bucket view), or set supabase.{} to an existing one", if name == &config.supabase.input_bucket.value { "input_bucket" } else { "output_bucket" })));
            }
            Some(b) if !b.public => checks.push(Check::warn(
                &check_name,
                "exists but is private: public URLs will not open",
                "make it public if you want shareable URLs (signed URLs work either way)",
            )),
            Some(_) => checks.push(Check::pass(&check_name, "exists, public")),
        }
    }
    ok
}

/// Upload and delete a tiny object: proves write access end to end.
async fn probe(storage: &StorageClient, bucket: &str) -> Check {
    let name = "upload/delete probe";
    let dir = std::env::temp_dir();
    let path = dir.join(format!("sora-tui-doctor-{}.txt", std::process::id()));
    if let Err(e) = std::fs::write(&path, b"sora-tui doctor probe\n") {
        return Check::fail(
            name,
            format!("cannot write a temporary file: {e}"),
            "check the temp directory",
        );
    }
    let object = format!("_sora-tui-doctor/probe-{:08x}.txt", fastrand::u32(..));
    let result = match storage
        .upload_file(bucket, &object, &path, "text/plain", true)
        .await
    {
        Err(e) => Check::fail(
            name,
            format!("upload to {bucket}/{object} failed: {e}"),
            "the key needs write access to the bucket",
        ),
        Ok(_) => match storage.delete_object(bucket, &object).await {
            Ok(()) => Check::pass(name, format!("uploaded and deleted {bucket}/{object}")),
            Err(e) => Check::warn(
                name,
                format!("uploaded {bucket}/{object} but could not delete it: {e}"),
                "delete it by hand",
            ),
        },
    };
    let _ = std::fs::remove_file(&path);
    result
}

/// Seconds this machine is ahead (+) or behind (−) the server's `Date` header.
pub fn clock_skew(date_header: &str, now: SystemTime) -> Option<f64> {
    let server = httpdate::parse_http_date(date_header.trim()).ok()?;
    Some(match now.duration_since(server) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    })
}

fn describe_skew(skew: f64) -> String {
    let secs = skew.abs().round() as u64;
    let amount = if secs >= 3600 {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{}m{:02}s", secs / 60, secs % 60)
    };
    if skew > 0.0 {
        format!("{amount} ahead")
    } else {
        format!("{amount} behind")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_the_content_trap_in_pasted_urls() {
        assert!(content_trap("https://r.openai.azure.com/openai/v1/video/generations/gen_1/content?api-version=preview").is_some());
        assert!(
            content_trap(
                "https://r.openai.azure.com/openai/v1/video/generations/task_1/content/video"
            )
            .is_some()
        );
        assert!(content_trap("https://r.openai.azure.com/openai/v1/video/generations/gen_1/content/video?api-version=preview").is_none());
        assert!(content_trap("https://r.openai.azure.com").is_none());
    }

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
        let shown = settings(&config);
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

    #[test]
    fn measures_clock_skew_both_ways() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let behind = httpdate::fmt_http_date(now + Duration::from_secs(600));
        assert_eq!(clock_skew(&behind, now), Some(-600.0));
        let ahead = httpdate::fmt_http_date(now - Duration::from_secs(7200));
        assert_eq!(clock_skew(&ahead, now), Some(7200.0));
        assert_eq!(describe_skew(7200.0), "2h00m ahead");
        assert_eq!(describe_skew(-600.0), "10m00s behind");
        assert_eq!(clock_skew("yesterday", now), None);
    }
}
