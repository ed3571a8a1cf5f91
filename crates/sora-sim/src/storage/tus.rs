//! Resumable uploads, TUS 1.0.0 under `/upload/resumable` (`supabase-storage.md`, "Resumable
//! upload"): `POST` creates (201 + `Location`), `PATCH` appends at `Upload-Offset` (204 + the new
//! offset), `HEAD` tells the offset, `DELETE` cancels, `OPTIONS` advertises the limits. Errors
//! are plain text with the real status (auth errors keep the JSON shape, from `require_auth`):
//! the tus library's own end in a newline, Storage's refusals do not. The object appears when
//! the offset reaches `Upload-Length`.
//!
//! As on the server (`lifecycle.ts`, `onIncomingRequest`), every request but `HEAD` and
//! `OPTIONS` is checked again for the object: without `x-upsert: true` on *that* request, an
//! existing object is a 409, the chunks of an overwrite included.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use md5::Digest as _;

use super::{StorageState, StoredObject, lock};
use crate::Sim;
use crate::spool::{self, Blob, Spooled, SpooledBody};
use crate::wire::{self, SimRequest};
use base64::Engine as _;

/// `Tus-Max-Size` of the sample configs: 500 MiB.
pub(crate) const TUS_MAX_SIZE: u64 = 500 * 1024 * 1024;

/// An upload in progress.
#[derive(Debug)]
pub(crate) struct TusUpload {
    bucket: String,
    key: String,
    length: u64,
    /// The bytes received so far, in a temporary file, and their running MD5.
    file: tempfile::NamedTempFile,
    offset: u64,
    md5: md5::Md5,
    mimetype: String,
    cache_control: String,
    user_metadata: Option<serde_json::Value>,
}

const EXISTS: &str = "The resource already exists";

/// `x-upsert: true` on this request (the server compares the exact text).
fn upsert(request: &SimRequest) -> bool {
    request.header("x-upsert") == Some("true")
}

/// Every request but `OPTIONS` must say which protocol version it speaks.
fn unsupported_version(request: &SimRequest) -> Option<Response> {
    request
        .header("tus-resumable")
        .is_none()
        .then(|| text(StatusCode::PRECONDITION_FAILED, "Tus-Resumable Required\n"))
}

/// The per-request check of the server's `onIncomingRequest`: an existing object needs
/// `x-upsert: true` on this very request.
fn may_write(
    state: &StorageState,
    request: &SimRequest,
    bucket: &str,
    key: &str,
) -> Option<Response> {
    let exists = state
        .bucket(bucket)
        .is_some_and(|b| b.objects.contains_key(key));
    (exists && !upsert(request)).then(|| text(StatusCode::CONFLICT, EXISTS))
}

fn text(status: StatusCode, message: &str) -> Response {
    let mut response = Response::new(Body::from(message.to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    tus_headers(&mut response);
    response
}

fn tus_headers(response: &mut Response) {
    response.headers_mut().insert(
        header::HeaderName::from_static("tus-resumable"),
        HeaderValue::from_static("1.0.0"),
    );
}

fn set(response: &mut Response, name: &'static str, value: &str) {
    wire::insert_header(
        response.headers_mut(),
        header::HeaderName::from_static(name),
        value,
    );
}

/// `key base64(value)` pairs, comma-separated.
fn metadata(value: &str) -> Vec<(String, String)> {
    value
        .split(',')
        .filter_map(|pair| {
            let mut parts = pair.trim().splitn(2, ' ');
            let key = parts.next()?.to_string();
            let raw = parts.next().unwrap_or("");
            let decoded = base64::engine::general_purpose::STANDARD.decode(raw).ok()?;
            Some((key, String::from_utf8_lossy(&decoded).into_owned()))
        })
        .collect()
}

pub(super) fn options() -> Response {
    let mut response = wire::empty_response(StatusCode::NO_CONTENT);
    tus_headers(&mut response);
    set(&mut response, "tus-version", "1.0.0");
    set(&mut response, "tus-max-size", &TUS_MAX_SIZE.to_string());
    set(
        &mut response,
        "tus-extension",
        "creation,creation-with-upload,creation-defer-length,termination,expiration",
    );
    response
}

pub(super) fn create(sim: &Sim, request: &SimRequest) -> Response {
    if let Some(refused) = unsupported_version(request) {
        return refused;
    }
    let fields = metadata(request.header("upload-metadata").unwrap_or(""));
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (Some(bucket_id), Some(key)) = (get("bucketName"), get("objectName")) else {
        return text(StatusCode::BAD_REQUEST, "Metadata header is required");
    };
    let Some(length) = request
        .header("upload-length")
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return text(
            StatusCode::BAD_REQUEST,
            "Upload-Length or Upload-Defer-Length header required\n",
        );
    };
    let mut state = lock(sim);
    let Some(bucket) = state.bucket(&bucket_id) else {
        return text(StatusCode::NOT_FOUND, "Bucket not found");
    };
    let limit = bucket
        .file_size_limit
        .map_or(TUS_MAX_SIZE, |l| l.min(TUS_MAX_SIZE));
    if length > limit {
        return text(StatusCode::PAYLOAD_TOO_LARGE, "Maximum size exceeded\n");
    }
    if let Some(refused) = may_write(&state, request, &bucket_id, &key) {
        return refused;
    }
    let file = match spool::new_temp(&spool::temp_dir(sim.config.data_dir.as_deref())) {
        Ok(file) => file,
        Err(error) => {
            tracing::warn!(%error, "simulator cannot make a file for a resumable upload");
            return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
        }
    };
    let id = wire::base64url(format!("{bucket_id}/{key}/{}", wire::uuid_v4()).as_bytes());
    let cache_control =
        get("cacheControl").map_or_else(|| "no-cache".to_string(), |s| format!("max-age={s}"));
    state.uploads.insert(
        id.clone(),
        TusUpload {
            bucket: bucket_id,
            key,
            length,
            file,
            offset: 0,
            md5: md5::Md5::new(),
            mimetype: get("contentType").unwrap_or_else(|| "application/octet-stream".into()),
            cache_control,
            user_metadata: get("metadata").and_then(|m| serde_json::from_str(&m).ok()),
        },
    );
    drop(state);
    // Behind a gateway, the forwarded headers decide the upload URL (the tus server respects
    // them): one that terminates TLS makes it `https://` whatever the client spoke.
    let forwarded = |name: &str| {
        request
            .header(name)
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let proto = sim
        .config
        .gateway_forwarded_proto
        .as_deref()
        .or_else(|| forwarded("x-forwarded-proto"))
        .unwrap_or("http");
    let host = forwarded("x-forwarded-host")
        .or_else(|| request.header("host"))
        .unwrap_or("127.0.0.1");
    let mut response = wire::empty_response(StatusCode::CREATED);
    tus_headers(&mut response);
    set(
        &mut response,
        "location",
        &format!("{proto}://{host}/storage/v1/upload/resumable/{id}"),
    );
    response
}

pub(super) fn head(sim: &Sim, request: &SimRequest, id: &str) -> Response {
    if let Some(refused) = unsupported_version(request) {
        return refused;
    }
    let state = lock(sim);
    let Some(upload) = state.uploads.get(id) else {
        let mut response = wire::empty_response(StatusCode::NOT_FOUND);
        tus_headers(&mut response);
        return response;
    };
    let mut response = wire::empty_response(StatusCode::OK);
    tus_headers(&mut response);
    set(&mut response, "upload-offset", &upload.offset.to_string());
    set(&mut response, "upload-length", &upload.length.to_string());
    set(&mut response, "cache-control", "no-store");
    response
}

pub(super) fn delete(sim: &Sim, request: &SimRequest, id: &str) -> Response {
    if let Some(refused) = unsupported_version(request) {
        return refused;
    }
    let mut state = lock(sim);
    let Some(upload) = state.uploads.get(id) else {
        return text(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    if let Some(refused) = may_write(&state, request, &upload.bucket, &upload.key) {
        return refused;
    }
    state.uploads.remove(id);
    let mut response = wire::empty_response(StatusCode::NO_CONTENT);
    tus_headers(&mut response);
    response
}

const NOT_FOUND: &str = "The file for this url was not found\n";

/// `PATCH`; with `keep` set (the `CutUpload` fault) only that many bytes of the body arrive
/// before the connection is lost, and the answer is a 500.
/// Checked in the server's order: protocol version, header validity, `Upload-Offset` and
/// `Content-Type` present, the per-request object check, the upload, its offset.
pub(super) fn patch(sim: &Sim, request: &SimRequest, id: &str, keep: Option<u64>) -> Response {
    if let Some(refused) = unsupported_version(request) {
        return refused;
    }
    let media_type = request.media_type();
    if media_type
        .as_deref()
        .is_some_and(|t| t != "application/offset+octet-stream")
    {
        return text(StatusCode::BAD_REQUEST, "Invalid content-type\n");
    }
    let Some(offset) = request
        .header("upload-offset")
        .and_then(|v| v.trim().parse::<u64>().ok())
    else {
        return text(StatusCode::FORBIDDEN, "Upload-Offset header required\n");
    };
    if media_type.is_none() {
        return text(StatusCode::FORBIDDEN, "Content-Type header required\n");
    }
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    let Some(upload) = state.uploads.get(id) else {
        return text(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    if let Some(refused) = may_write(&state, request, &upload.bucket, &upload.key) {
        return refused;
    }
    let Some(upload) = state.uploads.get_mut(id) else {
        return text(StatusCode::NOT_FOUND, NOT_FOUND);
    };
    if offset != upload.offset {
        return text(StatusCode::CONFLICT, "Upload-Offset conflict\n");
    }
    let room = upload.length - offset;
    let spooled = request.spooled.as_ref().and_then(Spooled::take);
    let sent = match &spooled {
        Some(SpooledBody::Raw(blob)) => blob.len,
        _ => request.body.len() as u64,
    };
    // With `keep` (the connection lost mid-chunk) only that much arrived.
    let arrived = keep.map_or(sent, |keep| keep.min(sent));
    if arrived > room {
        return text(StatusCode::PAYLOAD_TOO_LARGE, "Maximum size exceeded\n");
    }
    let appended = match &spooled {
        Some(SpooledBody::Raw(blob)) => blob.reader().and_then(|mut reader| {
            spool::append(
                &mut reader,
                arrived,
                upload.file.as_file_mut(),
                &mut upload.md5,
            )
        }),
        _ => spool::append(
            &mut &request.body[..],
            arrived,
            upload.file.as_file_mut(),
            &mut upload.md5,
        ),
    };
    match appended {
        Ok(n) => upload.offset += n,
        Err(error) => {
            tracing::warn!(%error, "simulator cannot write a resumable upload chunk");
            return text(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
        }
    }
    let new_offset = upload.offset;
    if keep.is_some() {
        return text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error (simulated: connection lost mid-chunk)",
        );
    }
    let complete = new_offset == upload.length;
    if complete && let Some(response) = finish(&mut state, id, upsert(request), now) {
        return response;
    }
    let mut response = wire::empty_response(StatusCode::NO_CONTENT);
    tus_headers(&mut response);
    set(&mut response, "upload-offset", &new_offset.to_string());
    if complete {
        // Storage's `onUploadFinish` adds it to the answer of the last chunk.
        set(&mut response, "tus-complete", "1");
    }
    response
}

/// The upload is complete: store the object (overwriting only when the last chunk said
/// `x-upsert: true`). `Some` answer on a refusal.
fn finish(
    state: &mut StorageState,
    id: &str,
    upsert: bool,
    now: std::time::SystemTime,
) -> Option<Response> {
    let upload = state.uploads.remove(id)?;
    let Some(bucket) = state.bucket_mut(&upload.bucket) else {
        return Some(text(StatusCode::NOT_FOUND, "Bucket not found"));
    };
    let existing = bucket.objects.get(&upload.key);
    if existing.is_some() && !upsert {
        return Some(text(StatusCode::CONFLICT, EXISTS));
    }
    let blob = Blob {
        file: upload.file,
        len: upload.offset,
        md5: wire::hex(&upload.md5.finalize()),
    };
    let object = StoredObject {
        id: existing.map_or_else(wire::uuid_v4, |o| o.id.clone()),
        version: wire::uuid_v4(),
        md5: blob.md5.clone(),
        data: blob.into_content(),
        mimetype: upload.mimetype,
        cache_control: upload.cache_control,
        user_metadata: upload.user_metadata,
        created_at: existing.map_or(now, |o| o.created_at),
        updated_at: now,
    };
    bucket.objects.insert(upload.key, object);
    None
}
