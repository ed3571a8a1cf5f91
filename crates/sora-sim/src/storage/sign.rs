//! Signed URLs: `POST /object/sign/{bucket}/{path}` hands out a token; `GET` with it serves the
//! bytes without auth until it expires. The token looks like the real JWT
//! (`header.payload.signature`, base64url) but is checked against the tokens kept in state.

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::buckets::decode_bucket;
use super::objects::{Caching, object_response};
use super::{StorageError, decode_key, lock};
use crate::Sim;
use crate::clock::SimInstant;
use crate::wire::{self, SimRequest};

#[derive(Clone, Debug)]
pub(crate) struct SignedToken {
    /// `bucket/key`, decoded.
    url: String,
    expires: SimInstant,
}

fn expires_in(fields: &serde_json::Map<String, Value>) -> Result<u64, StorageError> {
    let seconds = match fields.get("expiresIn") {
        None => {
            return Err(StorageError::invalid_request(
                "body must have required property 'expiresIn'",
            ));
        }
        Some(Value::Number(n)) => n.as_u64(),
        // The schema coerces numeric strings.
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(_) => None,
    };
    seconds
        .filter(|s| *s >= 1)
        .ok_or_else(|| StorageError::invalid_request("body/expiresIn must be >= 1"))
}

/// Records a token for `bucket/key` and returns the signed URL relative to `/storage/v1`.
fn issue(
    sim: &Sim,
    bucket_raw: &str,
    key_raw: &str,
    bucket: &str,
    key: &str,
    seconds: u64,
) -> String {
    let now = sim.clock.now();
    let issued = sim.clock.unix_secs(now);
    let url = format!("{bucket}/{key}");
    let header = wire::base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = wire::base64url(
        json!({"url": url, "iat": issued, "exp": issued + seconds})
            .to_string()
            .as_bytes(),
    );
    let signature = wire::base64url(&fastrand::u128(..).to_be_bytes());
    let token = format!("{header}.{payload}.{signature}");
    let expires = now.after(Duration::from_secs(seconds));
    lock(sim)
        .signed
        .insert(token.clone(), SignedToken { url, expires });
    format!("/object/sign/{bucket_raw}/{key_raw}?token={token}")
}

/// `{expiresIn}` → `{signedURL}`; the object must exist.
pub(super) fn sign(
    sim: &Sim,
    request: &SimRequest,
    bucket_raw: &str,
    key_raw: &str,
) -> Result<Response, StorageError> {
    let bucket = decode_bucket(bucket_raw)?;
    let key = decode_key(key_raw)?;
    let seconds = expires_in(&super::json_body(request)?)?;
    {
        let state = lock(sim);
        let found = state
            .bucket(&bucket)
            .ok_or_else(StorageError::no_such_bucket)?;
        found
            .objects
            .get(&key)
            .ok_or_else(StorageError::no_such_key)?;
    }
    let signed_url = issue(sim, bucket_raw, key_raw, &bucket, &key, seconds);
    Ok(wire::json_response(
        StatusCode::OK,
        &json!({"signedURL": signed_url}),
    ))
}

/// `{expiresIn, paths: [...]}` → `[{error, path, signedURL}]`, `signedURL: null` for a missing object.
pub(super) fn sign_many(
    sim: &Sim,
    request: &SimRequest,
    bucket_raw: &str,
) -> Result<Response, StorageError> {
    let bucket = decode_bucket(bucket_raw)?;
    let fields = super::json_body(request)?;
    let seconds = expires_in(&fields)?;
    let paths: Vec<String> = match fields.get("paths") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= 1000 => items
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| StorageError::invalid_request("body/paths/0 must be string"))?,
        Some(_) => {
            return Err(StorageError::invalid_request(
                "body/paths must have 1 to 1000 items",
            ));
        }
        None => {
            return Err(StorageError::invalid_request(
                "body must have required property 'paths'",
            ));
        }
    };
    let existing: Vec<bool> = {
        let state = lock(sim);
        let bucket = state.bucket(&bucket);
        paths
            .iter()
            .map(|path| bucket.is_some_and(|b| b.objects.contains_key(path)))
            .collect()
    };
    let answers: Vec<Value> = paths
        .iter()
        .zip(existing)
        .map(|(path, exists)| {
            if exists {
                let raw_key: String = path.split('/').map(wire::percent_encode).collect::<Vec<_>>().join("/");
                json!({"error": null, "path": path, "signedURL": issue(sim, bucket_raw, &raw_key, &bucket, path, seconds)})
            } else {
                json!({"error": "Either the object does not exist or you do not have access to it", "path": path, "signedURL": null})
            }
        })
        .collect();
    Ok(wire::json_response(StatusCode::OK, &Value::Array(answers)))
}

/// `GET /object/sign/{bucket}/{path}?token=...` (no auth): the bytes, with `Expires`.
pub(super) fn download(
    sim: &Sim,
    request: &SimRequest,
    bucket_raw: &str,
    key_raw: &str,
) -> Result<Response, StorageError> {
    let token = request.query_param("token").ok_or_else(|| {
        StorageError::invalid_request("querystring must have required property 'token'")
    })?;
    let bucket = decode_bucket(bucket_raw)?;
    let key = decode_key(key_raw)?;
    let now = sim.clock.now();
    let state = lock(sim);
    let signed = state
        .signed
        .get(&token)
        .ok_or_else(|| StorageError::invalid_jwt("invalid signature"))?;
    if now >= signed.expires {
        return Err(StorageError::invalid_jwt("jwt expired"));
    }
    if signed.url != format!("{bucket}/{key}") {
        return Err(StorageError::invalid_signature());
    }
    let object = state
        .bucket(&bucket)
        .and_then(|b| b.objects.get(&key))
        .ok_or_else(StorageError::no_such_key)?;
    Ok(object_response(
        request,
        &key,
        object,
        Caching::ExpiresAt(sim.clock.wall(signed.expires)),
    ))
}
