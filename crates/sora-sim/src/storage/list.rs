//! `POST /object/list/{bucket}`: one folder level, folders synthesised from keys, the real
//! server's sorting, search, paging and entry shapes.

use std::cmp::Ordering;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::buckets::decode_bucket;
use super::folders::{EntryKey, Kind};
use super::objects::metadata_json;
use super::{StorageError, StoredObject, lock};
use crate::Sim;
use crate::wire::{self, SimRequest};

const DEFAULT_LIMIT: u64 = 100;
const MAX_LIMIT: u64 = 1500;

enum Entry<'a> {
    Folder(String),
    File(String, &'a StoredObject),
}

impl Entry<'_> {
    fn to_json(&self) -> Value {
        match self {
            Entry::Folder(name) => json!({
                "name": name, "id": null, "updated_at": null, "created_at": null,
                "last_accessed_at": null, "metadata": null,
            }),
            Entry::File(name, object) => json!({
                "name": name,
                "id": object.id,
                "updated_at": wire::iso_millis(object.updated_at),
                "created_at": wire::iso_millis(object.created_at),
                "last_accessed_at": wire::iso_millis(object.updated_at),
                "metadata": metadata_json(object),
            }),
        }
    }
}

/// Case-insensitive first, then bytewise so the order is total.
fn by_name(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// `{prefix, limit?, offset?, sortBy?: {column, order?}, search?}`.
pub(super) fn list(
    sim: &Sim,
    request: &SimRequest,
    bucket: &str,
) -> Result<Response, StorageError> {
    let bucket_id = decode_bucket(bucket)?;
    let fields = super::json_body(request)?;
    let prefix = match fields.get("prefix") {
        Some(Value::String(prefix)) => prefix.clone(),
        Some(_) => return Err(StorageError::invalid_request("body/prefix must be string")),
        None => {
            return Err(StorageError::invalid_request(
                "body must have required property 'prefix'",
            ));
        }
    };
    let limit = match fields.get("limit") {
        None | Some(Value::Null) => DEFAULT_LIMIT,
        Some(value) => match value.as_u64() {
            Some(n) if n >= 1 => n.min(MAX_LIMIT),
            _ => return Err(StorageError::invalid_request("body/limit must be >= 1")),
        },
    };
    let offset = match fields.get("offset") {
        None | Some(Value::Null) => 0,
        Some(value) => value
            .as_u64()
            .ok_or_else(|| StorageError::invalid_request("body/offset must be >= 0"))?,
    };
    let sort_by = fields.get("sortBy");
    let column = sort_by
        .and_then(|s| s.get("column"))
        .and_then(Value::as_str)
        .unwrap_or("name")
        .to_string();
    if !["name", "created_at", "updated_at", "last_accessed_at"].contains(&column.as_str()) {
        return Err(StorageError::invalid_request(
            "body/sortBy/column must be equal to one of the allowed values",
        ));
    }
    let descending = sort_by
        .and_then(|s| s.get("order"))
        .and_then(Value::as_str)
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"));
    let search = fields
        .get("search")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();

    let state = lock(sim);
    // A missing bucket lists as empty, not as an error.
    let Some(bucket) = state.bucket(&bucket_id) else {
        return Ok(wire::json_response(StatusCode::OK, &json!([])));
    };
    // "videos" and "videos/" are the same folder.
    let folder = match prefix.trim_end_matches('/') {
        "" => String::new(),
        trimmed => format!("{trimmed}/"),
    };
    let listing = bucket.objects.entries(&folder, &search);
    let entry = |key: &EntryKey| match key.kind {
        Kind::Folder => Some(Entry::Folder(key.name.clone())),
        Kind::File => bucket
            .objects
            .get(&format!("{folder}{}", key.name))
            .map(|object| Entry::File(key.name.clone(), object)),
    };
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let page: Vec<Value> = if column == "name" {
        // The folder is kept in this order: a page is a slice, whatever the offset.
        let total = listing.len();
        if descending {
            let to = total.saturating_sub(offset);
            let from = to.saturating_sub(limit);
            listing
                .slice(from, to)
                .rev()
                .filter_map(entry)
                .map(|e| e.to_json())
                .collect()
        } else {
            listing
                .slice(offset, offset.saturating_add(limit))
                .filter_map(entry)
                .map(|e| e.to_json())
                .collect()
        }
    } else {
        // Folders first (by name), then files by the column: sorted per request.
        let mut entries: Vec<Entry<'_>> =
            listing.slice(0, listing.len()).filter_map(entry).collect();
        let stamp = |object: &StoredObject| match column.as_str() {
            "created_at" => object.created_at,
            _ => object.updated_at,
        };
        entries.sort_by(|a, b| match (a, b) {
            (Entry::Folder(x), Entry::Folder(y)) => by_name(x, y),
            (Entry::Folder(_), Entry::File(..)) => Ordering::Less,
            (Entry::File(..), Entry::Folder(_)) => Ordering::Greater,
            (Entry::File(x, ox), Entry::File(y, oy)) => {
                let order = stamp(ox).cmp(&stamp(oy)).then_with(|| by_name(x, y));
                if descending { order.reverse() } else { order }
            }
        });
        entries
            .iter()
            .skip(offset)
            .take(limit)
            .map(Entry::to_json)
            .collect()
    };
    Ok(wire::json_response(StatusCode::OK, &Value::Array(page)))
}
