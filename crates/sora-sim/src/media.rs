//! The media origin: a second listener (its own port, so another origin than the APIs) that
//! serves generated videos at signed, expiring URLs, as Runway's CloudFront URLs
//! (`…/output.mp4?_jwt=…`) and fal's CDN URLs are.
//!
//! - `GET|HEAD /{service}/{task}/output.mp4?exp=<unix secs>&sig=<hex>`: the sample MP4 with
//!   `Range` support; `sig` is an HMAC-SHA256 of the path and `exp` under a secret made at start.
//! - A bad or missing signature → 403; a URL past `exp` → 403 with "Request has expired"
//!   (what a CDN answers; Runway's client gets fresh URLs by getting the task again).
//! - No key is accepted or needed: a request that carries `Authorization` is refused with 400,
//!   as an origin that takes only query-string signatures refuses a second auth mechanism. Every
//!   request is recorded with origin `media`, so tests can prove no key reached it.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use ring::hmac;

use super::faults::{self, Fault, Phase, Route, Service};
use super::wire::{self, SimRequest};
use super::{MAX_BODY_BYTES, Sim, assets};

pub(crate) struct MediaSigner {
    key: hmac::Key,
    /// `http://127.0.0.1:PORT` of the media listener.
    pub(crate) base: String,
}

impl std::fmt::Debug for MediaSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSigner")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl MediaSigner {
    pub(crate) fn new(base: String) -> Self {
        let secret = fastrand::u128(..).to_be_bytes();
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, &secret),
            base,
        }
    }

    fn sign(&self, path: &str, exp: u64) -> String {
        let tag = hmac::sign(&self.key, format!("{path}\n{exp}").as_bytes());
        wire::hex(tag.as_ref())
    }

    /// Whether `sig` (hex) signs `path` and `exp`, compared in constant time by ring.
    fn verify(&self, path: &str, exp: u64, sig: &str) -> bool {
        let bytes: Option<Vec<u8>> = (0..sig.len())
            .step_by(2)
            .map(|i| {
                sig.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        bytes.is_some_and(|tag| {
            hmac::verify(&self.key, format!("{path}\n{exp}").as_bytes(), &tag).is_ok()
        })
    }

    /// A URL for `service`'s output of `task`, valid until `expires_unix` (Unix seconds).
    pub(crate) fn url(&self, service: &str, task: &str, expires_unix: u64) -> String {
        let path = format!("/{service}/{task}/output.mp4");
        let sig = self.sign(&path, expires_unix);
        format!("{}{path}?exp={expires_unix}&sig={sig}", self.base)
    }
}

/// Unix seconds of the simulator's clock, `after` from now.
pub(crate) fn expiry(sim: &Sim, after: Duration) -> u64 {
    sim.clock
        .wall(sim.clock.now().after(after))
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn text(status: StatusCode, message: &str) -> Response {
    let mut response = Response::new(axum::body::Body::from(message.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// What a CDN answers for a URL past its expiry.
pub(crate) fn expired_response() -> Response {
    text(StatusCode::FORBIDDEN, "Request has expired")
}

pub(crate) fn handle(sim: &Sim, request: &SimRequest) -> Response {
    if request.method != Method::GET && request.method != Method::HEAD {
        return text(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    }
    if request.header("authorization").is_some() {
        return text(
            StatusCode::BAD_REQUEST,
            "Only one auth mechanism allowed; only the signature in the query string is accepted here",
        );
    }
    let valid_path = {
        let parts: Vec<&str> = request.path.split('/').collect();
        parts.len() == 4 && parts[0].is_empty() && parts[3] == "output.mp4"
    };
    if !valid_path {
        return text(StatusCode::NOT_FOUND, "Not Found");
    }
    let exp = request
        .query_param("exp")
        .and_then(|e| e.parse::<u64>().ok());
    let sig = request.query_param("sig");
    let (Some(exp), Some(sig)) = (exp, sig) else {
        return text(
            StatusCode::FORBIDDEN,
            "Missing Key-Pair-Id query parameter or cookie value",
        );
    };
    if !sim.media.verify(&request.path, exp, &sig) {
        return text(StatusCode::FORBIDDEN, "Invalid signature");
    }
    if expiry(sim, Duration::ZERO) > exp {
        return expired_response();
    }
    let mut response = wire::ranged_bytes(request, &Bytes::from_static(assets::SAMPLE_MP4));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    response
}

pub(crate) async fn read(request: Request) -> Result<SimRequest, Response> {
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => Ok(SimRequest {
            method: parts.method,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
            spooled: None,
        }),
        Err(_) => Err(wire::empty_response(StatusCode::PAYLOAD_TOO_LARGE)),
    }
}

/// The media origin: only generated outputs, recorded as `media`.
pub(crate) async fn dispatch(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let request = match read(request).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    // The outputs' faults (`[reset]`, `[stall]`, `[html]`, `[expired]`...) fire here.
    let service = if request.path.starts_with("/fal/") {
        Service::Fal
    } else {
        Service::Runway
    };
    let route = Route::classify(service, &request.method, &request.path);
    let mut response = match sim
        .faults
        .take(Phase::Before, service, route, &request.path)
    {
        Some(Fault::Stall { for_, .. }) => {
            tokio::time::sleep(for_).await;
            handle(&sim, &request)
        }
        Some(fault) => crate::fault_response(&sim, service, route, &request, &fault),
        None => handle(&sim, &request),
    };
    if request.method == Method::GET
        && response.status().is_success()
        && let Some(fault) = sim.faults.take(Phase::Body, service, route, &request.path)
    {
        response = faults::break_body(response, &fault).await;
    }
    sim.recorder
        .record(&request, response.status().as_u16(), "media");
    response
}
