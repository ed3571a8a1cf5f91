//! The fault engine: faults are data ([`FaultRule`]s), matched against each request by the
//! service it is for ([`Family`]) and the kind of route it hits ([`Route`]). A rule fires on the
//! next `times` matching requests and is then used up.
//!
//! Rules come from [`SimConfig::faults`](super::SimConfig::faults) at start,
//! [`SimHandle::inject`](super::SimHandle::inject) at run time, the control route
//! `POST /__sim/faults` (the same rule as JSON) and the demo prompt tags ([`demo_fault_tags`]).
//!
//! Two kinds of faults:
//! - answers instead of the service's own ([`Fault::Status`] on any route; [`Fault::HtmlOk`] and
//!   [`Fault::Expired`] on content and storage-download routes): they fire before the request is
//!   handled, so a faulted create creates nothing;
//! - broken bodies ([`Fault::ResetMidBody`], [`Fault::ShortBody`], [`Fault::Stall`]): they fire
//!   only on a successful (2xx) `GET` of a content or storage-download route, and cut or stall the
//!   body the service would have sent, keeping its full `Content-Length`.
//!
//! JSON shape of a rule (`target.family`, `target.path_contains`, `times` are optional; `times`
//! defaults to 1):
//!
//! ```json
//! {"target": {"route": "content", "family": "openai", "path_contains": "video_68"},
//!  "fault": {"kind": "status", "code": 429, "retry_after": {"secs": 2}, "body": null},
//!  "times": 2}
//! ```
//!
//! `route`: `create`, `poll`, `list`, `delete`, `content`, `storage_upload`, `storage_download`,
//! `any`. `family`: `azure_sora`, `azure_v1`, `openai`, `storage`. `fault.kind`: `status`
//! (`code`, optional `retry_after` `{"secs": n}` or `{"http_date": n}` — the date n seconds
//! after the fault fires, and optional `body`), `reset_mid_body` (`after_bytes`), `short_body`
//! (`bytes`), `stall` (`after_bytes`, `for_ms`), `html_ok`, `expired`.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::wire;

/// The service a request is for, from its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    /// Azure OpenAI's Sora preview jobs API, `/openai/v1/video/generations/...` (and every
    /// other path the simulator does not own: the Azure gateway answers those).
    #[serde(rename = "azure_sora")]
    AzureSora,
    /// Azure OpenAI's Sora 2 Videos API, `/openai/v1/videos...`.
    #[serde(rename = "azure_v1")]
    AzureV1,
    /// OpenAI's Videos API, `/v1/...`.
    #[serde(rename = "openai")]
    OpenAI,
    /// Supabase Storage, `/storage/v1/...`.
    #[serde(rename = "storage")]
    Storage,
}

impl Family {
    pub fn of(path: &str) -> Family {
        let under = |base: &str| {
            path.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/storage/v1") {
            Family::Storage
        } else if under("/openai/v1/videos") {
            Family::AzureV1
        } else if under("/v1") {
            Family::OpenAI
        } else {
            Family::AzureSora
        }
    }
}

/// A class of route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Create a job or video (also a remix).
    Create,
    /// Get a job, a generation or a video: what a client polls.
    Poll,
    List,
    Delete,
    /// Any video content route (video, thumbnail, spritesheet).
    Content,
    /// A Storage object upload (`POST`/`PUT /object/{bucket}/{key}`).
    StorageUpload,
    /// A Storage object download (authenticated, public or signed).
    StorageDownload,
    /// A chunk of a resumable (TUS) upload: `PATCH /upload/resumable/{id}`.
    StorageResumable,
    /// Every request (body faults still only on content and download routes).
    Any,
}

impl Route {
    fn matches(self, route: Option<Route>) -> bool {
        self == Route::Any || Some(self) == route
    }

    fn has_content(route: Option<Route>) -> bool {
        matches!(route, Some(Route::Content | Route::StorageDownload))
    }

    /// The class of a request's route; `None` for routes outside these classes.
    pub(crate) fn classify(family: Family, method: &Method, path: &str) -> Option<Route> {
        let get = method == Method::GET || method == Method::HEAD;
        let post = method == Method::POST;
        let segments = |base: &str| -> Vec<String> {
            path.strip_prefix(base)
                .unwrap_or_default()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        match family {
            Family::AzureSora => {
                let s = segments("/openai/v1/video/generations");
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    ["jobs"] if post => Some(Route::Create),
                    ["jobs"] if get => Some(Route::List),
                    ["jobs", _] if get => Some(Route::Poll),
                    ["jobs", _] if method == Method::DELETE => Some(Route::Delete),
                    [_, "content", _] if get => Some(Route::Content),
                    [_] if get => Some(Route::Poll),
                    _ => None,
                }
            }
            Family::AzureV1 | Family::OpenAI => {
                let base = if family == Family::OpenAI {
                    "/v1/videos"
                } else {
                    "/openai/v1/videos"
                };
                if !path.starts_with(base) {
                    return None;
                }
                let s = segments(base);
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    [] if post => Some(Route::Create),
                    [] if get => Some(Route::List),
                    [_, "remix"] if post => Some(Route::Create),
                    [_, "content"] if get => Some(Route::Content),
                    [_] if get => Some(Route::Poll),
                    [_] if method == Method::DELETE => Some(Route::Delete),
                    _ => None,
                }
            }
            Family::Storage => {
                if path.starts_with("/storage/v1/upload/resumable/") && method == Method::PATCH {
                    return Some(Route::StorageResumable);
                }
                let s = segments("/storage/v1/object");
                if !path.starts_with("/storage/v1/object/") {
                    return None;
                }
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    ["list" | "move" | "copy" | "info" | "upload", ..] => None,
                    ["sign", _, _, ..] if get => Some(Route::StorageDownload),
                    ["sign", ..] => None,
                    ["public" | "authenticated", _, _, ..] if get => Some(Route::StorageDownload),
                    [_, _, ..] if get => Some(Route::StorageDownload),
                    [_, _, ..] if post || method == Method::PUT => Some(Route::StorageUpload),
                    _ => None,
                }
            }
        }
    }
}

/// Which requests a rule applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultTarget {
    pub route: Route,
    /// Only this service's requests (all services when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<Family>,
    /// Only requests whose path contains this text, e.g. one job's or video's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_contains: Option<String>,
}

impl FaultTarget {
    pub fn new(route: Route) -> Self {
        Self {
            route,
            family: None,
            path_contains: None,
        }
    }

    pub fn family(mut self, family: Family) -> Self {
        self.family = Some(family);
        self
    }

    pub fn path_contains(mut self, text: impl Into<String>) -> Self {
        self.path_contains = Some(text.into());
        self
    }

    fn matches(&self, family: Family, route: Option<Route>, path: &str) -> bool {
        self.route.matches(route)
            && self.family.is_none_or(|f| f == family)
            && self
                .path_contains
                .as_deref()
                .is_none_or(|text| path.contains(text))
    }
}

impl From<Route> for FaultTarget {
    fn from(route: Route) -> Self {
        FaultTarget::new(route)
    }
}

/// What a `Retry-After` header says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: <n>` (delay-seconds).
    Secs(u64),
    /// `Retry-After: <HTTP-date>`: the date this many seconds after the fault fires.
    HttpDate(u64),
}

/// What goes wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// An error answer with this status. `body` (sent as-is; JSON if it parses as JSON, else
    /// text) defaults to the service's own error shape for the code.
    Status {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<RetryAfter>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        body: Option<String>,
    },
    /// Headers with the full `Content-Length`, `after_bytes` of the body, then the connection is
    /// reset.
    ResetMidBody { after_bytes: u64 },
    /// `Content-Length` says the full length, but the body ends after `bytes` and the
    /// connection closes.
    ShortBody { bytes: u64 },
    /// `after_bytes` of the body, then nothing for `for_` (JSON `for_ms`), then the rest. On a
    /// Storage upload or a resumable upload's chunk: the answer comes `for_` late.
    Stall {
        after_bytes: u64,
        #[serde(rename = "for_ms", with = "millis")]
        for_: Duration,
    },
    /// `200 OK` with a `text/html` error page instead of the content (a proxy or captive portal).
    HtmlOk,
    /// The content answers as expired: Azure Sora's 404 "Resource not found", the Videos API's
    /// 404 "expired" error, Storage's `jwt expired`.
    Expired,
    /// A resumable upload chunk (`StorageResumable`) whose connection is lost after
    /// `after_bytes` of its body arrived: the server keeps those bytes and answers 500, so the
    /// client must ask (`HEAD`) where to go on from.
    CutUpload { after_bytes: u64 },
}

impl Fault {
    fn is_body_fault(&self) -> bool {
        matches!(
            self,
            Fault::ResetMidBody { .. } | Fault::ShortBody { .. } | Fault::Stall { .. }
        )
    }
}

mod millis {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_millis)
    }
}

fn one() -> u32 {
    1
}

/// A fault for the next `times` requests matching `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub target: FaultTarget,
    pub fault: Fault,
    #[serde(default = "one")]
    pub times: u32,
}

impl FaultRule {
    /// Fires once; see [`FaultRule::times`].
    pub fn new(target: impl Into<FaultTarget>, fault: Fault) -> Self {
        Self {
            target: target.into(),
            fault,
            times: 1,
        }
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = times;
        self
    }
}

/// The prompt tags `--demo` users can type, and what each does.
pub fn demo_fault_tags() -> &'static [(&'static str, &'static str)] {
    &[
        (
            TAG_429,
            "the create is refused once with 429 Too Many Requests and Retry-After: 2; its retry (same prompt) goes through",
        ),
        (TAG_5XX, "the job's next two status polls answer 503"),
        (
            TAG_MODERATION,
            "the job fails with a moderation error (Azure Sora: failure_reason input_moderation; Videos API: error.code moderation_blocked)",
        ),
        (
            TAG_LAG,
            "the job's content answers 404 for 8 s after the job completes",
        ),
        (
            TAG_RESET,
            "the first download of the job's video is cut after 16 KiB (connection reset)",
        ),
        (
            TAG_STALL,
            "the first download of the job's video stalls for 35 s after 16 KiB (past the engine's default 30 s stall timeout: it drops that connection and resumes from the bytes it has)",
        ),
        (
            TAG_HTML,
            "the first download of the job's video answers 200 with a text/html page (a proxy or captive portal) instead of the video",
        ),
        (
            TAG_EXPIRED,
            "the job's content answers as expired (Azure Sora: 404 Resource not found; Videos API: 404 expired) on every download",
        ),
    ]
}

const TAG_429: &str = "[429]";
const TAG_5XX: &str = "[5xx]";
pub(crate) const TAG_MODERATION: &str = "[moderation]";
pub(crate) const TAG_LAG: &str = "[lag]";
const TAG_RESET: &str = "[reset]";
const TAG_STALL: &str = "[stall]";
const TAG_HTML: &str = "[html]";
const TAG_EXPIRED: &str = "[expired]";
/// How long a `[stall]` download sends nothing: longer than the engine's default 30 s stall
/// timeout, so the demo shows the timeout firing.
pub(crate) const DEMO_STALL: Duration = Duration::from_secs(35);
/// The content lag of a `[lag]` job.
pub(crate) const DEMO_LAG: Duration = Duration::from_secs(8);
const DEMO_RESET_AFTER: u64 = 16 * 1024;
/// How long a cut body waits, after its last bytes, before it ends.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// The rules in force, and which `[429]` prompts were already refused.
#[derive(Debug, Default)]
pub(crate) struct FaultEngine {
    rules: Mutex<Vec<FaultRule>>,
    refused_prompts: Mutex<HashSet<(Family, String)>>,
}

/// When a fault is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Before the request is handled: answers that replace the service's.
    Before,
    /// After a successful content answer: broken bodies.
    Body,
}

impl FaultEngine {
    pub(crate) fn new(rules: Vec<FaultRule>) -> Self {
        let engine = Self::default();
        for rule in rules {
            engine.inject(rule);
        }
        engine
    }

    pub(crate) fn inject(&self, rule: FaultRule) {
        if rule.times > 0 {
            self.lock().push(rule);
        }
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn rules(&self) -> Vec<FaultRule> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Uses up one firing of the first rule (oldest first) that matches the request and fits the
    /// phase, and returns its fault.
    pub(crate) fn take(
        &self,
        phase: Phase,
        family: Family,
        route: Option<Route>,
        path: &str,
    ) -> Option<Fault> {
        let mut rules = self.lock();
        let index = rules.iter().position(|rule| {
            let fits = match (&rule.fault, phase) {
                (Fault::Status { .. }, Phase::Before) => true,
                (Fault::HtmlOk | Fault::Expired, Phase::Before) => Route::has_content(route),
                (Fault::Stall { .. }, Phase::Before) => {
                    matches!(route, Some(Route::StorageUpload | Route::StorageResumable))
                }
                (Fault::CutUpload { .. }, Phase::Before) => route == Some(Route::StorageResumable),
                (fault, Phase::Body) => fault.is_body_fault() && Route::has_content(route),
                _ => false,
            };
            fits && rule.target.matches(family, route, path)
        })?;
        let rule = &mut rules[index];
        let fault = rule.fault.clone();
        rule.times -= 1;
        if rule.times == 0 {
            rules.remove(index);
        }
        Some(fault)
    }

    /// `[429]`: whether to refuse this create (the first time a prompt with the tag arrives).
    pub(crate) fn demo_refuse_create(&self, family: Family, prompt: &str) -> bool {
        prompt.contains(TAG_429)
            && self
                .refused_prompts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert((family, prompt.to_string()))
    }

    /// `[5xx]`, `[reset]`, `[stall]`, `[html]` and `[expired]`: rules scoped to a job just created. `poll_id` is in the path of its
    /// status route, `content_id` in the path of its content route.
    pub(crate) fn demo_after_create(
        &self,
        family: Family,
        prompt: &str,
        poll_id: &str,
        content_id: Option<&str>,
    ) {
        if prompt.contains(TAG_5XX) {
            self.inject(
                FaultRule::new(
                    FaultTarget::new(Route::Poll)
                        .family(family)
                        .path_contains(poll_id),
                    Fault::Status {
                        code: 503,
                        retry_after: None,
                        body: None,
                    },
                )
                .times(2),
            );
        }
        if prompt.contains(TAG_RESET)
            && let Some(content_id) = content_id
        {
            self.inject(FaultRule::new(
                FaultTarget::new(Route::Content)
                    .family(family)
                    .path_contains(content_id),
                Fault::ResetMidBody {
                    after_bytes: DEMO_RESET_AFTER,
                },
            ));
        }
        let Some(content_id) = content_id else {
            return;
        };
        let content = || {
            FaultTarget::new(Route::Content)
                .family(family)
                .path_contains(content_id)
        };
        if prompt.contains(TAG_STALL) {
            self.inject(FaultRule::new(
                content(),
                Fault::Stall {
                    after_bytes: DEMO_RESET_AFTER,
                    for_: DEMO_STALL,
                },
            ));
        }
        if prompt.contains(TAG_HTML) {
            self.inject(FaultRule::new(content(), Fault::HtmlOk));
        }
        if prompt.contains(TAG_EXPIRED) {
            // For good: expired content never comes back.
            self.inject(FaultRule::new(content(), Fault::Expired).times(u32::MAX));
        }
    }
}

/// The error answer of a [`Fault::Status`], in the family's shape.
pub(crate) fn status_response(
    family: Family,
    route: Option<Route>,
    code: u16,
    retry_after: Option<&RetryAfter>,
    body: Option<&str>,
    now: SystemTime,
) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let wait_secs = match retry_after {
        Some(RetryAfter::Secs(n) | RetryAfter::HttpDate(n)) => Some(*n),
        None => None,
    };
    let mut response = match body {
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(value) => wire::json_response(status, &value),
            Err(_) => {
                let mut response = Response::new(Body::from(text.to_string()));
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                );
                response
            }
        },
        None => wire::json_response(
            status,
            &default_error_body(family, route, status, wait_secs),
        ),
    };
    *response.status_mut() = status;
    match retry_after {
        Some(RetryAfter::Secs(n)) => {
            wire::insert_header(response.headers_mut(), header::RETRY_AFTER, &n.to_string());
        }
        Some(RetryAfter::HttpDate(n)) => wire::insert_header(
            response.headers_mut(),
            header::RETRY_AFTER,
            &httpdate::fmt_http_date(now + Duration::from_secs(*n)),
        ),
        None => {}
    }
    response
}

/// Each service's own error body for a status code (see the module docs of the services).
fn default_error_body(
    family: Family,
    route: Option<Route>,
    status: StatusCode,
    wait_secs: Option<u64>,
) -> Value {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("Error");
    let again = wait_secs.map_or_else(
        || "Please try again later.".to_string(),
        |n| format!("Try again in {n} seconds."),
    );
    let openai = |message: String, kind: &str, error_code: Option<&str>| json!({"error": {"message": message, "type": kind, "param": null, "code": error_code}});
    // Azure API Management's own answers (rate limits), and the Azure services' error shape.
    let azure = |error_code: &str, message: String| json!({"error": {"code": error_code, "message": message}});
    match (family, code) {
        (Family::OpenAI, 429) => openai(
            format!("Rate limit reached for requests. {again}"),
            "requests",
            Some("rate_limit_exceeded"),
        ),
        (Family::AzureV1, 429) if route == Some(Route::Create) => openai(
            "Too many running tasks. Wait for a running video job to finish, then try again."
                .to_string(),
            "video_generation_user_error",
            None,
        ),
        (Family::AzureSora | Family::AzureV1, 429) => {
            azure("429", format!("Rate limit is exceeded. {again}"))
        }
        (Family::OpenAI | Family::AzureV1, 500) => openai(
            "The server had an error while processing your request. Sorry about that!".to_string(),
            "server_error",
            None,
        ),
        (Family::OpenAI | Family::AzureV1, 503) => openai(
            "The server is overloaded or not ready yet.".to_string(),
            "server_error",
            None,
        ),
        (Family::OpenAI | Family::AzureV1, 500..) => {
            openai(format!("{reason}."), "server_error", None)
        }
        (Family::OpenAI | Family::AzureV1, _) => {
            openai(format!("{reason}."), "invalid_request_error", None)
        }
        (Family::AzureSora, 500) => azure(
            "InternalServerError",
            "The server had an error while processing your request.".to_string(),
        ),
        (Family::AzureSora, 502) => azure("BadGateway", "Bad gateway.".to_string()),
        (Family::AzureSora, 503) => azure(
            "ServiceUnavailable",
            format!("The service is temporarily unavailable. {again}"),
        ),
        (Family::AzureSora, _) => azure(&code.to_string(), reason.to_string()),
        // Supabase's API gateway (Kong) answers rate limits and upstream failures itself.
        (Family::Storage, 429) => json!({"message": "API rate limit exceeded"}),
        (Family::Storage, 502) => {
            json!({"message": "An invalid response was received from the upstream server"})
        }
        (Family::Storage, 503) => json!({"message": "Service Temporarily Unavailable"}),
        (Family::Storage, _) => json!({
            "statusCode": code.to_string(), "error": reason, "message": reason, "code": "InternalError",
        }),
    }
}

/// `200 OK`, `text/html`: what a proxy or captive portal serves in place of the file.
pub(crate) fn html_ok_response() -> Response {
    let page = "<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head>\n<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request. Please try again later.</p></body></html>\n";
    let mut response = Response::new(Body::from(page));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Replaces a successful answer's body with a broken one (`fault` is a body fault). The
/// `Content-Length` stays the full length the service would have sent.
pub(crate) async fn break_body(response: Response, fault: &Fault) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(data) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    wire::insert_header(
        &mut parts.headers,
        header::CONTENT_LENGTH,
        &data.len().to_string(),
    );
    // Keep at least one byte back, so the client always sees the body end early.
    let cut = |n: u64| {
        usize::try_from(n)
            .unwrap_or(usize::MAX)
            .min(data.len().saturating_sub(1))
    };
    // The head goes out before the body ends: hyper sends what it has buffered only while the
    // body is pending, and drops the buffer when the body fails right away.
    let then = |end: Option<std::io::Error>| {
        futures_util::stream::once(async move {
            tokio::time::sleep(FLUSH_PAUSE).await;
            end.map(Err::<Bytes, std::io::Error>)
        })
        .filter_map(futures_util::future::ready)
    };
    let body = match fault {
        Fault::ResetMidBody { after_bytes } => {
            let head = data.slice(..cut(*after_bytes));
            let reset = std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "simulated connection reset mid-body",
            );
            Body::from_stream(
                futures_util::stream::iter([Ok::<Bytes, std::io::Error>(head)])
                    .chain(then(Some(reset))),
            )
        }
        Fault::ShortBody { bytes } => {
            let head = data.slice(..cut(*bytes));
            Body::from_stream(
                futures_util::stream::iter([Ok::<Bytes, std::io::Error>(head)]).chain(then(None)),
            )
        }
        Fault::Stall { after_bytes, for_ } => {
            let split = usize::try_from(*after_bytes)
                .unwrap_or(usize::MAX)
                .min(data.len());
            let (head, tail) = (data.slice(..split), data.slice(split..));
            let pause = *for_;
            let rest = futures_util::stream::once(async move {
                tokio::time::sleep(pause).await;
                Ok::<Bytes, std::io::Error>(tail)
            });
            Body::from_stream(
                futures_util::stream::iter([Ok::<Bytes, std::io::Error>(head)]).chain(rest),
            )
        }
        Fault::Status { .. } | Fault::HtmlOk | Fault::Expired | Fault::CutUpload { .. } => {
            Body::from(data)
        }
    };
    Response::from_parts(parts, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_routes() {
        assert_eq!(Family::of("/v1/videos"), Family::OpenAI);
        assert_eq!(Family::of("/openai/v1/videos/video_1"), Family::AzureV1);
        assert_eq!(
            Family::of("/openai/v1/video/generations/jobs"),
            Family::AzureSora
        );
        assert_eq!(Family::of("/storage/v1/object/b/k"), Family::Storage);
        let class = |family, method, path| Route::classify(family, &method, path);
        assert_eq!(
            class(Family::OpenAI, Method::POST, "/v1/videos/video_1/remix"),
            Some(Route::Create)
        );
        assert_eq!(
            class(Family::AzureV1, Method::GET, "/openai/v1/videos/v/content"),
            Some(Route::Content)
        );
        assert_eq!(
            class(
                Family::AzureSora,
                Method::GET,
                "/openai/v1/video/generations/gen_1/content/video"
            ),
            Some(Route::Content)
        );
        assert_eq!(
            class(Family::Storage, Method::PUT, "/storage/v1/object/b/a/k.mp4"),
            Some(Route::StorageUpload)
        );
        assert_eq!(
            class(Family::Storage, Method::GET, "/storage/v1/object/sign/b/k"),
            Some(Route::StorageDownload)
        );
        assert_eq!(
            class(Family::Storage, Method::POST, "/storage/v1/object/sign/b/k"),
            None
        );
    }

    #[test]
    fn rules_are_used_up_in_order() {
        let engine = FaultEngine::new(vec![
            FaultRule::new(
                FaultTarget::new(Route::Poll).family(Family::OpenAI),
                Fault::Status {
                    code: 503,
                    retry_after: None,
                    body: None,
                },
            )
            .times(2),
        ]);
        let take = |family| engine.take(Phase::Before, family, Some(Route::Poll), "/x");
        assert!(take(Family::AzureV1).is_none());
        assert!(take(Family::OpenAI).is_some());
        assert!(take(Family::OpenAI).is_some());
        assert!(take(Family::OpenAI).is_none());
        assert!(engine.rules().is_empty());
    }

    #[test]
    fn rule_json_shape() {
        let rule: FaultRule = serde_json::from_str(
            r#"{"target":{"route":"content","family":"openai"},"fault":{"kind":"stall","after_bytes":10,"for_ms":300}}"#,
        )
        .expect("valid rule JSON");
        assert_eq!(rule.times, 1);
        assert_eq!(
            rule.fault,
            Fault::Stall {
                after_bytes: 10,
                for_: Duration::from_millis(300)
            }
        );
        let status = FaultRule::new(
            Route::Create,
            Fault::Status {
                code: 429,
                retry_after: Some(RetryAfter::HttpDate(5)),
                body: None,
            },
        );
        assert_eq!(
            serde_json::to_value(&status).expect("serializable"),
            json!({"target":{"route":"create"},"fault":{"kind":"status","code":429,"retry_after":{"http_date":5}},"times":1})
        );
    }
}
