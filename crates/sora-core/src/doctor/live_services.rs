//! The checks of Runway and fal.ai: reachability, the key (Runway: `GET /v1/organization`,
//! with tier and credits; fal: a status lookup of a request that cannot exist, which costs
//! nothing), the version header and the model. Nothing here can create a paid task.

use super::report::Check;
use super::{STEP_TIMEOUT, Subject};
use crate::config::ConfigError;
use crate::providers::{Family, Provider, ProviderError};

/// A request id no fal request has: looking up its status costs nothing and answers 404 to an
/// accepted key, 401 or 403 to a refused one.
const NO_SUCH_REQUEST: &str = "00000000-0000-4000-8000-000000000000";

/// The checks of one live service; returns its `Date` header when it answered.
pub(super) async fn checks(
    family: Family,
    provider: &Result<Provider, ConfigError>,
    subject: &Subject<'_>,
    checks: &mut Vec<Check>,
) -> Option<String> {
    let config = subject.config;
    let (base, label) = match family {
        Family::Runway => (&config.runway.base_url, "Runway"),
        _ => (&config.fal.queue_url, "fal.ai"),
    };
    let (check, date) =
        super::service::reachability(&format!("{label} reachable"), &base.value, subject.http)
            .await;
    let reachable = check.mark == super::Mark::Pass;
    checks.push(check);
    let provider = match provider {
        Ok(p) => p,
        Err(e) => {
            checks.push(Check::fail(
                &format!("{label} credentials"),
                e.to_string(),
                "set the key named above",
            ));
            return date;
        }
    };
    if !reachable {
        checks.push(Check::skip(
            &format!("{label} key"),
            "the service is not reachable",
        ));
        return date;
    }
    let check = match provider {
        Provider::Runway(client, model) => runway_key(client, model.model(), subject).await,
        Provider::Fal(client, model) => fal_key(client, model.model(), subject).await,
        _ => return date,
    };
    checks.push(check);
    checks.push(Check::pass(
        &format!("{label} model"),
        format!(
            "{} (from {}); in the catalogue, checked before every request",
            provider.model(),
            match family {
                Family::Runway => &config.runway.model.source,
                _ => &config.fal.model.source,
            }
        ),
    ));
    date
}

async fn runway_key(
    client: &crate::providers::runway::RunwayClient,
    model: &str,
    subject: &Subject<'_>,
) -> Check {
    let name = "Runway key";
    let key_hint = key_hint(subject.config.runway.api_key.as_ref());
    let answer = tokio::time::timeout(STEP_TIMEOUT, client.organization()).await;
    let organization = match answer {
        Err(_) => {
            return Check::fail(
                name,
                format!(
                    "no answer from /v1/organization in {} s",
                    STEP_TIMEOUT.as_secs()
                ),
                "check your network; Runway may be overloaded",
            );
        }
        Ok(Err(e)) => return refused(name, &e, &key_hint, Family::Runway, subject),
        Ok(Ok(org)) => org,
    };
    let credits = organization.credit_balance;
    let mut detail = format!(
        "{key_hint} accepted with X-Runway-Version {}; {credits} credits (${:.2})",
        subject.config.runway.version.value,
        credits * 0.01
    );
    if let Some(tier) = &organization.tier {
        if let Some(spend) = tier.max_monthly_credit_spend {
            detail.push_str(&format!("; tier allows {spend} credits a month"));
        }
        if let Some(limits) = tier.models.get(model) {
            if let Some(n) = limits.max_concurrent_generations {
                detail.push_str(&format!(
                    "; {model}: {n} at a time (more wait as THROTTLED)"
                ));
            }
            if let Some(n) = limits.max_daily_generations {
                detail.push_str(&format!(", {n} a day"));
            }
        }
    }
    if credits <= 0.0 {
        return Check::warn(
            name,
            detail,
            "the organization has no credits: every create is refused until you buy more (dev.runwayml.com → Billing)",
        );
    }
    Check::pass(name, detail)
}

async fn fal_key(
    client: &crate::providers::fal::FalClient,
    model: &str,
    subject: &Subject<'_>,
) -> Check {
    let name = "fal.ai key";
    let key_hint = key_hint(subject.config.fal.key.as_ref());
    let handle = client.handle(model, NO_SUCH_REQUEST);
    match tokio::time::timeout(STEP_TIMEOUT, client.status(&handle)).await {
        Err(_) => Check::fail(
            name,
            format!("no answer from the queue in {} s", STEP_TIMEOUT.as_secs()),
            "check your network and the queue URL (FAL_QUEUE_RUN_HOST)",
        ),
        // The key was accepted and the request (which cannot exist) was not found.
        Ok(Err(e)) if e.is_gone() => Check::pass(
            name,
            format!(
                "{key_hint} accepted (a status lookup of a request that does not exist answered 404, which costs nothing)"
            ),
        ),
        Ok(Err(e)) => refused(name, &e, &key_hint, Family::Fal, subject),
        Ok(Ok(_)) => Check::pass(name, format!("{key_hint} accepted")),
    }
}

/// A refusal, in the person's terms.
fn refused(
    name: &str,
    e: &ProviderError,
    key_hint: &str,
    family: Family,
    subject: &Subject<'_>,
) -> Check {
    let env = match family {
        Family::Runway => "RUNWAYML_API_SECRET",
        _ => "FAL_KEY",
    };
    match e.api_error().map(|a| a.status) {
        Some(401 | 403) => Check::fail(
            name,
            format!("the service refused {key_hint}: {e}"),
            format!("set {env} to a valid key of your account"),
        ),
        Some(400) if family == Family::Runway => Check::fail(
            name,
            format!(
                "Runway refused the request with X-Runway-Version {}: {e}",
                subject.config.runway.version.value
            ),
            "remove `version` under [runway] to use the SDK's 2024-11-06, or set a version Runway supports",
        ),
        _ => Check::fail(name, e.to_string(), "see the service's message above"),
    }
}

fn key_hint(key: Option<&crate::config::Setting<crate::secret::Secret>>) -> String {
    key.map(|k| format!("the key {} from {}", k.value.masked_hint(), k.source))
        .unwrap_or_else(|| "the configured key".into())
}
