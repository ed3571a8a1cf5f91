//! Checks of the video service and of any endpoint: the endpoint's form, DNS/TLS/reachability,
//! auth and listing jobs, the deployment and the API family.

use super::report::Check;
use super::{STEP_TIMEOUT, Subject};
use crate::config::Config;
use crate::http::Http;
use crate::providers::{Family, Provider, ProviderError};

/// The `/content` trap: a pasted content URL that ends at `/content` is the route that does
/// not exist. The endpoint itself is derived correctly either way; say so.
pub(super) fn endpoint_form(config: &Config) -> Check {
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
pub(super) async fn reachability(
    name: &str,
    url: &url::Url,
    http: &Http,
) -> (Check, Option<String>) {
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
pub(super) async fn list_jobs(provider: &Provider, subject: &Subject<'_>) -> Check {
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
        Err(e) => classify_list_error(provider.family(), &e, subject),
    }
}

/// Listing does not name the deployment: an impossible create does, at no cost.
pub(super) async fn deployment(provider: &Provider, subject: &Subject<'_>) -> Check {
    let name = "deployment";
    let which = match subject.config.provider.value {
        Family::OpenAi => format!("model {}", subject.config.openai.model.value),
        _ => format!("deployment {}", subject.deployment),
    };
    match provider.probe_deployment().await {
        Ok(crate::providers::DeploymentProbe::Exists) => Check::pass(
            name,
            format!("{which} exists (an impossible request was refused for its parameters)"),
        ),
        Ok(crate::providers::DeploymentProbe::Created { id, cleanup }) => {
            probe_job_made(&which, &id, &cleanup)
        }
        Err(e) => classify_list_error(provider.family(), &e, subject),
    }
}

/// The service made a job of the impossible request: say what became of it, truthfully.
fn probe_job_made(which: &str, id: &str, cleanup: &crate::providers::ProbeCleanup) -> Check {
    use crate::providers::ProbeCleanup;
    let name = "deployment";
    let made =
        format!("{which} accepted an impossible request (a 0-second 1x1 video) and made job {id}");
    let report = "report this: the service does not check parameters as documented";
    match cleanup {
        ProbeCleanup::Gone => Check::warn(
            name,
            format!("{made}; it was deleted and is confirmed gone (looked up again: not found)"),
            format!("{report}; check your bill for job {id}"),
        ),
        ProbeCleanup::NotDeleted(why) => Check::fail(
            name,
            format!(
                "{made}; it was not deleted ({why}): the job exists on the service and may be charged"
            ),
            format!(
                "delete it: `sora-tui delete {id}` (or in the service's portal); then {report}"
            ),
        ),
        ProbeCleanup::Unconfirmed(why) => Check::fail(
            name,
            format!(
                "{made}; it was deleted, but looking it up again failed ({why}): it may still exist and be charged"
            ),
            format!(
                "check with `sora-tui status {id}` and, if it is there, `sora-tui delete {id}`; then {report}"
            ),
        ),
    }
}

/// What a failed job listing says about the setup: bad key, unknown deployment, wrong family.
pub(super) fn classify_list_error(
    family: Family,
    error: &ProviderError,
    subject: &Subject<'_>,
) -> Check {
    let config = subject.config;
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
                _ => format!("set azure.deployment to a deployment of this resource (now `{}`); a retired deployment will not come back", subject.deployment),
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
}
