//! The Supabase Storage part of the simulator, as a client sees it over HTTP.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

mod auth;
mod buckets_and_access;
mod objects;
mod uploads;

/// The simulator's service-role key: a JWT with role `service_role`, as a project's is.
fn key() -> String {
    SimConfig::default().supabase_key
}

async fn start() -> (SimHandle, Client) {
    let handle = sora_sim::start(
        SimConfig::default(),
        "127.0.0.1:0".parse().expect("literal address"),
    )
    .await
    .expect("sim starts");
    // reqwest is built with `rustls-no-provider`: a provider must exist before a client does.
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    (handle, Client::new())
}

fn storage_url(handle: &SimHandle, path: &str) -> String {
    format!("{}/storage/v1{path}", handle.base_url())
}

/// A request with the headers `storage3` sends.
fn authed(client: &Client, method: Method, url: &str) -> RequestBuilder {
    client
        .request(method, url)
        .header("apikey", key())
        .bearer_auth(key())
}

async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request reaches the sim");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

/// Supabase's error shape: HTTP 400, the real status as a string in the body.
fn assert_storage_error(status: StatusCode, body: &Value, status_code: &str, code: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["statusCode"], status_code, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "{body}"
    );
}

async fn upload(
    client: &Client,
    handle: &SimHandle,
    method: Method,
    path: &str,
    data: &'static [u8],
) -> (StatusCode, Value) {
    json_of(
        authed(
            client,
            method,
            &storage_url(handle, &format!("/object/{path}")),
        )
        .header("content-type", "video/mp4")
        .header("cache-control", "max-age=3600")
        .body(data),
    )
    .await
}

fn is_iso_millis(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.')
}
