//! Runway's API (`runway-api.md`), on the API listener under `/v1/`:
//! - `POST /v1/text_to_video`, `POST /v1/image_to_video` → 200 `{id, estimatedCost:{credits}}`;
//!   bodies are unions keyed on `model`, camelCase, checked as [`models`] says;
//! - `GET /v1/tasks/{id}` → the task: `PENDING` → (`THROTTLED` while the model's
//!   concurrency is used up) → `RUNNING` with `progress` 0..1 → `SUCCEEDED` with `output`
//!   (signed URLs on the media origin, fresh on every GET) and `cost`, or `FAILED` with
//!   `failure`, `failureCode` and `cost`;
//! - `DELETE /v1/tasks/{id}` → 204; the task is gone afterwards (404 `Could not find Task`);
//! - `GET /v1/organization` → tier, credit balance and usage.
//!
//! Checks in order: the key (`Authorization: Bearer`, 401), the route (404), then
//! `X-Runway-Version` (400 when missing or not `2024-11-06`; the doc leaves the answer [NC],
//! this is the strict reading of "required"), then the body (400 `Validation of body failed`
//! with `issues`). Choices where the doc is [NC]: 401 `{"error":"Invalid API key"}`; unknown
//! routes 404 `{"error":"Not found"}`; a task never shows `CANCELLED` (a delete removes it, as
//! captured); a moderated prompt fails `SAFETY.INPUT.TEXT` with cost 0 (refunded).

mod models;

use std::sync::PoisonError;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::clock::SimInstant;
use super::faults::{self, RetryAfter, Route as FaultRoute, Service};
use super::wire::{self, SimRequest};
use super::{Sim, media};

pub(crate) const RUNWAY_VERSION: &str = "2024-11-06";
/// How long the signed output URLs are valid (Runway: 24–48 h).
const OUTPUT_URL_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Steps of `RUNNING` before a task ends; `progress` rises across them.
const RUNNING_STEPS: u32 = 3;

#[derive(Debug)]
struct Task {
    id: String,
    model: String,
    created: SimInstant,
    /// When the task got a concurrency slot: later than `created` when it was throttled.
    starts: SimInstant,
    credits: u64,
    failure: Option<(&'static str, &'static str)>,
}

#[derive(Debug, Default)]
pub(crate) struct RunwayState {
    tasks: Vec<Task>,
    daily_generations: u64,
}

/// Paths this module answers.
pub(crate) fn owns(path: &str) -> bool {
    [
        "/v1/text_to_video",
        "/v1/image_to_video",
        "/v1/organization",
    ]
    .contains(&path)
        || path.starts_with("/v1/tasks")
        || path.starts_with("/v1/organization/")
}

pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    wire::json_response(status, &json!({"error": message}))
}

pub(crate) fn validation(issues: Vec<Value>) -> Response {
    wire::json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "error": "Validation of body failed",
            "issues": issues,
            "docUrl": "https://docs.dev.runwayml.com/api",
        }),
    )
}

/// How long a task stays in each non-terminal step.
fn step_of(sim: &Sim) -> Duration {
    sim.config.runway_step.unwrap_or(sim.config.status_step)
}

impl Task {
    fn end(&self, step: Duration) -> SimInstant {
        self.starts.after(step * (1 + RUNNING_STEPS))
    }
}

pub(crate) fn handle(sim: &Sim, request: &SimRequest) -> Response {
    let key_ok = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|k| k == sim.config.runway_api_key);
    if !key_ok {
        return error(
            StatusCode::UNAUTHORIZED,
            "Invalid API key. Pass your key as `Authorization: Bearer <key>`.",
        );
    }
    let path = request.path.as_str();
    let method = &request.method;
    let route = match (method.clone(), path) {
        (Method::POST, "/v1/text_to_video") => Route::Create(models::Kind::TextToVideo),
        (Method::POST, "/v1/image_to_video") => Route::Create(models::Kind::ImageToVideo),
        (Method::GET, "/v1/organization") => Route::Organization,
        (Method::GET | Method::DELETE, _) if path.starts_with("/v1/tasks/") => {
            let id = &path["/v1/tasks/".len()..];
            if id.is_empty() || id.contains('/') {
                return error(StatusCode::NOT_FOUND, "Not found");
            }
            if *method == Method::GET {
                Route::Get(id.to_string())
            } else {
                Route::Delete(id.to_string())
            }
        }
        _ if owns(path) && ["/v1/text_to_video", "/v1/image_to_video"].contains(&path) => {
            return error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed");
        }
        _ => return error(StatusCode::NOT_FOUND, "Not found"),
    };
    match request.header("x-runway-version") {
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "The X-Runway-Version header is required. Set it to 2024-11-06.",
            );
        }
        Some(v) if v != RUNWAY_VERSION => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Unsupported API version `{v}`. Supported versions: 2024-11-06."),
            );
        }
        Some(_) => {}
    }
    match route {
        Route::Create(kind) => create(sim, request, kind),
        Route::Get(id) => get(sim, &id),
        Route::Delete(id) => delete(sim, &id),
        Route::Organization => organization(sim),
    }
}

enum Route {
    Create(models::Kind),
    Get(String),
    Delete(String),
    Organization,
}

fn create(sim: &Sim, request: &SimRequest, kind: models::Kind) -> Response {
    let body = match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(body)) => body,
        _ => {
            return validation(vec![json!({
                "code": "invalid_type", "expected": "object", "path": [],
                "message": "Expected a JSON object body",
            })]);
        }
    };
    let checked = match models::check(kind, &body) {
        Ok(checked) => checked,
        Err(issues) => return validation(issues),
    };
    let moderated = sim
        .config
        .fail_prompts_containing
        .as_deref()
        .is_some_and(|needle| checked.prompt.contains(needle));
    let now = sim.clock.now();
    if sim
        .faults
        .demo_refuse_create(Service::Runway, &checked.prompt)
    {
        return faults::status_response(
            Service::Runway,
            Some(FaultRoute::Create),
            429,
            Some(&RetryAfter::Secs(2)),
            None,
            sim.clock.wall(now),
        );
    }
    let moderated = moderated || checked.prompt.contains(faults::TAG_MODERATION);
    let step = step_of(sim);
    let mut state = sim.runway.lock().unwrap_or_else(PoisonError::into_inner);
    // Tasks of the same model still holding or waiting for a slot.
    let mut ends: Vec<SimInstant> = state
        .tasks
        .iter()
        .filter(|t| t.model == checked.model && t.end(step) > now)
        .map(|t| t.end(step))
        .collect();
    ends.sort();
    let limit = sim.config.runway_max_concurrent.max(1);
    let mut starts = if ends.len() >= limit {
        ends[ends.len() - limit]
    } else {
        now
    };
    if checked.prompt.contains(faults::TAG_THROTTLED) {
        starts = starts.max(now.after(step * 2));
    }
    let id = wire::uuid_v4();
    state.daily_generations += 1;
    state.tasks.push(Task {
        id: id.clone(),
        model: checked.model.clone(),
        created: now,
        starts,
        credits: checked.credits,
        failure: moderated.then_some((
            "SAFETY.INPUT.TEXT",
            "Your prompt did not pass our content moderation. Credits were refunded.",
        )),
    });
    drop(state);
    sim.faults
        .demo_after_create(Service::Runway, &checked.prompt, &id, Some(&id));
    wire::json_response(
        StatusCode::OK,
        &json!({"id": id, "estimatedCost": {"credits": checked.credits}}),
    )
}

fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "Could not find Task")
}

fn get(sim: &Sim, id: &str) -> Response {
    let now = sim.clock.now();
    let step = step_of(sim);
    let state = sim.runway.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(task) = state.tasks.iter().find(|t| t.id == id) else {
        return not_found();
    };
    let created_at = wire::iso_millis(sim.clock.wall(task.created));
    let mut body = json!({"id": task.id, "createdAt": created_at});
    let estimated = json!({"credits": task.credits});
    if now < task.starts {
        body["status"] = json!("THROTTLED");
        body["estimatedCost"] = estimated;
    } else if now < task.starts.after(step) {
        body["status"] = json!("PENDING");
        body["estimatedCost"] = estimated;
    } else if let Some((code, failure)) = task.failure {
        body["status"] = json!("FAILED");
        body["failure"] = json!(failure);
        body["failureCode"] = json!(code);
        body["cost"] = json!({"credits": 0});
    } else if now < task.end(step) {
        let running = now.since(task.starts.after(step)).as_secs_f64();
        let total = (step * RUNNING_STEPS).as_secs_f64().max(f64::EPSILON);
        let progress = ((running / total) * 100.0).floor() / 100.0;
        body["status"] = json!("RUNNING");
        body["estimatedCost"] = estimated;
        body["progress"] = json!(progress.clamp(0.0, 0.99));
    } else {
        let url = sim
            .media
            .url("runway", &task.id, media::expiry(sim, OUTPUT_URL_TTL));
        body["status"] = json!("SUCCEEDED");
        body["output"] = json!([url]);
        body["cost"] = json!({"credits": task.credits});
    }
    wire::json_response(StatusCode::OK, &body)
}

fn delete(sim: &Sim, id: &str) -> Response {
    let mut state = sim.runway.lock().unwrap_or_else(PoisonError::into_inner);
    let before = state.tasks.len();
    state.tasks.retain(|t| t.id != id);
    if state.tasks.len() == before {
        return not_found();
    }
    wire::empty_response(StatusCode::NO_CONTENT)
}

fn organization(sim: &Sim) -> Response {
    let state = sim.runway.lock().unwrap_or_else(PoisonError::into_inner);
    let limit = sim.config.runway_max_concurrent;
    let tier_models: serde_json::Map<String, Value> = models::MODELS
        .iter()
        .map(|m| {
            (
                m.to_string(),
                json!({"maxConcurrentGenerations": limit, "maxDailyGenerations": 200}),
            )
        })
        .collect();
    wire::json_response(
        StatusCode::OK,
        &json!({
            "creditBalance": sim.config.runway_credit_balance,
            "tier": {"maxMonthlyCreditSpend": 10000, "models": tier_models},
            "usage": {"models": {"gen4.5": {"dailyGenerations": state.daily_generations}}},
        }),
    )
}
