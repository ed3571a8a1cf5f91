//! Who a Storage request comes from, as the server decides it (`supabase-storage.md`, "Base URL
//! and auth"): the bearer token is a JWT signed with the project secret (HS256), and its `role`
//! claim picks the database role. `service_role` bypasses row-level security; `anon` and
//! `authenticated` meet the policies, and a fresh project has none, so such a token sees no
//! bucket, no object of a private bucket, and every write is refused. The `sb_secret_`/
//! `sb_publishable_` keys stand for the service-role and anon JWTs, as the hosted gateway maps
//! them.

use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde_json::{Value, json};

use super::{Caller, StorageError};
use crate::wire;
use crate::{Sim, SimConfig};

/// The message of a write that row-level security refuses.
pub(super) const RLS_DENIED: &str = "new row violates row-level security policy";

/// `iat` of the simulator's keys (fixed, so the keys are the same on every start); they expire
/// ten years later, like the keys of a new project.
const ISSUED: u64 = 1_767_225_600;
const TEN_YEARS: u64 = 10 * 365 * 24 * 60 * 60;

/// An HS256 JWT for `role`, signed with `secret`.
pub(crate) fn sign_key(secret: &str, role: &str) -> String {
    let header = wire::base64url(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims =
        json!({"iss": "supabase-sim", "role": role, "iat": ISSUED, "exp": ISSUED + TEN_YEARS});
    let payload = wire::base64url(claims.to_string().as_bytes());
    let signing_input = format!("{header}.{payload}");
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let signature = wire::base64url(hmac::sign(&key, signing_input.as_bytes()).as_ref());
    format!("{signing_input}.{signature}")
}

/// The claims of a token signed with the project secret; the error is worded as the JWT
/// library words it.
fn verify(config: &SimConfig, token: &str, now_unix: u64) -> Result<Value, &'static str> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return Err("Invalid Compact JWS");
    };
    let (Ok(payload_bytes), Ok(signature)) = (
        URL_SAFE_NO_PAD.decode(payload),
        URL_SAFE_NO_PAD.decode(signature),
    ) else {
        return Err("Invalid Compact JWS");
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, config.supabase_jwt_secret.as_bytes());
    hmac::verify(&key, format!("{header}.{payload}").as_bytes(), &signature)
        .map_err(|_| "signature verification failed")?;
    let claims: Value =
        serde_json::from_slice(&payload_bytes).map_err(|_| "Invalid Compact JWS")?;
    if claims
        .get("exp")
        .and_then(Value::as_u64)
        .is_some_and(|exp| exp <= now_unix)
    {
        return Err("\"exp\" claim timestamp check failed");
    }
    Ok(claims)
}

/// Who is calling; a header with a token that fails the check is refused outright.
pub(super) fn caller(sim: &Sim, token: &str) -> Result<Caller, StorageError> {
    let config = &sim.config;
    if token == config.supabase_secret_key {
        return Ok(Caller::ServiceRole);
    }
    if token == config.supabase_publishable_key {
        return Ok(Caller::Policies);
    }
    let now = sim.clock.unix_secs(sim.clock.now());
    let claims = verify(config, token, now).map_err(StorageError::access_denied)?;
    Ok(match claims.get("role").and_then(Value::as_str) {
        Some("service_role") => Caller::ServiceRole,
        _ => Caller::Policies,
    })
}

fn plain(status: StatusCode, message: &str) -> Response {
    let mut response = wire::empty_response(status);
    *response.body_mut() = axum::body::Body::from(message.to_string());
    wire::insert_header(
        response.headers_mut(),
        axum::http::header::CONTENT_TYPE,
        "text/plain",
    );
    wire::insert_header(
        response.headers_mut(),
        axum::http::HeaderName::from_static("tus-resumable"),
        "1.0.0",
    );
    response
}

/// What a routed request answers for a token that meets row-level security without policies,
/// where that differs from the service role's answer; `None` for the routes that do not
/// consult the database as the caller (public reads, signed URLs, unknown routes).
pub(super) fn without_policies(
    method: &Method,
    segments: &[&str],
) -> Option<Result<Response, StorageError>> {
    let empty_list = || Ok(wire::json_response(StatusCode::OK, &json!([])));
    Some(match (segments, method) {
        (["bucket"], &Method::GET) => empty_list(),
        (["bucket"], &Method::POST) => Err(StorageError::row_level_security()),
        (["bucket", _], &Method::GET | &Method::PUT | &Method::DELETE) => {
            Err(StorageError::no_such_bucket())
        }
        (["bucket", _, "empty"], &Method::POST) => Err(StorageError::service_role_only()),
        (["object", "list", _], &Method::POST) => empty_list(),
        (["object", "move" | "copy"], &Method::POST) => Err(StorageError::no_such_key()),
        (["object", "sign", _, key @ ..], &Method::POST) if !key.is_empty() => {
            Err(StorageError::no_such_key())
        }
        (["object", bucket], &Method::DELETE) if *bucket != "list" => empty_list(),
        (["object", "public" | "authenticated" | "info" | "sign", ..], _) => return None,
        (["object", _, key @ ..], &Method::POST | &Method::PUT) if !key.is_empty() => {
            Err(StorageError::row_level_security())
        }
        (["object", _, key @ ..], &Method::DELETE) if !key.is_empty() => {
            Err(StorageError::no_such_key())
        }
        // The resumable endpoint words its refusals in plain text.
        (["upload", "resumable"], &Method::POST)
        | (["upload", "resumable", _], &Method::PATCH | &Method::DELETE) => {
            Ok(plain(StatusCode::FORBIDDEN, RLS_DENIED))
        }
        _ => return None,
    })
}
