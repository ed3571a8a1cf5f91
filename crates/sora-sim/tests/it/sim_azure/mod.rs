//! The Azure Sora preview jobs API of the simulator, as a client sees it over HTTP.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SAMPLE_MP4, SimConfig, SimHandle, THUMBNAIL_JPG};

mod content;
mod create;
mod jobs;

const KEY: &str = "sim-azure-key";
const RESOURCE_NOT_FOUND: &str = r#"{"error":{"code":"404","message":"Resource not found"}}"#;

fn fast_config() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(100),
        content_delay: Duration::from_millis(500),
        fail_prompts_containing: Some("forbidden".to_string()),
        retired_models: vec!["sora-retired".to_string()],
        ..SimConfig::default()
    }
}

async fn start() -> (SimHandle, Client) {
    let handle = sora_sim::start(
        fast_config(),
        "127.0.0.1:0".parse().expect("literal address"),
    )
    .await
    .expect("sim starts");
    (handle, client())
}

/// reqwest is built with `rustls-no-provider`: a TLS provider must exist before a client does,
/// even for plain HTTP to 127.0.0.1.
fn client() -> Client {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

fn url(handle: &SimHandle, path: &str) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    format!(
        "{}/openai/v1/video/generations{path}{separator}api-version=preview",
        handle.base_url()
    )
}

async fn send(client: &Client, method: Method, url: &str) -> reqwest::Response {
    client
        .request(method, url)
        .header("api-key", KEY)
        .send()
        .await
        .expect("request reaches the sim")
}

async fn create_job(client: &Client, handle: &SimHandle, body: Value) -> (StatusCode, Value) {
    let response = client
        .post(url(handle, "/jobs"))
        .header("api-key", KEY)
        .json(&body)
        .send()
        .await
        .expect("request reaches the sim");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

async fn get_json(client: &Client, url: &str) -> (StatusCode, Value) {
    let response = send(client, Method::GET, url).await;
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

/// Polls the job until it is terminal (bounded: 100 polls, 50 ms apart); returns the statuses seen.
async fn poll_until_terminal(
    client: &Client,
    handle: &SimHandle,
    id: &str,
) -> (Vec<String>, Value) {
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..100 {
        let (status, job) = get_json(client, &url(handle, &format!("/jobs/{id}"))).await;
        assert_eq!(status, StatusCode::OK);
        let current = job["status"]
            .as_str()
            .expect("status is a string")
            .to_string();
        if seen.last() != Some(&current) {
            seen.push(current.clone());
        }
        if ["succeeded", "failed", "cancelled"].contains(&current.as_str()) {
            return (seen, job);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {id} did not finish; statuses seen: {seen:?}");
}

/// Waits (bounded) until the first generation's content is served; returns its id.
async fn finished_generation(client: &Client, handle: &SimHandle) -> (String, String) {
    let (_, job) = create_job(
        client,
        handle,
        json!({"model":"sora","prompt":"p","width":854,"height":480}),
    )
    .await;
    let id = job["id"].as_str().expect("id").to_string();
    let (_, done) = poll_until_terminal(client, handle, &id).await;
    let gen_id = done["generations"][0]["id"]
        .as_str()
        .expect("generation id")
        .to_string();
    for _ in 0..40 {
        if send(
            client,
            Method::HEAD,
            &url(handle, &format!("/{gen_id}/content/video")),
        )
        .await
        .status()
            == StatusCode::OK
        {
            return (id, gen_id);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("content of {gen_id} never became ready");
}
