//! Errors from video services, parsed from their bodies by small pure functions so that every
//! failure can be explained to a person (what failed, why, what to do).

use std::time::Duration;

/// An error answer from a service, in whichever of the shapes the services use:
/// `{"error":{"code","message","type","param"}}` (OpenAI, Azure gateway) or the flat
/// `{"code","message"}` of the Azure spec. `code` may be a string, a number or null.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiError {
    pub status: u16,
    pub code: Option<String>,
    pub message: String,
    pub kind: Option<String>,
    pub param: Option<String>,
    /// `apim-request-id` or `x-request-id`, for support tickets.
    pub request_id: Option<String>,
    /// From `Retry-After` on 429/503.
    pub retry_after: Option<Duration>,
    /// The job or generation id the request named, when it named one: a 404 then means that
    /// id is unknown, not that the endpoint is wrong.
    pub subject: Option<String>,
}

impl ApiError {
    /// Build from a status and raw body. A body that is not JSON (an HTML gateway page, plain
    /// text) is kept, shortened, as the message.
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let mut err = ApiError {
            status,
            ..Default::default()
        };
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let obj = parsed.as_ref().and_then(|v| match v.get("error") {
            Some(inner) if inner.is_object() => Some(inner),
            _ if v.is_object() => Some(v),
            _ => None,
        });
        if let Some(obj) = obj {
            err.code = obj.get("code").and_then(value_as_text);
            err.kind = obj.get("type").and_then(value_as_text);
            err.param = obj.get("param").and_then(value_as_text);
            err.message = obj
                .get("message")
                .and_then(value_as_text)
                .or_else(|| obj.get("detail").and_then(value_as_text))
                // Runway: `{"error": "Validation of body failed", "issues": [...]}`.
                .or_else(|| {
                    obj.get("error")
                        .and_then(value_as_text)
                        .map(|e| with_issues(e, obj))
                })
                // fal: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`.
                .or_else(|| obj.get("detail").and_then(detail_list))
                .unwrap_or_default();
            if err.kind.is_none() {
                err.kind = obj.get("error_type").and_then(value_as_text).or_else(|| {
                    let first = obj.get("detail")?.as_array()?.first()?;
                    first.get("type").and_then(value_as_text)
                });
            }
        }
        if err.message.is_empty() {
            err.message = body_excerpt(body);
        }
        err
    }

    /// The body said the route or resource does not exist (gateway 404).
    pub fn is_not_found(&self) -> bool {
        self.status == 404
    }

    /// A deployment or model that the service no longer (or never) serves.
    pub fn looks_like_missing_deployment(&self) -> bool {
        let m = self.message.to_ascii_lowercase();
        (self.status == 404 || self.status == 410 || self.status == 400)
            && (m.contains("deployment") && m.contains("does not exist")
                || m.contains("deprecated")
                || m.contains("retired")
                || m.contains("shut down")
                || m.contains("model_not_found")
                || self.code.as_deref() == Some("DeploymentNotFound")
                || self.code.as_deref() == Some("model_not_found"))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code
            && code != &self.status.to_string()
        {
            write!(f, " {code}")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

/// Runway's `issues`: each `path` (its last part) and `message`, after the summary.
fn with_issues(summary: String, obj: &serde_json::Value) -> String {
    let issues: Vec<String> = obj
        .get("issues")
        .and_then(|i| i.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|issue| {
                    let message = issue.get("message").and_then(value_as_text)?;
                    let field = issue
                        .get("path")
                        .and_then(|p| p.as_array())
                        .and_then(|p| p.last())
                        .and_then(value_as_text);
                    Some(match field {
                        Some(f) => format!("{f}: {message}"),
                        None => message,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if issues.is_empty() {
        summary
    } else {
        format!("{summary} ({})", issues.join("; "))
    }
}

/// fal's validation list: `field: msg` for each entry.
fn detail_list(detail: &serde_json::Value) -> Option<String> {
    let parts: Vec<String> = detail
        .as_array()?
        .iter()
        .filter_map(|d| {
            let msg = d.get("msg").and_then(value_as_text)?;
            let field = d
                .get("loc")
                .and_then(|l| l.as_array())
                .and_then(|l| l.last())
                .and_then(value_as_text);
            Some(match field {
                Some(f) => format!("{f}: {msg}"),
                None => msg,
            })
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn value_as_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// At most 200 characters of a body, on one line, for messages.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 200 {
        let cut: String = one_line.chars().take(200).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Parse `Retry-After`: delta seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Why a provider call failed.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("{service} answered {error}{hint}", hint = hint_for(.error).as_str())]
    Api {
        service: String,
        error: Box<ApiError>,
    },
    /// An error answer from Runway or fal.ai, with what to do in that service's terms.
    #[error("{service} answered {error}{} {what_to_do}", full_stop(.error))]
    Service {
        service: String,
        error: Box<ApiError>,
        what_to_do: String,
    },
    #[error("could not reach {service} at {url}: {reason}. Check the endpoint and your network.")]
    Network {
        service: String,
        url: String,
        reason: String,
    },
    #[error("{service} sent an answer this client cannot read ({reason}): {excerpt}")]
    Decode {
        service: String,
        reason: String,
        excerpt: String,
    },
    #[error("{0}")]
    Config(String),
    /// The operation does not exist for this family (remix on Sora 1, spritesheet on Azure).
    #[error("{0}")]
    Unsupported(String),
    /// A local input (an image file) could not be used.
    #[error("{0}")]
    Input(String),
    /// Credentials could not be obtained (the Azure CLI failed).
    #[error("cannot authenticate: {0}")]
    Auth(String),
}

impl ProviderError {
    /// Worth retrying later: rate limits, 5xx and network errors.
    pub fn is_transient(&self) -> bool {
        match self {
            ProviderError::Api { error, .. } | ProviderError::Service { error, .. } => {
                error.status == 429 || error.status == 408 || error.status >= 500
            }
            ProviderError::Network { .. } => true,
            _ => false,
        }
    }

    /// Worth asking again when the request is a read (a GET of a job is idempotent): what
    /// [`is_transient`](Self::is_transient) says, plus an answer that could not be read (an
    /// HTML page or truncated JSON from a proxy), which says nothing about the job itself. A
    /// create that met a Decode error is a different matter: see
    /// [`may_have_created`](Self::may_have_created).
    pub fn is_worth_rereading(&self) -> bool {
        self.is_transient() || matches!(self, ProviderError::Decode { .. })
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ProviderError::Api { error, .. } | ProviderError::Service { error, .. } => {
                error.retry_after
            }
            _ => None,
        }
    }

    /// A 429: the service refused before creating anything, so a create is safe to send again.
    pub fn is_rate_limited(&self) -> bool {
        self.api_error().is_some_and(|e| e.status == 429)
    }

    /// The service's error answer, from a Sora family (`Api`) or from Runway and fal (`Service`).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ProviderError::Api { error, .. } | ProviderError::Service { error, .. } => Some(error),
            _ => None,
        }
    }

    /// A create that failed this way may still have created the job: no answer, an answer that
    /// could not be read, or a server error or timeout after the request arrived. Only a 4xx
    /// (429 included) is a refusal before anything was made.
    pub fn may_have_created(&self) -> bool {
        match self {
            ProviderError::Network { .. } | ProviderError::Decode { .. } => true,
            ProviderError::Api { error, .. } | ProviderError::Service { error, .. } => {
                error.status >= 500 || error.status == 408
            }
            _ => false,
        }
    }

    /// Say which id the failed request named, so a 404 reads as "no such job" rather than as
    /// a wrong endpoint.
    pub fn naming(mut self, id: &str) -> Self {
        if let ProviderError::Api { error, .. } = &mut self {
            error.subject = Some(crate::text::one_line(id).into_owned());
        }
        self
    }

    /// The job does not exist on the service (any more).
    pub fn is_gone(&self) -> bool {
        self.api_error()
            .is_some_and(|e| e.status == 404 || e.status == 410)
    }
}

/// A full stop after the service's message, unless it ends with one.
fn full_stop(e: &ApiError) -> &'static str {
    if e.to_string().trim_end().ends_with(['.', '!', '?']) {
        ""
    } else {
        "."
    }
}

/// What to do about an error, appended to its message.
fn hint_for(e: &ApiError) -> String {
    if e.looks_like_missing_deployment() {
        return ". The deployment or model is unknown or retired: check `deployment` in the config against the deployments of your resource (Sora models are being retired; a retired one will not come back).".into();
    }
    if let (404 | 410, Some(id)) = (e.status, &e.subject) {
        return format!(
            ". No job or video `{id}` here: check the id (`sora-tui jobs` lists this resource's jobs; content takes a generation or video id), or it was deleted or has expired (the service keeps a job about 24 h). If every request answers 404, check the endpoint."
        );
    }
    match e.status {
        401 => {
            ". The key was refused: check AZURE_OPENAI_API_KEY (or `azure.api_key`) belongs to this resource."
        }
        403 => {
            ". Access denied: the key or token lacks permission (Entra users need the Cognitive Services User role)."
        }
        404 => ". Not found: check the endpoint is the resource URL and the deployment name.",
        429 => ". Rate limited: sora-tui waits and retries.",
        400 => ". The service refused the parameters.",
        s if s >= 500 => ". The service had a problem: sora-tui retries.",
        _ => "",
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_gateway_404_body() {
        let e = ApiError::from_body(
            404,
            br#"{"error":{"code":"404","message":"Resource not found"}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("404"));
        assert_eq!(e.message, "Resource not found");
        assert_eq!(e.to_string(), "HTTP 404: Resource not found");
    }

    #[test]
    fn parses_flat_and_null_code_bodies() {
        let e = ApiError::from_body(
            404,
            br#"{"error":{"message":"The API deployment 'sora-2' for this resource does not exist.","type":"video_generation_user_error","param":null,"code":null}}"#,
        );
        assert_eq!(e.code, None);
        assert_eq!(e.kind.as_deref(), Some("video_generation_user_error"));
        assert!(e.looks_like_missing_deployment());
        let flat = ApiError::from_body(
            400,
            br#"{"code":"invalid_size","message":"bad size","param":"width"}"#,
        );
        assert_eq!(flat.param.as_deref(), Some("width"));
        assert_eq!(flat.message, "bad size");
    }

    #[test]
    fn keeps_an_html_body_short() {
        let html = format!("<html><body>{}</body></html>", "x".repeat(500));
        let e = ApiError::from_body(502, html.as_bytes());
        assert!(e.message.starts_with("<html>"));
        assert!(e.message.chars().count() <= 201);
    }

    #[test]
    fn retry_after_seconds_and_date() {
        let now = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn an_unreadable_answer_is_reread_on_a_poll_but_may_have_created_on_a_create() {
        let decode = ProviderError::Decode {
            service: "Azure OpenAI (Sora)".into(),
            reason: "expected value".into(),
            excerpt: "<html>".into(),
        };
        assert!(decode.is_worth_rereading(), "a GET is asked again");
        assert!(!decode.is_transient(), "not a service fault as such");
        assert!(decode.may_have_created(), "a create is not blindly re-sent");
        let refused = ProviderError::Api {
            service: "x".into(),
            error: Box::new(ApiError {
                status: 401,
                ..Default::default()
            }),
        };
        assert!(
            !refused.is_worth_rereading(),
            "a refused key is not retried"
        );
    }
}
