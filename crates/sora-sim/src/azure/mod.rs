//! Azure OpenAI's Sora preview "video generation jobs" API (`sora-api-details.md` §1):
//! `{endpoint}/openai/v1/video/generations/...?api-version=preview`.
//!
//! Checks run in the order a client meets them on the real service: the gateway's key check
//! (401), then route matching (the generic 404 "Resource not found", which is also what the
//! original bug — `/content` without `/video` — got), then the operation's own checks.
//!
//! Create takes JSON, or multipart/form-data for image/video to video: the scalar fields as text
//! parts, `inpaint_items` a JSON-encoded array of `{frame_index, type, file_name, crop_bounds?}`,
//! and `files` parts whose filenames the items name. The multipart route needs `inpaint_items`
//! (the JSON route is there for text-only jobs); the job echoes the items.

pub(crate) mod errors;
mod jobs;

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::faults::{self, RetryAfter, Route, Service};
use super::wire::{self, ErrorAnswer, SimRequest};
use super::{Sim, assets, multipart};
use jobs::{Job, STATUSES};

const PREFIX: &str = "/openai/v1/video/generations";
const API_VERSION: &str = "preview";
const MAX_LIST_LIMIT: i64 = 100;

#[derive(Debug, Default)]
pub(crate) struct AzureState {
    /// In creation order (oldest first).
    jobs: Vec<Job>,
}

/// The operations of the API, matched from method and path.
enum Operation<'a> {
    CreateJob,
    ListJobs,
    GetJob(&'a str),
    DeleteJob(&'a str),
    GetGeneration(&'a str),
    Video(&'a str),
    Thumbnail(&'a str),
}

/// The dispatcher adds `apim-request-id` (see [`add_request_id`]).
pub(crate) fn handle(sim: &Sim, request: &SimRequest) -> Response {
    answer(sim, request).unwrap_or_else(ErrorAnswer::into_response)
}

/// Every answer of the gateway carries a troubleshooting id.
pub(crate) fn add_request_id(response: &mut Response) {
    wire::insert_header(
        response.headers_mut(),
        header::HeaderName::from_static("apim-request-id"),
        &wire::uuid_v4(),
    );
}

fn answer(sim: &Sim, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    authorize(sim, request)?;
    let operation = match_route(request).ok_or_else(errors::resource_not_found)?;
    match request.query_param("api-version").as_deref() {
        Some(API_VERSION) => {}
        other => return Err(errors::api_version(other)),
    }
    match operation {
        Operation::CreateJob => create_job(sim, request),
        Operation::ListJobs => list_jobs(sim, request),
        Operation::GetJob(id) => get_job(sim, id),
        Operation::DeleteJob(id) => delete_job(sim, id),
        Operation::GetGeneration(id) => get_generation(sim, id),
        Operation::Video(id) => content(sim, request, id, ContentKind::Video),
        Operation::Thumbnail(id) => content(sim, request, id, ContentKind::Thumbnail),
    }
}

/// `api-key: <key>` or `Authorization: Bearer <key>`.
fn authorize(sim: &Sim, request: &SimRequest) -> Result<(), ErrorAnswer> {
    let key = sim.config.azure_api_key.as_str();
    let by_header = request.header("api-key") == Some(key);
    let by_bearer = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        == Some(key);
    if by_header || by_bearer {
        Ok(())
    } else {
        Err(errors::unauthorized())
    }
}

fn match_route(request: &SimRequest) -> Option<Operation<'_>> {
    let rest = request.path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let segments: Vec<&str> = rest.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let method = &request.method;
    let operation = match segments.as_slice() {
        ["jobs"] if method == Method::POST => Operation::CreateJob,
        ["jobs"] if method == Method::GET => Operation::ListJobs,
        ["jobs", id] if method == Method::GET => Operation::GetJob(id),
        ["jobs", id] if method == Method::DELETE => Operation::DeleteJob(id),
        [id] if method == Method::GET => Operation::GetGeneration(id),
        [id, "content", "video"] if method == Method::GET || method == Method::HEAD => {
            Operation::Video(id)
        }
        [id, "content", "thumbnail"] if method == Method::GET => Operation::Thumbnail(id),
        _ => return None,
    };
    Some(operation)
}

fn lock(sim: &Sim) -> std::sync::MutexGuard<'_, AzureState> {
    sim.azure
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// JSON, or multipart/form-data with `inpaint_items` and `files` parts (image/video to video).
fn create_job(sim: &Sim, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    let (job_request, inpaint_items) =
        if request.media_type().as_deref() == Some("multipart/form-data") {
            let content_type = request.header("content-type").unwrap_or_default();
            let form = multipart::parse_request(content_type, &request.body).ok_or_else(|| {
                errors::invalid_request(
                    "The multipart/form-data body could not be parsed.".to_string(),
                    None,
                )
            })?;
            let mut fields = serde_json::Map::new();
            for name in [
                "model",
                "prompt",
                "width",
                "height",
                "n_seconds",
                "n_variants",
            ] {
                if let Some(value) = form.field(name) {
                    fields.insert(name.to_string(), Value::String(value));
                }
            }
            let job_request = jobs::validate_fields(&fields, &sim.config)?;
            let file_names: Vec<String> = form
                .all("files")
                .filter_map(|part| part.filename.clone())
                .collect();
            let items = jobs::validate_inpaint_items(form.field("inpaint_items"), &file_names)?;
            (job_request, Some(items))
        } else {
            (jobs::validate_create(&request.body, &sim.config)?, None)
        };
    let now = sim.clock.now();
    let wall = sim.clock.wall(now);
    if sim
        .faults
        .demo_refuse_create(Service::AzureSora, &job_request.prompt)
    {
        return Ok(faults::status_response(
            Service::AzureSora,
            Some(Route::Create),
            429,
            Some(&RetryAfter::Secs(2)),
            None,
            wall,
        ));
    }
    let generation_ids: Vec<String> = (0..job_request.n_variants)
        .map(|_| wire::ulid_like("gen_", wall))
        .collect();
    let mut job = Job::new(
        wire::ulid_like("task_", wall),
        job_request,
        now,
        generation_ids,
        &sim.config,
    );
    job.inpaint_items = inpaint_items;
    sim.faults.demo_after_create(
        Service::AzureSora,
        &job.request.prompt,
        &job.id,
        job.generation_ids.first().map(String::as_str),
    );
    let body = job.to_json(now, &sim.config, &sim.clock);
    lock(sim).jobs.push(job);
    // The spec says 200; the live service answered 201.
    Ok(wire::json_response(StatusCode::CREATED, &body))
}

fn get_job(sim: &Sim, id: &str) -> Result<Response, ErrorAnswer> {
    let now = sim.clock.now();
    let state = lock(sim);
    let job = state
        .jobs
        .iter()
        .find(|job| job.id == id && !job.expired(now, &sim.config))
        .ok_or_else(|| errors::no_such("job", id))?;
    Ok(wire::json_response(
        StatusCode::OK,
        &job.to_json(now, &sim.config, &sim.clock),
    ))
}

fn delete_job(sim: &Sim, id: &str) -> Result<Response, ErrorAnswer> {
    let now = sim.clock.now();
    let mut state = lock(sim);
    let index = state
        .jobs
        .iter()
        .position(|job| job.id == id && !job.expired(now, &sim.config))
        .ok_or_else(|| errors::no_such("job", id))?;
    state.jobs.remove(index);
    Ok(wire::empty_response(StatusCode::NO_CONTENT))
}

/// `limit` (required), `after` / `before` (job-id cursors), `statuses` (comma-separated).
/// Newest first.
fn list_jobs(sim: &Sim, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    let limit = match request.query_param("limit") {
        None => {
            return Err(errors::invalid_request(
                "Missing required query parameter: 'limit'.".to_string(),
                Some("limit"),
            ));
        }
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if (1..=MAX_LIST_LIMIT).contains(&n) => n as usize,
            _ => {
                return Err(errors::invalid_request(
                    format!(
                        "'limit' must be an integer between 1 and {MAX_LIST_LIMIT}, got '{raw}'."
                    ),
                    Some("limit"),
                ));
            }
        },
    };
    let statuses: Option<Vec<String>> = request
        .query_param("statuses")
        .filter(|s| !s.is_empty())
        .map(|raw| raw.split(',').map(|s| s.trim().to_string()).collect());
    if let Some(unknown) = statuses
        .iter()
        .flatten()
        .find(|s| !STATUSES.contains(&s.as_str()))
    {
        return Err(errors::invalid_request(
            format!(
                "Invalid status '{unknown}'. Valid statuses are: {}.",
                STATUSES.join(", ")
            ),
            Some("statuses"),
        ));
    }

    let now = sim.clock.now();
    let state = lock(sim);
    let matching: Vec<&Job> = state
        .jobs
        .iter()
        .rev()
        .filter(|job| !job.expired(now, &sim.config))
        // A lagging list (`list_lag`) does not show the newest jobs yet.
        .filter(|job| job.created.after(sim.config.list_lag) <= now)
        .filter(|job| {
            statuses.as_ref().is_none_or(|wanted| {
                wanted
                    .iter()
                    .any(|s| s == job.phase(now, &sim.config).status())
            })
        })
        .collect();
    let position = |cursor: &str| matching.iter().position(|job| job.id == cursor);
    let (page, has_more): (&[&Job], bool) = if let Some(after) = request.query_param("after") {
        let start = position(&after).map_or(matching.len(), |i| i + 1);
        let end = (start + limit).min(matching.len());
        (&matching[start..end], end < matching.len())
    } else if let Some(before) = request.query_param("before") {
        // The `limit` jobs just newer than the cursor.
        let end = position(&before).unwrap_or(0);
        let start = end.saturating_sub(limit);
        (&matching[start..end], start > 0)
    } else {
        let end = limit.min(matching.len());
        (&matching[..end], end < matching.len())
    };
    let data: Vec<Value> = page
        .iter()
        .map(|job| job.to_json(now, &sim.config, &sim.clock))
        .collect();
    let body = json!({
        "object": "list",
        "data": data,
        "first_id": page.first().map(|job| job.id.clone()),
        "last_id": page.last().map(|job| job.id.clone()),
        "has_more": has_more,
    });
    Ok(wire::json_response(StatusCode::OK, &body))
}

/// A generation exists from the moment its job succeeded until the job expires.
fn find_generation<'a>(state: &'a AzureState, sim: &Sim, generation_id: &str) -> Option<&'a Job> {
    let now = sim.clock.now();
    state.jobs.iter().find(|job| {
        job.generation_ids.iter().any(|id| id == generation_id)
            && job.phase(now, &sim.config) == jobs::Phase::Succeeded
            && !job.expired(now, &sim.config)
    })
}

fn get_generation(sim: &Sim, id: &str) -> Result<Response, ErrorAnswer> {
    let state = lock(sim);
    let job = find_generation(&state, sim, id).ok_or_else(|| errors::no_such("generation", id))?;
    Ok(wire::json_response(
        StatusCode::OK,
        &job.generation_json(id, &sim.config, &sim.clock),
    ))
}

#[derive(Clone, Copy)]
enum ContentKind {
    Video,
    Thumbnail,
}

fn content(
    sim: &Sim,
    request: &SimRequest,
    id: &str,
    kind: ContentKind,
) -> Result<Response, ErrorAnswer> {
    if let ContentKind::Video = kind
        && let Some(quality) = request.query_param("quality")
        && quality != "high"
        && quality != "low"
    {
        return Err(errors::invalid_request(
            format!("Invalid value '{quality}' for 'quality'. Valid values are: high, low."),
            Some("quality"),
        ));
    }
    let now = sim.clock.now();
    let finished = {
        let state = lock(sim);
        // Unknown id, a job id, not ready yet, or expired: the service says only "not found".
        let job = find_generation(&state, sim, id)
            .filter(|job| job.content_ready(now, &sim.config))
            .ok_or_else(errors::resource_not_found)?;
        job.finished(&sim.config)
    };
    let (data, content_type) = match kind {
        ContentKind::Video => (assets::SAMPLE_MP4, "video/mp4"),
        ContentKind::Thumbnail => (assets::THUMBNAIL_JPG, "image/jpg"),
    };
    let mut response = wire::ranged_bytes(request, &bytes::Bytes::from_static(data));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    wire::insert_header(
        headers,
        header::LAST_MODIFIED,
        &httpdate::fmt_http_date(sim.clock.wall(finished)),
    );
    Ok(response)
}
