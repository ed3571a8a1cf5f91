//! fal.ai's queue (`fal-queue-api.md`), on the API listeners (plain and TLS) for model ids under
//! `fal-ai/`, `workflows/` and `comfy/`:
//! - `POST /{model_id}` (the full id with its sub-path) → 200 `{status: IN_QUEUE, request_id,
//!   queue_position, response_url, status_url, cancel_url}`; the URLs use only owner/app;
//! - `GET /{owner}/{app}/requests/{id}/status[?logs=1|true]` → 202 `IN_QUEUE` with
//!   `queue_position`, 202 `IN_PROGRESS` with `logs` (null without `logs`), 200 `COMPLETED`
//!   with `logs`, `metrics`, and `error`/`error_type` for a failed request;
//! - `GET /{owner}/{app}/requests/{id}` → the model's output `{video:{url, content_type,
//!   file_name, file_size}}`, or its error (422 `{"detail":[{loc,msg,type}]}`: input validation
//!   and `content_policy_violation`); kept one hour after completion, then 404;
//! - `PUT /{owner}/{app}/requests/{id}/cancel` → 202 `CANCELLATION_REQUESTED`, 400
//!   `ALREADY_COMPLETED`, 404 `NOT_FOUND`.
//!
//! Auth: `Authorization: Key <fal_key>`, else 401. Choices where the doc is [NC]: 401
//! `{"detail":"Unauthorized..."}`; an unknown model id → 404 at submit; a result asked before
//! completion → 400; a cancelled request ends `COMPLETED` with `error_type`
//! `request_cancelled` and its result answers 400.

use std::sync::PoisonError;
use std::time::Duration;

use axum::http::{HeaderName, Method, StatusCode};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::clock::SimInstant;
use super::faults::{self, RetryAfter, Route as FaultRoute, Service};
use super::wire::{self, SimRequest};
use super::{Sim, assets, media};

/// Steps in `IN_PROGRESS` before a request completes.
const PROGRESS_STEPS: u32 = 2;
/// The queue keeps a result this long after completion.
const RESULT_TTL: Duration = Duration::from_secs(60 * 60);
/// The media URLs of the output stay valid this long.
const MEDIA_TTL: Duration = Duration::from_secs(7 * 24 * 60 * 60);
const NAMESPACES: [&str; 3] = ["fal-ai", "workflows", "comfy"];

#[derive(Debug)]
struct FalRequest {
    id: String,
    /// `owner/app` (with a namespace in front for `workflows/`, `comfy/`).
    app: String,
    created: SimInstant,
    /// Model error: 422 `detail` entries.
    error: Option<Vec<Value>>,
    cancelled_at: Option<SimInstant>,
}

#[derive(Debug, Default)]
pub(crate) struct FalState {
    requests: Vec<FalRequest>,
}

pub(crate) fn owns(path: &str) -> bool {
    let first = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    NAMESPACES.contains(&first)
}

fn detail(status: StatusCode, message: &str) -> Response {
    wire::json_response(status, &json!({"detail": message}))
}

/// The origin the client reached, as it sent it (`Host`), with the listener's scheme.
fn base(request: &SimRequest, tls: bool) -> String {
    let host = request.header("host").unwrap_or("127.0.0.1");
    format!("{}://{host}", if tls { "https" } else { "http" })
}

/// Splits `/a/b/requests/ID[/tail]` into (app, id, tail).
fn request_path(path: &str) -> Option<(String, String, Option<String>)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let app_len = if parts
        .first()
        .is_some_and(|p| *p == "workflows" || *p == "comfy")
    {
        3
    } else {
        2
    };
    if parts.len() < app_len + 2 || parts[app_len] != "requests" || parts[app_len + 1].is_empty() {
        return None;
    }
    let tail = match &parts[app_len + 2..] {
        [] => None,
        [one] => Some((*one).to_string()),
        _ => return None,
    };
    Some((
        parts[..app_len].join("/"),
        parts[app_len + 1].to_string(),
        tail,
    ))
}

pub(crate) fn handle(sim: &Sim, request: &SimRequest, tls: bool) -> Response {
    let key_ok = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Key "))
        .is_some_and(|k| k == sim.config.fal_key);
    if !key_ok {
        return detail(
            StatusCode::UNAUTHORIZED,
            "Unauthorized: send your key as `Authorization: Key <FAL_KEY>`",
        );
    }
    let mut response = route(sim, request, tls);
    wire::insert_header(
        response.headers_mut(),
        HeaderName::from_static("x-fal-request-id"),
        &wire::uuid_v4(),
    );
    response
}

fn route(sim: &Sim, request: &SimRequest, tls: bool) -> Response {
    let base = base(request, tls);
    match (request.method.clone(), request_path(&request.path)) {
        (Method::GET, Some((app, id, None))) => result(sim, &app, &id),
        (Method::GET, Some((app, id, Some(tail)))) if tail == "status" => {
            let logs = request
                .query_param("logs")
                .is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true"));
            status(sim, &base, &app, &id, logs)
        }
        (Method::PUT, Some((app, id, Some(tail)))) if tail == "cancel" => cancel(sim, &app, &id),
        (Method::POST, None) => submit(sim, request, &base),
        _ => detail(StatusCode::NOT_FOUND, "Not Found"),
    }
}

fn urls(base: &str, app: &str, id: &str) -> Value {
    let response = format!("{base}/{app}/requests/{id}");
    json!({
        "request_id": id,
        "response_url": response,
        "status_url": format!("{response}/status"),
        "cancel_url": format!("{response}/cancel"),
    })
}

/// Checks the input of the models the simulator knows: `None` for an unknown model id.
fn validate(model: &str, input: &Map<String, Value>) -> Option<Vec<Value>> {
    let (durations, ratios, resolutions, image): (&[&str], &[&str], &[&str], bool) = match model {
        "fal-ai/veo3.1" | "fal-ai/veo3.1/fast" => (
            &["4s", "6s", "8s"],
            &["16:9", "9:16"],
            &["720p", "1080p", "4k"],
            false,
        ),
        "fal-ai/veo3.1/image-to-video" | "fal-ai/veo3.1/fast/image-to-video" => (
            &["4s", "6s", "8s"],
            &["auto", "16:9", "9:16"],
            &["720p", "1080p", "4k"],
            true,
        ),
        "fal-ai/kling-video/v2.1/master/text-to-video" => {
            (&["5", "10"], &["16:9", "9:16", "1:1"], &[], false)
        }
        "fal-ai/kling-video/v2.1/master/image-to-video" => (&["5", "10"], &[], &[], true),
        "fal-ai/minimax/hailuo-02/standard/text-to-video"
        | "fal-ai/minimax/hailuo-2.3/standard/text-to-video" => (&["6", "10"], &[], &[], false),
        "fal-ai/minimax/hailuo-02/standard/image-to-video" => {
            (&["6", "10"], &[], &["512P", "768P"], true)
        }
        _ => return None,
    };
    let mut errors = Vec::new();
    let mut enum_check = |field: &str, allowed: &[&str]| {
        if let Some(value) = input.get(field)
            && !value.as_str().is_some_and(|v| allowed.contains(&v))
        {
            let expected: Vec<String> = allowed.iter().map(|a| format!("'{a}'")).collect();
            errors.push(json!({
                "loc": ["body", field],
                "msg": format!("Input should be {}", expected.join(" or ")),
                "type": "literal_error",
                "input": value,
                "ctx": {"expected": expected.join(" or ")},
            }));
        }
    };
    enum_check("duration", durations);
    if !ratios.is_empty() || input.contains_key("aspect_ratio") {
        enum_check("aspect_ratio", ratios);
    }
    if !resolutions.is_empty() || input.contains_key("resolution") {
        enum_check("resolution", resolutions);
    }
    let mut required = vec!["prompt"];
    if image {
        required.push("image_url");
    }
    for field in required {
        if input
            .get(field)
            .is_none_or(|v| v.as_str().is_none_or(str::is_empty))
        {
            errors
                .push(json!({"loc": ["body", field], "msg": "Field required", "type": "missing"}));
        }
    }
    Some(errors)
}

fn submit(sim: &Sim, request: &SimRequest, base: &str) -> Response {
    let model = request
        .path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .to_string();
    let input = match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(input)) => input,
        _ => {
            return wire::json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                &json!({"detail": [{"loc": ["body"], "msg": "Input should be a valid dictionary", "type": "dict_type"}]}),
            );
        }
    };
    let Some(mut errors) = validate(&model, &input) else {
        return detail(
            StatusCode::NOT_FOUND,
            &format!("Application '{model}' not found"),
        );
    };
    let prompt = input
        .get("prompt")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let now = sim.clock.now();
    if sim.faults.demo_refuse_create(Service::Fal, prompt) {
        return faults::status_response(
            Service::Fal,
            Some(FaultRoute::Create),
            429,
            Some(&RetryAfter::Secs(2)),
            None,
            sim.clock.wall(now),
        );
    }
    let moderated = prompt.contains(faults::TAG_MODERATION)
        || sim
            .config
            .fail_prompts_containing
            .as_deref()
            .is_some_and(|needle| prompt.contains(needle));
    if errors.is_empty() && moderated {
        errors.push(json!({
            "loc": ["body", "prompt"],
            "msg": "The content was flagged by a content checker.",
            "type": "content_policy_violation",
            "url": "https://docs.fal.ai/errors#content_policy_violation",
            "input": prompt,
            "categories": ["violence"],
        }));
    }
    let parts: Vec<&str> = model.split('/').collect();
    let app_len = if parts[0] == "fal-ai" { 2 } else { 3 };
    let app = parts[..app_len.min(parts.len())].join("/");
    let id = wire::uuid_v4();
    sim.faults
        .demo_after_create(Service::Fal, prompt, &id, Some(&id));
    let mut state = sim.fal.lock().unwrap_or_else(PoisonError::into_inner);
    let position = queue_ahead(sim, &state, now);
    state.requests.push(FalRequest {
        id: id.clone(),
        app: app.clone(),
        created: now,
        error: (!errors.is_empty()).then_some(errors),
        cancelled_at: None,
    });
    let mut body = urls(base, &app, &id);
    body["status"] = json!("IN_QUEUE");
    body["queue_position"] = json!(position);
    wire::json_response(StatusCode::OK, &body)
}

/// How many requests are still queued (created less than one step ago, not cancelled).
fn queue_ahead(sim: &Sim, state: &FalState, now: SimInstant) -> usize {
    state
        .requests
        .iter()
        .filter(|r| r.cancelled_at.is_none() && now < r.created.after(sim.config.status_step))
        .count()
}

enum Phase {
    Queued(usize),
    Progress(u32),
    Completed(SimInstant),
}

fn phase(sim: &Sim, state: &FalState, request: &FalRequest, now: SimInstant) -> Phase {
    let step = sim.config.status_step;
    if let Some(at) = request.cancelled_at {
        return Phase::Completed(at);
    }
    let done = request.created.after(step * (1 + PROGRESS_STEPS));
    if now >= done {
        Phase::Completed(done)
    } else if now >= request.created.after(step) {
        let into = now.since(request.created.after(step)).as_nanos();
        let step_nanos = step.as_nanos().max(1);
        Phase::Progress(u32::try_from(into / step_nanos).unwrap_or(PROGRESS_STEPS))
    } else {
        let ahead = state
            .requests
            .iter()
            .take_while(|r| r.id != request.id)
            .filter(|r| r.cancelled_at.is_none() && now < r.created.after(step))
            .count();
        Phase::Queued(ahead)
    }
}

fn logs(sim: &Sim, request: &FalRequest, upto: u32) -> Value {
    let entries: Vec<Value> = (0..=upto.min(PROGRESS_STEPS))
        .map(|i| {
            let at = request.created.after(sim.config.status_step * (1 + i));
            json!({
                "message": format!("Generating video: step {}/{}", i + 1, PROGRESS_STEPS + 1),
                "level": "INFO",
                "source": "USER",
                "timestamp": wire::iso_millis(sim.clock.wall(at)),
            })
        })
        .collect();
    Value::Array(entries)
}

fn status(sim: &Sim, base: &str, app: &str, id: &str, with_logs: bool) -> Response {
    let now = sim.clock.now();
    let state = sim.fal.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(request) = state.requests.iter().find(|r| r.id == id && r.app == app) else {
        return detail(StatusCode::NOT_FOUND, "Request not found");
    };
    let mut body = urls(base, app, id);
    let code = match phase(sim, &state, request, now) {
        Phase::Queued(position) => {
            body["status"] = json!("IN_QUEUE");
            body["queue_position"] = json!(position);
            StatusCode::ACCEPTED
        }
        Phase::Progress(step) => {
            body["status"] = json!("IN_PROGRESS");
            body["logs"] = if with_logs {
                logs(sim, request, step)
            } else {
                Value::Null
            };
            StatusCode::ACCEPTED
        }
        Phase::Completed(_) => {
            body["status"] = json!("COMPLETED");
            body["logs"] = if with_logs {
                logs(sim, request, PROGRESS_STEPS)
            } else {
                Value::Null
            };
            body["metrics"] = json!({"inference_time": 2.5});
            if request.cancelled_at.is_some() {
                body["error"] = json!("Request was cancelled");
                body["error_type"] = json!("request_cancelled");
            } else if let Some(errors) = &request.error {
                let first = &errors[0];
                body["error"] = first["msg"].clone();
                body["error_type"] = first["type"].clone();
            }
            StatusCode::OK
        }
    };
    wire::json_response(code, &body)
}

fn result(sim: &Sim, app: &str, id: &str) -> Response {
    let now = sim.clock.now();
    let state = sim.fal.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(request) = state.requests.iter().find(|r| r.id == id && r.app == app) else {
        return detail(StatusCode::NOT_FOUND, "Request not found");
    };
    let Phase::Completed(done) = phase(sim, &state, request, now) else {
        return detail(StatusCode::BAD_REQUEST, "Request is still in progress");
    };
    if now >= done.after(RESULT_TTL) {
        return detail(StatusCode::NOT_FOUND, "Request not found");
    }
    if request.cancelled_at.is_some() {
        return detail(StatusCode::BAD_REQUEST, "Request was cancelled");
    }
    if let Some(errors) = &request.error {
        let mut response =
            wire::json_response(StatusCode::UNPROCESSABLE_ENTITY, &json!({"detail": errors}));
        wire::insert_header(
            response.headers_mut(),
            HeaderName::from_static("x-fal-retryable"),
            "false",
        );
        return response;
    }
    let url = sim.media.url("fal", id, media::expiry(sim, MEDIA_TTL));
    wire::json_response(
        StatusCode::OK,
        &json!({"video": {
            "url": url,
            "content_type": "video/mp4",
            "file_name": "output.mp4",
            "file_size": assets::SAMPLE_MP4.len(),
        }}),
    )
}

fn cancel(sim: &Sim, app: &str, id: &str) -> Response {
    let now = sim.clock.now();
    let mut state = sim.fal.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(index) = state
        .requests
        .iter()
        .position(|r| r.id == id && r.app == app)
    else {
        return wire::json_response(StatusCode::NOT_FOUND, &json!({"status": "NOT_FOUND"}));
    };
    if matches!(
        phase(sim, &state, &state.requests[index], now),
        Phase::Completed(_)
    ) {
        return wire::json_response(
            StatusCode::BAD_REQUEST,
            &json!({"status": "ALREADY_COMPLETED"}),
        );
    }
    state.requests[index].cancelled_at = Some(now);
    wire::json_response(
        StatusCode::ACCEPTED,
        &json!({"status": "CANCELLATION_REQUESTED"}),
    )
}
