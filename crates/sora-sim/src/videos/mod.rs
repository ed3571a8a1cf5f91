//! The Videos API (`sora-api.md` §2–3), served twice on the same listener:
//! - OpenAI: `/v1/videos...`, `Authorization: Bearer <openai_api_key>`;
//! - Azure OpenAI Sora 2: `/openai/v1/videos...`, `api-key: <key>` or `Authorization: Bearer
//!   <key>`, optional `api-version` (`preview` or `v1`), `model` = a deployment name.
//!
//! Each base keeps its own videos. Checks run in the order a client meets them: the key (401),
//! route matching (404), `api-version` (Azure), then the operation's own checks.
//!
//! Choices where the docs leave the wire format open (all errors use OpenAI's
//! `{"error":{"message","type","param","code"}}` unless said otherwise):
//! - unknown OpenAI model → 404 `model_not_found`; unknown Azure deployment → Azure's 404
//!   `video_generation_user_error` body;
//! - a moderated video ends `failed` with `error: {"code": "moderation_blocked", ...}`;
//! - content before `completed` (or of a failed video) → 400 `invalid_request_error`; during the
//!   content lag → 404; after `expires_at` → 404 (the video object itself stays retrievable);
//! - delete of a `queued`/`in_progress` video → 400 (the SDK documents deleting completed or
//!   failed videos);
//! - retrieve answers `openai-poll-after-ms: <status_step in ms>`;
//! - the OpenAI base answers `x-request-id`, the Azure base `apim-request-id` (added by the
//!   dispatcher);
//! - unknown routes: OpenAI's "Invalid URL (METHOD /path)" 404, Azure's `{"detail":"Not Found"}`.

mod errors;
mod image;
mod video;

use std::sync::{MutexGuard, PoisonError};

use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::faults::{self, RetryAfter, Route, Service};
use super::wire::{self, ErrorAnswer, SimRequest};
use super::{Sim, assets, azure};
use video::{ContentState, Phase, Video};

const DEFAULT_LIST_LIMIT: usize = 20;
const MAX_LIST_LIMIT: i64 = 100;
const AZURE_API_VERSIONS: [&str; 2] = ["preview", "v1"];

#[derive(Debug, Default)]
pub(crate) struct VideosState {
    /// Both bases' videos, in creation order.
    videos: Vec<Video>,
}

/// A JSON object body, or OpenAI's "could not parse" error.
pub(crate) fn json_object(body: &Bytes) -> Result<Map<String, Value>, ErrorAnswer> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(errors::invalid(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)".to_string(),
            None,
            None,
        )),
    }
}

enum Operation<'a> {
    Create,
    List,
    Retrieve(&'a str),
    Delete(&'a str),
    Content(&'a str),
    Remix(&'a str),
}

fn base(service: Service) -> &'static str {
    if service == Service::OpenAI {
        "/v1/videos"
    } else {
        "/openai/v1/videos"
    }
}

pub(crate) fn handle(sim: &Sim, service: Service, request: &SimRequest) -> Response {
    answer(sim, service, request).unwrap_or_else(ErrorAnswer::into_response)
}

fn answer(sim: &Sim, service: Service, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    authorize(sim, service, request)?;
    let operation = match_route(service, request).ok_or_else(|| unknown_route(service, request))?;
    if service == Service::AzureV1
        && let Some(version) = request.query_param("api-version")
        && !AZURE_API_VERSIONS.contains(&version.as_str())
    {
        return Err(ErrorAnswer::new(
            StatusCode::BAD_REQUEST,
            json!({"error": {"code": "BadRequest", "message": "API version not supported"}}),
        ));
    }
    match operation {
        Operation::Create => create(sim, service, request),
        Operation::List => list(sim, service, request),
        Operation::Retrieve(id) => retrieve(sim, service, id),
        Operation::Delete(id) => delete(sim, service, id),
        Operation::Content(id) => content(sim, service, request, id),
        Operation::Remix(id) => remix(sim, service, request, id),
    }
}

/// OpenAI shows a few characters of a wrong key, never the whole key.
fn mask_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let (head, tail) = match chars.len() {
        n if n >= 16 => (8, 4),
        n if n >= 8 => (2, 2),
        _ => (0, 0),
    };
    let stars = chars.len() - head - tail;
    let mut masked: String = chars[..head].iter().collect();
    masked.push_str(&"*".repeat(stars));
    masked.extend(&chars[chars.len() - tail..]);
    masked
}

fn authorize(sim: &Sim, service: Service, request: &SimRequest) -> Result<(), ErrorAnswer> {
    let bearer = request.header("authorization").map(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
            .unwrap_or(v)
            .trim()
    });
    if service == Service::AzureV1 {
        let key = sim.config.azure_api_key.as_str();
        if request.header("api-key") == Some(key) || bearer == Some(key) {
            return Ok(());
        }
        return Err(azure::errors::unauthorized());
    }
    match bearer {
        Some(key) if key == sim.config.openai_api_key => Ok(()),
        None | Some("") => Err(errors::openai(
            StatusCode::UNAUTHORIZED,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.".to_string(),
            "invalid_request_error",
            None,
            None,
        )),
        Some(key) => Err(errors::openai(
            StatusCode::UNAUTHORIZED,
            format!(
                "Incorrect API key provided: {}. You can find your API key at https://platform.openai.com/account/api-keys.",
                mask_key(key)
            ),
            "invalid_request_error",
            None,
            Some("invalid_api_key"),
        )),
    }
}

fn match_route(service: Service, request: &SimRequest) -> Option<Operation<'_>> {
    let rest = request.path.strip_prefix(base(service))?;
    let segments: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.strip_prefix('/')?.split('/').collect()
    };
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let method = &request.method;
    let operation = match segments.as_slice() {
        [] if method == Method::POST => Operation::Create,
        [] if method == Method::GET => Operation::List,
        [id] if method == Method::GET => Operation::Retrieve(id),
        [id] if method == Method::DELETE => Operation::Delete(id),
        [id, "content"] if method == Method::GET || method == Method::HEAD => {
            Operation::Content(id)
        }
        [id, "remix"] if method == Method::POST => Operation::Remix(id),
        _ => return None,
    };
    Some(operation)
}

fn unknown_route(service: Service, request: &SimRequest) -> ErrorAnswer {
    if service == Service::AzureV1 {
        return ErrorAnswer::new(StatusCode::NOT_FOUND, json!({"detail": "Not Found"}));
    }
    errors::openai(
        StatusCode::NOT_FOUND,
        format!("Invalid URL ({} {})", request.method, request.path),
        "invalid_request_error",
        None,
        None,
    )
}

fn lock(sim: &Sim) -> MutexGuard<'_, VideosState> {
    sim.videos.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `video_` + 32 hex digits: the creation time (Unix seconds, 8 digits) then 24 random, as the
/// ids OpenAI hands out begin with the creation time.
fn new_id(unix_secs: u64) -> String {
    format!(
        "video_{:08x}{:024x}",
        unix_secs & 0xFFFF_FFFF,
        fastrand::u128(..) & ((1u128 << 96) - 1)
    )
}

fn find<'a>(state: &'a VideosState, service: Service, id: &str) -> Option<&'a Video> {
    state
        .videos
        .iter()
        .find(|v| v.service == service && v.id == id)
}

/// Adds the video, applies the prompt's demo tags and answers it (or the `[429]` refusal).
fn start_video(
    sim: &Sim,
    service: Service,
    request: video::VideoRequest,
    remixed_from: Option<String>,
) -> Result<Response, ErrorAnswer> {
    let now = sim.clock.now();
    if sim.faults.demo_refuse_create(service, &request.prompt) {
        return Ok(faults::status_response(
            service,
            Some(Route::Create),
            429,
            Some(&RetryAfter::Secs(2)),
            None,
            sim.clock.wall(now),
        ));
    }
    let id = new_id(sim.clock.unix_secs(now));
    let video = Video::new(id.clone(), service, request, now, remixed_from, &sim.config);
    sim.faults
        .demo_after_create(service, &video.request.prompt, &id, Some(&id));
    let body = video.to_json(now, &sim.config, &sim.clock);
    lock(sim).videos.push(video);
    Ok(wire::json_response(StatusCode::OK, &body))
}

fn create(sim: &Sim, service: Service, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    let video_request = video::validate_create(service, request, &sim.config)?;
    start_video(sim, service, video_request, None)
}

fn remix(
    sim: &Sim,
    service: Service,
    request: &SimRequest,
    id: &str,
) -> Result<Response, ErrorAnswer> {
    let fields = json_object(&request.body)?;
    let prompt = match fields.get("prompt") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        None | Some(Value::Null) => {
            return Err(errors::invalid(
                "Missing required parameter: 'prompt'.".to_string(),
                Some("prompt"),
                Some("missing_required_parameter"),
            ));
        }
        Some(_) => {
            return Err(errors::invalid(
                "Invalid 'prompt': expected a non-empty string.".to_string(),
                Some("prompt"),
                Some("invalid_value"),
            ));
        }
    };
    let now = sim.clock.now();
    let source = {
        let state = lock(sim);
        let source = find(&state, service, id).ok_or_else(|| errors::not_found(id))?;
        let phase = source.phase(now, &sim.config);
        if phase != Phase::Completed {
            return Err(errors::invalid(
                format!(
                    "Video '{id}' cannot be remixed: its status is '{}'; only completed videos can be remixed.",
                    phase.status()
                ),
                None,
                None,
            ));
        }
        source.request.clone()
    };
    let remix_request = video::VideoRequest { prompt, ..source };
    start_video(sim, service, remix_request, Some(id.to_string()))
}

fn retrieve(sim: &Sim, service: Service, id: &str) -> Result<Response, ErrorAnswer> {
    let now = sim.clock.now();
    let state = lock(sim);
    let video = find(&state, service, id).ok_or_else(|| errors::not_found(id))?;
    let mut response =
        wire::json_response(StatusCode::OK, &video.to_json(now, &sim.config, &sim.clock));
    let poll_after = sim.config.status_step.as_millis().max(1);
    wire::insert_header(
        response.headers_mut(),
        HeaderName::from_static("openai-poll-after-ms"),
        &poll_after.to_string(),
    );
    Ok(response)
}

fn delete(sim: &Sim, service: Service, id: &str) -> Result<Response, ErrorAnswer> {
    let now = sim.clock.now();
    let mut state = lock(sim);
    let index = state
        .videos
        .iter()
        .position(|v| v.service == service && v.id == id)
        .ok_or_else(|| errors::not_found(id))?;
    let phase = state.videos[index].phase(now, &sim.config);
    if !matches!(phase, Phase::Completed | Phase::Failed) {
        return Err(errors::invalid(
            format!(
                "Video '{id}' cannot be deleted while its status is '{}'; only completed or failed videos can be deleted.",
                phase.status()
            ),
            None,
            None,
        ));
    }
    state.videos.remove(index);
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"id": id, "object": "video.deleted", "deleted": true}),
    ))
}

/// `after` (a video id cursor), `limit` (1 to 100, default 20), `order` (`asc`|`desc`, default
/// `desc`: newest first).
fn list(sim: &Sim, service: Service, request: &SimRequest) -> Result<Response, ErrorAnswer> {
    let limit = match request.query_param("limit") {
        None => DEFAULT_LIST_LIMIT,
        Some(raw) => match raw.parse::<i64>() {
            Ok(n) if n < 1 => {
                return Err(errors::invalid(
                    format!(
                        "Invalid 'limit': integer below minimum value. Expected a value >= 1, but got {n} instead."
                    ),
                    Some("limit"),
                    Some("integer_below_min_value"),
                ));
            }
            Ok(n) if n > MAX_LIST_LIMIT => {
                return Err(errors::invalid(
                    format!(
                        "Invalid 'limit': integer above maximum value. Expected a value <= {MAX_LIST_LIMIT}, but got {n} instead."
                    ),
                    Some("limit"),
                    Some("integer_above_max_value"),
                ));
            }
            Ok(n) => usize::try_from(n).unwrap_or(DEFAULT_LIST_LIMIT),
            Err(_) => {
                return Err(errors::invalid(
                    format!("Invalid 'limit': expected an integer, but got '{raw}' instead."),
                    Some("limit"),
                    Some("invalid_type"),
                ));
            }
        },
    };
    let ascending = match request.query_param("order").as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => {
            return Err(errors::invalid(
                format!("Invalid value: '{other}'. Supported values are: 'asc' and 'desc'."),
                Some("order"),
                Some("invalid_value"),
            ));
        }
    };
    let now = sim.clock.now();
    let state = lock(sim);
    // A lagging list (`list_lag`) does not show the newest videos yet.
    let mut ordered: Vec<&Video> = state
        .videos
        .iter()
        .filter(|v| v.service == service && v.created.after(sim.config.list_lag) <= now)
        .collect();
    if !ascending {
        ordered.reverse();
    }
    let start = match request.query_param("after") {
        Some(after) => ordered
            .iter()
            .position(|v| v.id == after)
            .map_or(ordered.len(), |i| i + 1),
        None => 0,
    };
    let end = (start + limit).min(ordered.len());
    let page = &ordered[start..end];
    let data: Vec<Value> = page
        .iter()
        .map(|v| v.to_json(now, &sim.config, &sim.clock))
        .collect();
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({
            "object": "list",
            "data": data,
            "first_id": page.first().map(|v| v.id.clone()),
            "last_id": page.last().map(|v| v.id.clone()),
            "has_more": end < ordered.len(),
        }),
    ))
}

/// `variant=video` (default, MP4), `thumbnail` (WebP), `spritesheet` (JPEG), with `Range`.
fn content(
    sim: &Sim,
    service: Service,
    request: &SimRequest,
    id: &str,
) -> Result<Response, ErrorAnswer> {
    let (data, content_type) = match request.query_param("variant").as_deref() {
        None | Some("video") => (assets::SAMPLE_MP4, "video/mp4"),
        Some("thumbnail") => (assets::THUMBNAIL_WEBP, "image/webp"),
        Some("spritesheet") => (assets::SPRITESHEET_JPG, "image/jpeg"),
        Some(other) => {
            return Err(errors::invalid(
                format!(
                    "Invalid value: '{other}'. Supported values are: 'video', 'thumbnail', and 'spritesheet'."
                ),
                Some("variant"),
                Some("invalid_value"),
            ));
        }
    };
    let now = sim.clock.now();
    let finished = {
        let state = lock(sim);
        let video = find(&state, service, id).ok_or_else(|| errors::not_found(id))?;
        match video.content_state(now, &sim.config) {
            ContentState::NotReady => {
                return Err(errors::invalid(
                    format!(
                        "Video is not ready yet, use GET {}/{id} to check status.",
                        base(service)
                    ),
                    None,
                    None,
                ));
            }
            ContentState::Failed => {
                return Err(errors::invalid(
                    format!("Video '{id}' failed to generate and has no content to download."),
                    None,
                    None,
                ));
            }
            ContentState::Lagging => {
                return Err(errors::openai(
                    StatusCode::NOT_FOUND,
                    format!("The content of video '{id}' was not found."),
                    "invalid_request_error",
                    None,
                    None,
                ));
            }
            ContentState::Expired => return Err(errors::expired(id)),
            ContentState::Ready => video.finished_unix(&sim.config, &sim.clock),
        }
    };
    let mut response = wire::ranged_bytes(request, &Bytes::from_static(data));
    if response.status() != StatusCode::RANGE_NOT_SATISFIABLE {
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        let modified = std::time::UNIX_EPOCH + std::time::Duration::from_secs(finished);
        wire::insert_header(
            headers,
            header::LAST_MODIFIED,
            &httpdate::fmt_http_date(modified),
        );
    }
    Ok(response)
}

/// The answer of [`Fault::Expired`](super::faults::Fault::Expired) on a content route.
pub(crate) fn expired_response(path: &str) -> Response {
    let id = path.split('/').rev().nth(1).unwrap_or_default().to_string();
    errors::expired(&id).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keys() {
        assert_eq!(
            mask_key("sk-proj-abcdefghijklmnop"),
            "sk-proj-************mnop"
        );
        assert_eq!(mask_key("wrongkey"), "wr****ey");
        assert_eq!(mask_key("short"), "*****");
        let id = new_id(0x68d7512d);
        assert!(id.starts_with("video_68d7512d"));
        assert_eq!(id.len(), 6 + 32);
    }
}
