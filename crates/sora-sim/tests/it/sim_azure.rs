//! The Azure Sora preview jobs API of the simulator, as a client sees it over HTTP.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SAMPLE_MP4, SimConfig, SimHandle, THUMBNAIL_JPG};

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

fn is_task_like(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 26
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

#[tokio::test]
async fn job_walks_every_status_then_content_arrives_after_the_delay() {
    let (handle, client) = start().await;
    let (status, job) =
        create_job(&client, &handle, json!({"model":"sora","prompt":"A cat playing piano","width":480,"height":480,"n_variants":2}))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(job["object"], "video.generation.job");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["n_seconds"], 5, "n_seconds defaults to 5");
    assert_eq!(job["generations"], json!([]));
    assert!(
        job["finished_at"].is_null()
            && job["expires_at"].is_null()
            && job["failure_reason"].is_null()
    );
    let id = job["id"].as_str().expect("id").to_string();
    assert!(is_task_like(&id, "task_"), "{id}");

    let (seen, done) = poll_until_terminal(&client, &handle, &id).await;
    assert_eq!(seen.last().map(String::as_str), Some("succeeded"));
    let walk = [
        "queued",
        "preprocessing",
        "running",
        "processing",
        "succeeded",
    ];
    assert!(seen.iter().all(|s| walk.contains(&s.as_str())), "{seen:?}");
    assert!(
        seen.len() >= 2,
        "a non-terminal status is seen before success: {seen:?}"
    );
    let created_at = done["created_at"].as_u64().expect("created_at");
    assert_eq!(done["expires_at"].as_u64(), Some(created_at + 86_400));
    assert!(done["finished_at"].as_u64().is_some());
    let generations = done["generations"].as_array().expect("generations");
    assert_eq!(generations.len(), 2);
    let generation = &generations[0];
    assert_eq!(generation["object"], "video.generation");
    assert_eq!(generation["job_id"], id.as_str());
    for field in ["created_at", "width", "height", "n_seconds", "prompt"] {
        assert!(!generation[field].is_null(), "{field}");
    }
    let gen_id = generation["id"]
        .as_str()
        .expect("generation id")
        .to_string();
    assert!(is_task_like(&gen_id, "gen_"), "{gen_id}");

    // Content lags behind `succeeded` (the injected fault) with the gateway's generic 404.
    let video_url = url(&handle, &format!("/{gen_id}/content/video"));
    let early = send(&client, Method::GET, &video_url).await;
    assert_eq!(early.status(), StatusCode::NOT_FOUND);
    assert_eq!(early.text().await.expect("body"), RESOURCE_NOT_FOUND);

    let mut ready = None;
    for _ in 0..40 {
        let response = send(&client, Method::GET, &video_url).await;
        if response.status() == StatusCode::OK {
            ready = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let response = ready.expect("content is served once content_delay has passed");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "video/mp4");
    assert_eq!(
        headers["content-length"],
        SAMPLE_MP4.len().to_string().as_str()
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert!(headers.contains_key("last-modified"));
    assert!(headers.contains_key("apim-request-id"));
    assert_eq!(response.bytes().await.expect("body").as_ref(), SAMPLE_MP4);

    let head = send(&client, Method::HEAD, &video_url).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()["content-length"],
        SAMPLE_MP4.len().to_string().as_str()
    );
    assert!(head.bytes().await.expect("no body").is_empty());

    let low = send(&client, Method::GET, &format!("{video_url}&quality=low")).await;
    assert_eq!(low.status(), StatusCode::OK);

    let thumbnail = send(
        &client,
        Method::GET,
        &url(&handle, &format!("/{gen_id}/content/thumbnail")),
    )
    .await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    assert_eq!(thumbnail.headers()["content-type"], "image/jpg");
    assert_eq!(
        thumbnail.bytes().await.expect("body").as_ref(),
        THUMBNAIL_JPG
    );

    let (status, metadata) = get_json(&client, &url(&handle, &format!("/{gen_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&metadata, generation);
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

#[tokio::test]
async fn wrong_content_routes_answer_the_gateway_404() {
    let (handle, client) = start().await;
    let (job_id, gen_id) = finished_generation(&client, &handle).await;
    for path in [
        format!("/{gen_id}/content"),
        format!("/{job_id}/content/video"),
        format!("/jobs/{job_id}/content"),
        format!("/{gen_id}/content/gif"),
        "/gen_unknown/content/video".to_string(),
    ] {
        let response = send(&client, Method::GET, &url(&handle, &path)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().contains_key("apim-request-id"));
        assert_eq!(
            response.text().await.expect("body"),
            RESOURCE_NOT_FOUND,
            "{path}"
        );
    }
    let elsewhere = send(
        &client,
        Method::GET,
        &format!("{}/openai/deployments/sora/x", handle.base_url()),
    )
    .await;
    assert_eq!(elsewhere.text().await.expect("body"), RESOURCE_NOT_FOUND);
}

#[tokio::test]
async fn api_version_and_key_are_checked() {
    let (handle, client) = start().await;
    let base = format!(
        "{}/openai/v1/video/generations/jobs?limit=1",
        handle.base_url()
    );

    let missing = send(&client, Method::GET, &base).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "BadRequest");

    let other = send(
        &client,
        Method::GET,
        &format!("{base}&api-version=2025-02-15-preview"),
    )
    .await;
    assert_eq!(other.status(), StatusCode::BAD_REQUEST);
    let body: Value = other.json().await.expect("JSON");
    assert_eq!(body["error"]["message"], "API version not supported");

    let good = format!("{base}&api-version=preview");
    let no_key = client.get(&good).send().await.expect("sent");
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    let body: Value = no_key.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "401");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .starts_with("Access denied due to invalid subscription key")
    );

    let wrong = client
        .get(&good)
        .header("api-key", "nope")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let bearer = client
        .get(&good)
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    assert_eq!(bearer.status(), StatusCode::OK);
}

#[tokio::test]
async fn create_is_validated_like_the_docs_say() {
    let (handle, client) = start().await;
    let cases = [
        (
            json!({"model":"sora","prompt":"p","width":500,"height":500}),
            "width",
        ),
        (
            json!({"model":"sora","prompt":"p","width":1920,"height":1080,"n_variants":2}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":1280,"height":720,"n_variants":3}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_variants":5}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_seconds":0}),
            "n_seconds",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_seconds":21}),
            "n_seconds",
        ),
        (json!({"model":"sora","width":480,"height":480}), "prompt"),
        (json!({"prompt":"p","width":480,"height":480}), "model"),
        (
            json!({"model":"sora","prompt":"p","width":"wide","height":480}),
            "width",
        ),
    ];
    for (body, param) in cases {
        let (status, error) = create_job(&client, &handle, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["error"]["code"], "invalid_request_error", "{body}");
        assert_eq!(error["error"]["param"], param, "{body}");
        assert!(error["error"]["message"].is_string());
    }
    let (status, _) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"p","width":720,"height":1280,"n_variants":2,"n_seconds":20,"unknown":"ignored"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, retired) = create_job(
        &client,
        &handle,
        json!({"model":"sora-retired","prompt":"p","width":480,"height":480}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(retired["error"]["type"], "video_generation_user_error");
    assert!(
        retired["error"]["message"]
            .as_str()
            .expect("message")
            .contains("'sora-retired'")
    );
}

/// A multipart create as a Python client (httpx) writes it: a quoted filename keeps its `;`
/// as it is (only `"`, `\` and line breaks are escaped).
fn inpaint_form(file_name: &str, image: &[u8]) -> Vec<u8> {
    let items = json!([{"frame_index": 0, "type": "image", "file_name": file_name}]).to_string();
    let mut body = Vec::new();
    for (name, value) in [
        ("model", "sora"),
        ("prompt", "a lighthouse at dusk"),
        ("width", "480"),
        ("height", "480"),
        ("n_seconds", "5"),
        ("inpaint_items", items.as_str()),
    ] {
        body.extend_from_slice(
            format!(
                "--B0und\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--B0und\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(image);
    body.extend_from_slice(b"\r\n--B0und--\r\n");
    body
}

#[tokio::test]
async fn an_image_whose_name_holds_a_semicolon_is_matched_to_its_inpaint_item() {
    let (handle, client) = start().await;
    let response = client
        .post(url(&handle, "/jobs"))
        .header("api-key", KEY)
        .header("content-type", "multipart/form-data; boundary=B0und")
        .body(inpaint_form("first;frame.jpg", THUMBNAIL_JPG))
        .send()
        .await
        .expect("request reaches the sim");
    let status = response.status();
    let job: Value = response.json().await.expect("JSON answer");
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(
        job["inpaint_items"][0]["file_name"], "first;frame.jpg",
        "{job}"
    );
}

#[tokio::test]
async fn moderated_prompt_ends_failed() {
    let (handle, client) = start().await;
    let (_, job) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"something forbidden","width":480,"height":480}),
    )
    .await;
    let id = job["id"].as_str().expect("id").to_string();
    let (_, done) = poll_until_terminal(&client, &handle, &id).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["failure_reason"], "input_moderation");
    assert_eq!(done["generations"], json!([]));
    assert!(done["finished_at"].is_u64());
}

#[tokio::test]
async fn list_pages_newest_first_and_delete_removes() {
    let (handle, client) = start().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, job) = create_job(
            &client,
            &handle,
            json!({"model":"sora","prompt":format!("p{i}"),"width":480,"height":480}),
        )
        .await;
        ids.push(job["id"].as_str().expect("id").to_string());
    }
    let (status, page) = get_json(&client, &url(&handle, "/jobs?limit=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["object"], "list");
    assert_eq!(page["has_more"], true);
    let listed: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|j| j["id"].as_str())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["first_id"], ids[2].as_str());
    assert_eq!(page["last_id"], ids[1].as_str());

    let (_, next) = get_json(
        &client,
        &url(&handle, &format!("/jobs?limit=2&after={}", ids[1])),
    )
    .await;
    assert_eq!(next["data"][0]["id"], ids[0].as_str());
    assert_eq!(next["has_more"], false);
    let (_, before) = get_json(
        &client,
        &url(&handle, &format!("/jobs?limit=5&before={}", ids[0])),
    )
    .await;
    assert_eq!(before["data"].as_array().expect("data").len(), 2);

    let (_, none) = get_json(
        &client,
        &url(&handle, "/jobs?limit=10&statuses=succeeded,failed"),
    )
    .await;
    assert_eq!(none["data"], json!([]));
    assert!(none["first_id"].is_null());
    let (status, _) = get_json(&client, &url(&handle, "/jobs?limit=10&statuses=bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, error) = get_json(&client, &url(&handle, "/jobs")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "limit is required");
    assert_eq!(error["error"]["param"], "limit");

    let deleted = send(
        &client,
        Method::DELETE,
        &url(&handle, &format!("/jobs/{}", ids[0])),
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(deleted.bytes().await.expect("body").is_empty());
    let (status, error) = get_json(&client, &url(&handle, &format!("/jobs/{}", ids[0]))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"]["message"].is_string());
    let again = send(
        &client,
        Method::DELETE,
        &url(&handle, &format!("/jobs/{}", ids[0])),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn range_requests_resume_a_download() {
    let (handle, client) = start().await;
    let (_, gen_id) = finished_generation(&client, &handle).await;
    let video_url = url(&handle, &format!("/{gen_id}/content/video"));
    let len = SAMPLE_MP4.len();

    let first = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("sent");
    assert_eq!(first.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        first.headers()["content-range"],
        format!("bytes 0-99/{len}").as_str()
    );
    assert_eq!(
        first.bytes().await.expect("body").as_ref(),
        &SAMPLE_MP4[..100]
    );

    let rest = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", "bytes=100-")
        .send()
        .await
        .expect("sent");
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        rest.headers()["content-range"],
        format!("bytes 100-{}/{len}", len - 1).as_str()
    );
    assert_eq!(
        rest.bytes().await.expect("body").as_ref(),
        &SAMPLE_MP4[100..]
    );

    let beyond = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .expect("sent");
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
}

#[tokio::test]
async fn everything_expires_after_the_ttl() {
    let (handle, client) = start().await;
    let (job_id, gen_id) = finished_generation(&client, &handle).await;
    handle.advance_clock(Duration::from_secs(24 * 60 * 60));
    let video = send(
        &client,
        Method::GET,
        &url(&handle, &format!("/{gen_id}/content/video")),
    )
    .await;
    assert_eq!(video.status(), StatusCode::NOT_FOUND);
    assert_eq!(video.text().await.expect("body"), RESOURCE_NOT_FOUND);
    let (status, _) = get_json(&client, &url(&handle, &format!("/jobs/{job_id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_are_recorded() {
    let (handle, client) = start().await;
    handle.clear_requests();
    let (_, job) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"recorded","width":480,"height":480}),
    )
    .await;
    let _ = get_json(
        &client,
        &url(
            &handle,
            &format!("/jobs/{}", job["id"].as_str().expect("id")),
        ),
    )
    .await;
    let requests = handle.requests();
    assert_eq!(requests.len(), 2);
    let create = &requests[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/openai/v1/video/generations/jobs");
    assert_eq!(create.query.as_deref(), Some("api-version=preview"));
    assert_eq!(create.header("api-key"), Some(KEY));
    assert_eq!(create.status, 201);
    let sent: Value = serde_json::from_slice(&create.body).expect("recorded JSON body");
    assert_eq!(sent["prompt"], "recorded");
    assert_eq!(requests[1].method, "GET");
    handle.clear_requests();
    assert!(handle.requests().is_empty());

    let lines = sora_sim::env_lines(&handle, &SimConfig::default());
    assert!(lines.contains(&format!(
        "export AZURE_OPENAI_ENDPOINT={}",
        handle.base_url()
    )));
    assert!(lines.contains(&format!("export SUPABASE_URL={}", handle.base_url())));
    handle.shutdown().await;
}
