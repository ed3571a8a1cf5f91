//! The answers faults give: error statuses in each service's own shape, the captive-portal page,
//! and broken bodies.

use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::StreamExt;
use serde_json::{Value, json};

use super::{Fault, RetryAfter, Route, Service};
use crate::wire;

/// How long a cut body waits, after its last bytes, before it ends.
const FLUSH_PAUSE: Duration = Duration::from_millis(20);

/// The error answer of a [`Fault::Status`], in the service's shape.
pub(crate) fn status_response(
    service: Service,
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
            &default_error_body(service, route, status, wait_secs),
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
    service: Service,
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
    match (service, code) {
        (Service::OpenAI, 429) => openai(
            format!("Rate limit reached for requests. {again}"),
            "requests",
            Some("rate_limit_exceeded"),
        ),
        (Service::AzureV1, 429) if route == Some(Route::Create) => openai(
            "Too many running tasks. Wait for a running video job to finish, then try again."
                .to_string(),
            "video_generation_user_error",
            None,
        ),
        (Service::AzureSora | Service::AzureV1, 429) => {
            azure("429", format!("Rate limit is exceeded. {again}"))
        }
        (Service::OpenAI | Service::AzureV1, 500) => openai(
            "The server had an error while processing your request. Sorry about that!".to_string(),
            "server_error",
            None,
        ),
        (Service::OpenAI | Service::AzureV1, 503) => openai(
            "The server is overloaded or not ready yet.".to_string(),
            "server_error",
            None,
        ),
        (Service::OpenAI | Service::AzureV1, 500..) => {
            openai(format!("{reason}."), "server_error", None)
        }
        (Service::OpenAI | Service::AzureV1, _) => {
            openai(format!("{reason}."), "invalid_request_error", None)
        }
        (Service::AzureSora, 500) => azure(
            "InternalServerError",
            "The server had an error while processing your request.".to_string(),
        ),
        (Service::AzureSora, 502) => azure("BadGateway", "Bad gateway.".to_string()),
        (Service::AzureSora, 503) => azure(
            "ServiceUnavailable",
            format!("The service is temporarily unavailable. {again}"),
        ),
        (Service::AzureSora, _) => azure(&code.to_string(), reason.to_string()),
        (Service::Runway, 429) => json!({"error": format!("Too many requests. {again}")}),
        (Service::Runway, _) => json!({"error": reason}),
        (Service::Fal, 503) => {
            json!({"detail": "Runner scheduling failure", "error_type": "runner_scheduling_failure"})
        }
        (Service::Fal, 504) => {
            json!({"detail": "Request timed out", "error_type": "request_timeout"})
        }
        (Service::Fal, _) => json!({"detail": reason}),
        // Supabase's API gateway (Kong) answers rate limits and upstream failures itself.
        (Service::Storage, 429) => json!({"message": "API rate limit exceeded"}),
        (Service::Storage, 502) => {
            json!({"message": "An invalid response was received from the upstream server"})
        }
        (Service::Storage, 503) => json!({"message": "Service Temporarily Unavailable"}),
        (Service::Storage, _) => json!({
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
    if let Some(corrupt) = crate::corrupt::body(&mut parts, &data, fault) {
        return Response::from_parts(parts, corrupt);
    }
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
        // Corrupt bodies were answered above; the others are not body faults.
        Fault::Status { .. }
        | Fault::HtmlOk
        | Fault::Expired
        | Fault::CutUpload { .. }
        | Fault::FakeMp4
        | Fault::UnderReportedLength { .. }
        | Fault::NoLength { .. }
        | Fault::ChangedBytes => Body::from(data),
    };
    Response::from_parts(parts, body)
}
