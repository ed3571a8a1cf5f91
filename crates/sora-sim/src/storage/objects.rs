//! `/object` routes: upload, download (authenticated, public), info, delete, move, copy.

use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::buckets::{NAME_SPECIALS, decode_bucket};
use super::{Bucket, Caller, StorageError, StorageState, StoredObject, decode_key, lock};
use crate::Sim;
use crate::multipart;
use crate::spool::{Content, Spooled, SpooledBody};
use crate::wire::{self, RangeAnswer, SimRequest};

/// Which buckets a download or info request may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    /// No token: public buckets only (a private one is "not found").
    PublicOnly,
    /// The service-role token: every bucket.
    Authenticated,
}

impl Access {
    pub(super) fn from_caller(caller: Caller) -> Self {
        match caller {
            // Row-level security without policies: only what a public bucket shows anyone.
            Caller::Anonymous | Caller::Policies => Access::PublicOnly,
            Caller::ServiceRole => Access::Authenticated,
        }
    }
}

/// Keys: the bucket-name characters plus `/`, ASCII only, not empty.
fn checked_key(raw: &str) -> Result<String, StorageError> {
    let key = decode_key(raw)?;
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || NAME_SPECIALS.contains(c));
    if valid {
        Ok(key)
    } else {
        Err(StorageError::invalid_key(&key))
    }
}

pub(super) fn quoted_etag(object: &StoredObject) -> String {
    format!("\"{}\"", object.md5)
}

/// The `metadata` object of list entries and object rows.
pub(super) fn metadata_json(object: &StoredObject) -> Value {
    json!({
        "eTag": quoted_etag(object),
        "size": object.data.len(),
        "mimetype": object.mimetype,
        "cacheControl": object.cache_control,
        "lastModified": wire::iso_millis(object.updated_at),
        "contentLength": object.data.len(),
        "httpStatusCode": 200,
    })
}

/// A database row of an object, as copy and delete-many answer it.
fn row_json(bucket_id: &str, key: &str, object: &StoredObject) -> Value {
    json!({
        "name": key,
        "bucket_id": bucket_id,
        "owner": "",
        "owner_id": "",
        "version": object.version,
        "id": object.id,
        "created_at": wire::iso_millis(object.created_at),
        "updated_at": wire::iso_millis(object.updated_at),
        "last_accessed_at": wire::iso_millis(object.updated_at),
        "metadata": metadata_json(object),
        "user_metadata": object.user_metadata,
    })
}

fn readable_bucket<'a>(
    state: &'a StorageState,
    bucket: &str,
    access: Access,
) -> Result<&'a Bucket, StorageError> {
    state
        .bucket(bucket)
        .filter(|b| access == Access::Authenticated || b.public)
        .ok_or_else(StorageError::no_such_bucket)
}

/// An object the caller may read: its bucket is readable this way and the key exists.
fn readable_object<'a>(
    state: &'a StorageState,
    bucket: &str,
    key: &str,
    access: Access,
) -> Result<&'a StoredObject, StorageError> {
    readable_bucket(state, bucket, access)?
        .objects
        .get(key)
        .ok_or_else(StorageError::no_such_key)
}

/// What an upload carries: its bytes (on disk when spooled) and MD5, and its headers.
struct UploadBody {
    data: Content,
    md5: String,
    mimetype: String,
    cache_control: String,
    user_metadata: Option<Value>,
}

fn unreadable_form() -> StorageError {
    StorageError::invalid_request("The multipart body could not be read")
}

fn no_file_part() -> StorageError {
    StorageError::invalid_request("No file part in the multipart body")
}

/// The headers a form's fields set: content type (else the file part's own), cache control
/// (the field is seconds; the stored header is `max-age=N`), user metadata.
fn form_headers(
    field: impl Fn(&str) -> Option<String>,
    part_type: Option<String>,
) -> (String, String, Option<Value>) {
    let mimetype = field("contentType")
        .or(part_type)
        .unwrap_or_else(|| "application/octet-stream".to_string());
    let cache_control =
        field("cacheControl").map_or_else(|| "no-cache".to_string(), |s| format!("max-age={s}"));
    let user_metadata = field("metadata").and_then(|m| serde_json::from_str(&m).ok());
    (mimetype, cache_control, user_metadata)
}

fn read_upload(request: &SimRequest) -> Result<UploadBody, StorageError> {
    let spooled = request.spooled.as_ref().and_then(Spooled::take);
    if request.media_type().as_deref() == Some("multipart/form-data") {
        if let Some(SpooledBody::Form(form)) = spooled {
            let mut form = form.ok_or_else(unreadable_form)?;
            let (part_type, blob) = form.file.take().ok_or_else(no_file_part)?;
            let (mimetype, cache_control, user_metadata) =
                form_headers(|name| form.field(name), part_type);
            return Ok(UploadBody {
                md5: blob.md5.clone(),
                data: blob.into_content(),
                mimetype,
                cache_control,
                user_metadata,
            });
        }
        let content_type = request.header("content-type").unwrap_or_default();
        let form =
            multipart::parse_request(content_type, &request.body).ok_or_else(unreadable_form)?;
        let file = form.first_file().ok_or_else(no_file_part)?;
        let (mimetype, cache_control, user_metadata) =
            form_headers(|name| form.field(name), file.content_type.clone());
        return Ok(UploadBody {
            md5: wire::md5_hex(&file.data),
            data: Content::Memory(file.data.clone()),
            mimetype,
            cache_control,
            user_metadata,
        });
    }
    let (data, md5) = match spooled {
        Some(SpooledBody::Raw(blob)) => {
            let md5 = blob.md5.clone();
            (blob.into_content(), md5)
        }
        _ => (
            Content::Memory(request.body.clone()),
            wire::md5_hex(&request.body),
        ),
    };
    Ok(UploadBody {
        data,
        md5,
        mimetype: request
            .header("content-type")
            .unwrap_or("application/octet-stream")
            .to_string(),
        cache_control: request
            .header("cache-control")
            .unwrap_or("no-cache")
            .to_string(),
        user_metadata: None,
    })
}

fn mime_allowed(allowed: &[String], mimetype: &str) -> bool {
    let essence = mimetype
        .split(';')
        .next()
        .unwrap_or(mimetype)
        .trim()
        .to_ascii_lowercase();
    allowed.iter().any(|pattern| {
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_suffix("/*") {
            Some(kind) => essence.split('/').next() == Some(kind),
            None => pattern == essence,
        }
    })
}

/// `POST` creates (or overwrites with `x-upsert: true`); `PUT` always upserts. → `{Key, Id}`.
pub(super) fn upload(
    sim: &Sim,
    request: &SimRequest,
    bucket: &str,
    key: &str,
) -> Result<Response, StorageError> {
    let bucket_id = decode_bucket(bucket)?;
    let key = checked_key(key)?;
    let upsert = request.method == Method::PUT
        || request
            .header("x-upsert")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let body = read_upload(request)?;
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    let bucket = state
        .bucket_mut(&bucket_id)
        .ok_or_else(StorageError::no_such_bucket)?;
    let limit = bucket
        .file_size_limit
        .map_or(sim.config.max_upload_bytes, |l| {
            l.min(sim.config.max_upload_bytes)
        });
    if body.data.len() > limit {
        return Err(StorageError::too_large());
    }
    if let Some(allowed) = &bucket.allowed_mime_types
        && !mime_allowed(allowed, &body.mimetype)
    {
        return Err(StorageError::invalid_mime_type(&body.mimetype));
    }
    let existing = bucket.objects.get(&key);
    if existing.is_some() && !upsert {
        return Err(StorageError::key_exists());
    }
    // The id survives an overwrite; the version does not.
    let id = existing.map_or_else(wire::uuid_v4, |o| o.id.clone());
    let created_at = existing.map_or(now, |o| o.created_at);
    let object = StoredObject {
        id: id.clone(),
        version: wire::uuid_v4(),
        md5: body.md5,
        data: body.data,
        mimetype: body.mimetype,
        cache_control: body.cache_control,
        user_metadata: body.user_metadata,
        created_at,
        updated_at: now,
    };
    bucket.objects.insert(key.clone(), object);
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"Key": format!("{bucket_id}/{key}"), "Id": id}),
    ))
}

/// How the object's caching header is sent: stored `Cache-Control`, or (signed URLs) `Expires`.
pub(super) enum Caching {
    Stored,
    ExpiresAt(std::time::SystemTime),
}

/// The bytes of an object with the real server's headers, `Range`, `If-None-Match` and `?download`.
pub(super) fn object_response(
    request: &SimRequest,
    key: &str,
    object: &StoredObject,
    caching: Caching,
) -> Response {
    let etag = quoted_etag(object);
    let mut response = if request.header("if-none-match") == Some(etag.as_str()) {
        wire::empty_response(StatusCode::NOT_MODIFIED)
    } else {
        if wire::parse_range(request.header("range"), object.data.len())
            == RangeAnswer::Unsatisfiable
        {
            let mut response = StorageError::range_not_satisfiable().into_response();
            wire::insert_header(
                response.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{}", object.data.len()),
            );
            return response;
        }
        let opened = match object.data.open() {
            Ok(opened) => opened,
            Err(error) => {
                tracing::warn!(%error, key, "simulator cannot read a stored object");
                return wire::empty_response(StatusCode::INTERNAL_SERVER_ERROR);
            }
        };
        let mut response = wire::ranged_body(request, object.data.len(), |start, len| {
            opened.body(start, len)
        });
        wire::insert_header(
            response.headers_mut(),
            header::CONTENT_TYPE,
            &object.mimetype,
        );
        response
    };
    let headers = response.headers_mut();
    wire::insert_header(headers, header::ETAG, &etag);
    wire::insert_header(
        headers,
        header::LAST_MODIFIED,
        &httpdate::fmt_http_date(object.updated_at),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("none"),
    );
    match caching {
        Caching::Stored => {
            wire::insert_header(headers, header::CACHE_CONTROL, &object.cache_control)
        }
        Caching::ExpiresAt(at) => {
            wire::insert_header(headers, header::EXPIRES, &httpdate::fmt_http_date(at))
        }
    }
    if let Some(name) = request.query_param("download") {
        let name = if name.is_empty() {
            key.rsplit('/').next().unwrap_or(key).to_string()
        } else {
            name
        };
        let encoded = wire::percent_encode(&name);
        wire::insert_header(
            headers,
            header::CONTENT_DISPOSITION,
            &format!("attachment; filename={name}; filename*=UTF-8''{encoded}"),
        );
    }
    response
}

/// The prologue of a read by path: the raw (percent-encoded) bucket and key decoded, then the
/// object found if the caller may read it. `read` gets the bucket id, the key and the object.
fn with_readable_object<T>(
    sim: &Sim,
    bucket: &str,
    key: &str,
    access: Access,
    read: impl FnOnce(&str, &str, &StoredObject) -> T,
) -> Result<T, StorageError> {
    let bucket_id = decode_bucket(bucket)?;
    let key = decode_key(key)?;
    let state = lock(sim);
    let object = readable_object(&state, &bucket_id, &key, access)?;
    Ok(read(&bucket_id, &key, object))
}

pub(super) fn download(
    sim: &Sim,
    request: &SimRequest,
    bucket: &str,
    key: &str,
    access: Access,
) -> Result<Response, StorageError> {
    with_readable_object(sim, bucket, key, access, |_, key, object| {
        object_response(request, key, object, Caching::Stored)
    })
}

pub(super) fn info(
    sim: &Sim,
    bucket: &str,
    key: &str,
    access: Access,
) -> Result<Response, StorageError> {
    with_readable_object(sim, bucket, key, access, |bucket_id, key, object| {
        let body = json!({
            "id": object.id,
            "name": key,
            "version": object.version,
            "bucket_id": bucket_id,
            "size": object.data.len(),
            "content_type": object.mimetype,
            "cache_control": object.cache_control,
            "etag": quoted_etag(object),
            "metadata": object.user_metadata,
            "last_modified": wire::iso_millis(object.updated_at),
            "created_at": wire::iso_millis(object.created_at),
        });
        wire::json_response(StatusCode::OK, &body)
    })
}

pub(super) fn delete(sim: &Sim, bucket: &str, key: &str) -> Result<Response, StorageError> {
    let bucket_id = decode_bucket(bucket)?;
    let key = decode_key(key)?;
    let mut state = lock(sim);
    let bucket = state
        .bucket_mut(&bucket_id)
        .ok_or_else(StorageError::no_such_bucket)?;
    bucket
        .objects
        .remove(&key)
        .ok_or_else(StorageError::no_such_key)?;
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"message": "Successfully deleted"}),
    ))
}

/// `{prefixes: [key, ...]}` (exact keys, 1 to 1000) → the rows deleted; missing keys (or bucket)
/// are simply absent from the answer.
pub(super) fn delete_many(
    sim: &Sim,
    request: &SimRequest,
    bucket: &str,
) -> Result<Response, StorageError> {
    let bucket_id = decode_bucket(bucket)?;
    let fields = super::json_body(request)?;
    let prefixes: Vec<String> = match fields.get("prefixes") {
        None => {
            return Err(StorageError::invalid_request(
                "body must have required property 'prefixes'",
            ));
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| StorageError::invalid_request("body/prefixes/0 must be string"))?,
        Some(_) => return Err(StorageError::invalid_request("body/prefixes must be array")),
    };
    if prefixes.is_empty() {
        return Err(StorageError::invalid_request(
            "body/prefixes must NOT have fewer than 1 items",
        ));
    }
    if prefixes.len() > 1000 {
        return Err(StorageError::invalid_request(
            "body/prefixes must NOT have more than 1000 items",
        ));
    }
    let mut state = lock(sim);
    let mut deleted = Vec::new();
    if let Some(bucket) = state.bucket_mut(&bucket_id) {
        for key in &prefixes {
            if let Some(object) = bucket.objects.remove(key) {
                deleted.push(row_json(&bucket_id, key, &object));
            }
        }
    }
    Ok(wire::json_response(StatusCode::OK, &Value::Array(deleted)))
}

/// The body of move and copy.
struct Transfer {
    bucket_id: String,
    source_key: String,
    destination_bucket: String,
    destination_key: String,
}

fn read_transfer(
    request: &SimRequest,
) -> Result<(Transfer, serde_json::Map<String, Value>), StorageError> {
    let fields = super::json_body(request)?;
    let text = |name: &str| match fields.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(StorageError::invalid_request(format!(
            "body/{name} must be string"
        ))),
        None => Err(StorageError::invalid_request(format!(
            "body must have required property '{name}'"
        ))),
    };
    let bucket_id = text("bucketId")?;
    let source_key = text("sourceKey")?;
    let destination_key = text("destinationKey")?;
    let destination_bucket = match fields.get("destinationBucket") {
        Some(Value::String(s)) => s.clone(),
        _ => bucket_id.clone(),
    };
    checked_key(&destination_key)?;
    Ok((
        Transfer {
            bucket_id,
            source_key,
            destination_bucket,
            destination_key,
        },
        fields,
    ))
}

fn source_object(state: &StorageState, transfer: &Transfer) -> Result<StoredObject, StorageError> {
    let bucket = state
        .bucket(&transfer.bucket_id)
        .ok_or_else(StorageError::no_such_bucket)?;
    bucket
        .objects
        .get(&transfer.source_key)
        .cloned()
        .ok_or_else(StorageError::no_such_key)
}

pub(super) fn move_object(sim: &Sim, request: &SimRequest) -> Result<Response, StorageError> {
    let (transfer, _) = read_transfer(request)?;
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    let mut object = source_object(&state, &transfer)?;
    let destination = state
        .bucket(&transfer.destination_bucket)
        .ok_or_else(StorageError::no_such_bucket)?;
    let same = transfer.bucket_id == transfer.destination_bucket
        && transfer.source_key == transfer.destination_key;
    if !same && destination.objects.contains_key(&transfer.destination_key) {
        return Err(StorageError::resource_exists());
    }
    object.updated_at = now;
    if let Some(source) = state.bucket_mut(&transfer.bucket_id) {
        source.objects.remove(&transfer.source_key);
    }
    if let Some(destination) = state.bucket_mut(&transfer.destination_bucket) {
        destination.objects.insert(transfer.destination_key, object);
    }
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"message": "Successfully moved"}),
    ))
}

/// `copyMetadata` (default true) keeps the user metadata; `x-upsert: true` allows overwriting.
pub(super) fn copy(sim: &Sim, request: &SimRequest) -> Result<Response, StorageError> {
    let (transfer, fields) = read_transfer(request)?;
    let copy_metadata = fields
        .get("copyMetadata")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let upsert = request
        .header("x-upsert")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    let source = source_object(&state, &transfer)?;
    let destination = state
        .bucket_mut(&transfer.destination_bucket)
        .ok_or_else(StorageError::no_such_bucket)?;
    let existing = destination.objects.get(&transfer.destination_key);
    if existing.is_some() && !upsert {
        return Err(StorageError::key_exists());
    }
    let object = StoredObject {
        id: existing.map_or_else(wire::uuid_v4, |o| o.id.clone()),
        version: wire::uuid_v4(),
        user_metadata: if copy_metadata {
            source.user_metadata.clone()
        } else {
            None
        },
        created_at: now,
        updated_at: now,
        ..source
    };
    let mut body = row_json(
        &transfer.destination_bucket,
        &transfer.destination_key,
        &object,
    );
    if let Some(row) = body.as_object_mut() {
        row.insert("Id".to_string(), json!(object.id));
        row.insert(
            "Key".to_string(),
            json!(format!(
                "{}/{}",
                transfer.destination_bucket, transfer.destination_key
            )),
        );
    }
    destination.objects.insert(transfer.destination_key, object);
    Ok(wire::json_response(StatusCode::OK, &body))
}
