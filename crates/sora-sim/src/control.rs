//! The simulator's own control routes, for a separate `sora-tui sim` process (tests use
//! [`SimHandle`](super::SimHandle) directly). They live under `/__sim/`, outside every real
//! service's path space, need no key, and are not recorded.
//!
//! - `POST /__sim/faults`: a [`FaultRule`] as JSON (or an array of them) → 200 `{"faults":[...]}`
//!   (every rule now in force);
//! - `GET /__sim/faults` → 200 `{"faults":[...]}`; `DELETE /__sim/faults` → 204, all rules gone;
//! - `GET /__sim/requests` → 200, the recorded requests as a JSON array of `{method, path, query,
//!   headers: [[name, value]...], body (UTF-8, lossy), body_len, status, origin}` (origin `api` or `media`);
//!   `DELETE /__sim/requests` → 204, the record cleared.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::Sim;
use super::faults::FaultRule;
use super::wire::{self, SimRequest};

const PREFIX: &str = "/__sim";

pub(crate) fn owns(path: &str) -> bool {
    path == PREFIX || path.starts_with("/__sim/")
}

fn error(status: StatusCode, message: String) -> Response {
    wire::json_response(status, &json!({"error": message}))
}

fn faults_body(sim: &Sim) -> Value {
    json!({"faults": sim.faults.rules()})
}

pub(crate) fn handle(sim: &Sim, request: &SimRequest) -> Response {
    let route = request.path.strip_prefix(PREFIX).unwrap_or_default();
    let method = &request.method;
    match route {
        "/faults" if method == Method::GET => {
            wire::json_response(StatusCode::OK, &faults_body(sim))
        }
        "/faults" if method == Method::POST => {
            let rules = serde_json::from_slice::<Vec<FaultRule>>(&request.body).or_else(|_| {
                serde_json::from_slice::<FaultRule>(&request.body).map(|rule| vec![rule])
            });
            match rules {
                Ok(rules) => {
                    for rule in rules {
                        sim.faults.inject(rule);
                    }
                    wire::json_response(StatusCode::OK, &faults_body(sim))
                }
                Err(parse_error) => error(
                    StatusCode::BAD_REQUEST,
                    format!("not a fault rule (or an array of them): {parse_error}"),
                ),
            }
        }
        "/faults" if method == Method::DELETE => {
            sim.faults.clear();
            wire::empty_response(StatusCode::NO_CONTENT)
        }
        "/requests" if method == Method::GET => {
            let records: Vec<Value> = sim
                .recorder
                .snapshot()
                .into_iter()
                .map(|r| {
                    json!({
                        "method": r.method,
                        "path": r.path,
                        "query": r.query,
                        "headers": r.headers,
                        "body": String::from_utf8_lossy(&r.body),
                        "body_len": r.body.len(),
                        "status": r.status,
                        "origin": r.origin,
                    })
                })
                .collect();
            wire::json_response(StatusCode::OK, &Value::Array(records))
        }
        "/requests" if method == Method::DELETE => {
            sim.recorder.clear();
            wire::empty_response(StatusCode::NO_CONTENT)
        }
        _ => error(
            StatusCode::NOT_FOUND,
            format!("no simulator control route {method} {}", request.path),
        ),
    }
}
