//! The API listener's request path: the body read (uploads streamed to disk), the fault rules
//! consulted, the service's handler called, the answer recorded.

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;

use super::faults::{self, Fault, Phase, Route, Service};
use super::wire::{self, SimRequest};
use super::{
    MAX_BODY_BYTES, Sim, azure, control, corrupt, fal, media, runway, spool, storage, videos,
};

pub(crate) async fn serve_api(sim: Arc<Sim>, request: Request, tls: bool) -> Response {
    let (parts, body) = request.into_parts();
    let service = Service::of(parts.uri.path());
    let route = Route::classify(service, &parts.method, parts.uri.path());
    let too_large = |error: &dyn std::fmt::Display| {
        tracing::debug!(%error, "simulator could not read a request body");
        let mut response = wire::empty_response(StatusCode::PAYLOAD_TOO_LARGE);
        add_service_headers(service, &mut response);
        response
    };
    // Uploads go to disk as they arrive; everything else is small and read whole.
    let (body, spooled) = if matches!(route, Some(Route::StorageUpload | Route::StorageResumable)) {
        let dir = spool::temp_dir(sim.config.data_dir.as_deref());
        let forms = route == Some(Route::StorageUpload);
        match spool::spool(&parts.headers, body, forms, &dir, MAX_BODY_BYTES as u64).await {
            Ok(spooled) => (bytes::Bytes::new(), Some(spooled)),
            Err(spool::SpoolError::TooLarge) => {
                return too_large(&format!("more than {MAX_BODY_BYTES} bytes"));
            }
            Err(spool::SpoolError::Body(error)) => return too_large(&error),
            Err(spool::SpoolError::Disk(error)) => {
                tracing::warn!(%error, dir = %dir.display(), "simulator cannot spool an upload");
                let mut response = wire::empty_response(StatusCode::INTERNAL_SERVER_ERROR);
                add_service_headers(service, &mut response);
                return response;
            }
        }
    } else {
        match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
            Ok(body) => (body, None),
            Err(error) => return too_large(&error),
        }
    };
    let request = SimRequest {
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body,
        spooled,
    };
    if control::owns(&request.path) {
        return control::handle(&sim, &request);
    }
    let serve = |sim: &Sim| match service {
        Service::Storage => storage::handle(sim, &request),
        Service::AzureV1 | Service::OpenAI => videos::handle(sim, service, &request),
        Service::AzureSora => azure::handle(sim, &request),
        Service::Runway => runway::handle(sim, &request),
        Service::Fal => fal::handle(sim, &request, tls),
    };
    let mut response = match sim
        .faults
        .take(Phase::Before, service, route, &request.path)
    {
        // A slow upload: the body was received, the answer comes late (a client killed or
        // cut off meanwhile never learns whether it was stored).
        Some(Fault::Stall { for_, .. }) => {
            tokio::time::sleep(for_).await;
            serve(&sim)
        }
        Some(fault) => fault_response(&sim, service, route, &request, &fault),
        None => serve(&sim),
    };
    if sim.config.content_digests
        && request.method == Method::GET
        && response.status() == StatusCode::OK
        && matches!(route, Some(Route::Content | Route::StorageDownload))
    {
        response = corrupt::with_digests(response).await;
    }
    if request.method == Method::GET
        && response.status().is_success()
        && let Some(fault) = sim.faults.take(Phase::Body, service, route, &request.path)
    {
        response = faults::break_body(response, &fault).await;
    }
    add_service_headers(service, &mut response);
    // The server's clock as clients see it: moved with `advance_clock`, so a client's skew
    // check can be tested.
    let date = httpdate::fmt_http_date(sim.clock.wall(sim.clock.now()));
    wire::insert_header(response.headers_mut(), axum::http::header::DATE, &date);
    sim.recorder
        .record(&request, response.status().as_u16(), "api");
    response
}

/// The answer of a fault that replaces the service's own.
pub(crate) fn fault_response(
    sim: &Sim,
    service: Service,
    route: Option<Route>,
    request: &SimRequest,
    fault: &Fault,
) -> Response {
    match fault {
        Fault::Status {
            code,
            retry_after,
            body,
        } => faults::status_response(
            service,
            route,
            *code,
            retry_after.as_ref(),
            body.as_deref(),
            sim.clock.wall(sim.clock.now()),
        ),
        Fault::HtmlOk => faults::html_ok_response(),
        Fault::FakeMp4 => corrupt::fake_mp4_response(),
        Fault::CutUpload { after_bytes } => storage::cut_upload(sim, request, *after_bytes),
        Fault::Expired => match service {
            Service::AzureSora => azure::errors::resource_not_found().into_response(),
            Service::AzureV1 | Service::OpenAI => videos::expired_response(&request.path),
            Service::Storage => storage::expired_response(),
            Service::Runway | Service::Fal => media::expired_response(),
        },
        // Body faults are taken only after a successful answer.
        Fault::ResetMidBody { .. }
        | Fault::ShortBody { .. }
        | Fault::Stall { .. }
        | Fault::UnderReportedLength { .. }
        | Fault::NoLength { .. }
        | Fault::ChangedBytes => wire::empty_response(StatusCode::INTERNAL_SERVER_ERROR),
    }
}

/// The troubleshooting id each service puts on every answer: Azure's `apim-request-id`,
/// OpenAI's `x-request-id`.
pub(crate) fn add_service_headers(service: Service, response: &mut Response) {
    match service {
        Service::AzureSora | Service::AzureV1 => azure::add_request_id(response),
        Service::OpenAI => wire::insert_header(
            response.headers_mut(),
            axum::http::HeaderName::from_static("x-request-id"),
            &format!("req_{}", wire::hex(&fastrand::u128(..).to_be_bytes())),
        ),
        // fal's handler adds its own `x-fal-request-id`; Runway documents none.
        Service::Storage | Service::Runway | Service::Fal => {}
    }
}
