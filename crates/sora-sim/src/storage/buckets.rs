//! `/bucket` routes: list, get, create, update, empty, delete.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::{Bucket, StorageError, lock};
use crate::Sim;
use crate::wire::{self, SimRequest};

/// Characters allowed in bucket names (`src/storage/limits.ts`); keys allow these plus `/`.
pub(super) const NAME_SPECIALS: &str = "_!.*'() &$=@;:+,?-";

pub(super) fn valid_bucket_name(name: &str) -> bool {
    (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || NAME_SPECIALS.contains(c))
}

/// A bucket id as it appears in a path (percent-encoded).
pub(super) fn decode_bucket(raw: &str) -> Result<String, StorageError> {
    wire::percent_decode(raw).ok_or_else(StorageError::invalid_bucket_name)
}

fn bucket_json(bucket: &Bucket, with_type: bool) -> Value {
    let mut value = json!({
        "id": bucket.id,
        "name": bucket.name,
        "owner": "",
        "public": bucket.public,
        "file_size_limit": bucket.file_size_limit,
        "allowed_mime_types": bucket.allowed_mime_types,
        "created_at": wire::iso_millis(bucket.created_at),
        "updated_at": wire::iso_millis(bucket.updated_at),
    });
    if with_type && let Some(fields) = value.as_object_mut() {
        fields.insert("type".to_string(), json!("STANDARD"));
    }
    value
}

/// Query `limit`, `offset`, `sortColumn` (id|name|created_at|updated_at), `sortOrder`, `search`.
/// Without `sortColumn` buckets come in creation order (the doc leaves the default open).
pub(super) fn list(sim: &Sim, request: &SimRequest) -> Result<Response, StorageError> {
    let state = lock(sim);
    let mut buckets: Vec<&Bucket> = state.buckets.iter().collect();
    if let Some(search) = request.query_param("search").filter(|s| !s.is_empty()) {
        let search = search.to_lowercase();
        buckets.retain(|b| b.name.to_lowercase().contains(&search));
    }
    match request.query_param("sortColumn").as_deref() {
        None => {}
        Some("id") => buckets.sort_by(|a, b| a.id.cmp(&b.id)),
        Some("name") => buckets.sort_by(|a, b| a.name.cmp(&b.name)),
        Some("created_at") => buckets.sort_by_key(|b| b.created_at),
        Some("updated_at") => buckets.sort_by_key(|b| b.updated_at),
        Some(_) => {
            return Err(StorageError::invalid_request(
                "querystring/sortColumn must be equal to one of the allowed values",
            ));
        }
    }
    if request
        .query_param("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
    {
        buckets.reverse();
    }
    let offset = query_usize(request, "offset")?.unwrap_or(0);
    let limit = query_usize(request, "limit")?.unwrap_or(usize::MAX);
    let page: Vec<Value> = buckets
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|b| bucket_json(b, true))
        .collect();
    Ok(wire::json_response(StatusCode::OK, &Value::Array(page)))
}

fn query_usize(request: &SimRequest, name: &str) -> Result<Option<usize>, StorageError> {
    request
        .query_param(name)
        .map(|raw| {
            raw.parse::<usize>().map_err(|_| {
                StorageError::invalid_request(format!("querystring/{name} must be integer"))
            })
        })
        .transpose()
}

pub(super) fn get(sim: &Sim, id: &str) -> Result<Response, StorageError> {
    let id = decode_bucket(id)?;
    let state = lock(sim);
    let bucket = state.bucket(&id).ok_or_else(StorageError::no_such_bucket)?;
    Ok(wire::json_response(
        StatusCode::OK,
        &bucket_json(bucket, false),
    ))
}

/// `{name, id?, public?, file_size_limit?, allowed_mime_types?}` → `{name}`.
pub(super) fn create(sim: &Sim, request: &SimRequest) -> Result<Response, StorageError> {
    let fields = super::json_body(request)?;
    let name = match fields.get("name") {
        Some(Value::String(name)) => name.clone(),
        Some(_) => return Err(StorageError::invalid_request("body/name must be string")),
        None => {
            return Err(StorageError::invalid_request(
                "body must have required property 'name'",
            ));
        }
    };
    let id = match fields.get("id") {
        Some(Value::String(id)) => id.clone(),
        Some(Value::Null) | None => name.clone(),
        Some(_) => return Err(StorageError::invalid_request("body/id must be string")),
    };
    if !valid_bucket_name(&id) || !valid_bucket_name(&name) {
        return Err(StorageError::invalid_bucket_name());
    }
    let settings = BucketSettings::read(&fields)?;
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    if state.bucket(&id).is_some() {
        return Err(StorageError::bucket_exists());
    }
    let mut bucket = Bucket::new(id, name.clone(), false, now);
    settings.apply(&mut bucket);
    state.buckets.push(bucket);
    Ok(wire::json_response(StatusCode::OK, &json!({"name": name})))
}

/// At least one of `public`, `file_size_limit`, `allowed_mime_types`.
pub(super) fn update(sim: &Sim, request: &SimRequest, id: &str) -> Result<Response, StorageError> {
    let id = decode_bucket(id)?;
    let fields = super::json_body(request)?;
    let settings = BucketSettings::read(&fields)?;
    if settings.is_empty() {
        return Err(StorageError::invalid_request(
            "body must NOT have fewer than 1 properties",
        ));
    }
    let now = sim.clock.wall(sim.clock.now());
    let mut state = lock(sim);
    let bucket = state
        .bucket_mut(&id)
        .ok_or_else(StorageError::no_such_bucket)?;
    settings.apply(bucket);
    bucket.updated_at = now;
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"message": "Successfully updated"}),
    ))
}

pub(super) fn empty(sim: &Sim, id: &str) -> Result<Response, StorageError> {
    let id = decode_bucket(id)?;
    let mut state = lock(sim);
    let bucket = state
        .bucket_mut(&id)
        .ok_or_else(StorageError::no_such_bucket)?;
    bucket.objects.clear();
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"message": "Empty bucket has been queued. Completion may take up to an hour."}),
    ))
}

pub(super) fn delete(sim: &Sim, id: &str) -> Result<Response, StorageError> {
    let id = decode_bucket(id)?;
    let mut state = lock(sim);
    let index = state
        .buckets
        .iter()
        .position(|b| b.id == id)
        .ok_or_else(StorageError::no_such_bucket)?;
    if !state.buckets[index].objects.is_empty() {
        return Err(StorageError::bucket_not_empty());
    }
    state.buckets.remove(index);
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"message": "Successfully deleted"}),
    ))
}

/// The optional settings of create and update; `Some(None)` means "set to null".
#[derive(Default)]
struct BucketSettings {
    public: Option<bool>,
    file_size_limit: Option<Option<u64>>,
    allowed_mime_types: Option<Option<Vec<String>>>,
}

impl BucketSettings {
    fn read(fields: &Map<String, Value>) -> Result<Self, StorageError> {
        let public = match fields.get("public") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(public)) => Some(*public),
            Some(_) => return Err(StorageError::invalid_request("body/public must be boolean")),
        };
        let file_size_limit = match fields.get("file_size_limit") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::Number(n)) => Some(Some(n.as_u64().ok_or_else(bad_size_limit)?)),
            Some(Value::String(s)) => Some(Some(parse_size(s).ok_or_else(bad_size_limit)?)),
            Some(_) => return Err(bad_size_limit()),
        };
        let allowed_mime_types = match fields.get("allowed_mime_types") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::Array(items)) => {
                let types: Option<Vec<String>> = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                Some(Some(types.ok_or_else(|| {
                    StorageError::invalid_request("body/allowed_mime_types/0 must be string")
                })?))
            }
            Some(_) => {
                return Err(StorageError::invalid_request(
                    "body/allowed_mime_types must be array",
                ));
            }
        };
        Ok(Self {
            public,
            file_size_limit,
            allowed_mime_types,
        })
    }

    fn is_empty(&self) -> bool {
        self.public.is_none() && self.file_size_limit.is_none() && self.allowed_mime_types.is_none()
    }

    fn apply(self, bucket: &mut Bucket) {
        if let Some(public) = self.public {
            bucket.public = public;
        }
        if let Some(limit) = self.file_size_limit {
            bucket.file_size_limit = limit;
        }
        if let Some(types) = self.allowed_mime_types {
            bucket.allowed_mime_types = types;
        }
    }
}

fn bad_size_limit() -> StorageError {
    StorageError::invalid_request(
        "file_size_limit must be an integer number of bytes or a size such as '50MB'",
    )
}

/// `"1024"`, `"50MB"`, `"1.5 GB"`... decimal units, as the server reads them.
fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor: f64 = match unit.trim().to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        _ => return None,
    };
    let bytes = number * factor;
    (bytes.is_finite() && bytes >= 0.0).then_some(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_names() {
        assert_eq!(parse_size("50MB"), Some(50_000_000));
        assert_eq!(parse_size("1024"), Some(1024));
        assert_eq!(parse_size("1.5 GB"), Some(1_500_000_000));
        assert_eq!(parse_size("lots"), None);
        assert!(valid_bucket_name("output-videos"));
        assert!(!valid_bucket_name("a/b"));
        assert!(!valid_bucket_name(""));
    }
}
