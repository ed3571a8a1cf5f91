//! Runway's wire details in the simulator: auth and version header, validation bodies,
//! THROTTLED when the model's concurrency is used up, delete, and the media origin's signed
//! URLs (no key accepted, expiry, refreshed by getting the task again).

use std::time::Duration;

use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

const VERSION: &str = "2024-11-06";

async fn sim(step_ms: u64) -> (SimHandle, SimConfig, reqwest::Client) {
    let config = SimConfig {
        status_step: Duration::from_millis(step_ms),
        ..SimConfig::default()
    };
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    (handle, config, crate::common::http())
}

fn t2v(prompt: &str) -> Value {
    json!({"model": "gen4.5", "promptText": prompt, "ratio": "1280:720", "duration": 5})
}

async fn call(
    http: &reqwest::Client,
    handle: &SimHandle,
    key: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http
        .request(method, format!("{}{path}", handle.base_url()))
        .bearer_auth(key)
        .header("X-Runway-Version", VERSION);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn wait_for(
    http: &reqwest::Client,
    handle: &SimHandle,
    key: &str,
    id: &str,
    status: &str,
) -> Value {
    for _ in 0..200 {
        let (_, task) = call(
            http,
            handle,
            key,
            reqwest::Method::GET,
            &format!("/v1/tasks/{id}"),
            None,
        )
        .await;
        if task["status"] == status {
            return task;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("task {id} never reached {status}");
}

#[tokio::test]
async fn key_and_version_header_are_checked_first() {
    let (handle, config, http) = sim(50).await;
    let url = format!("{}/v1/text_to_video", handle.base_url());
    let no_key = http
        .post(&url)
        .header("X-Runway-Version", VERSION)
        .json(&t2v("a"))
        .send()
        .await
        .expect("send");
    assert_eq!(no_key.status().as_u16(), 401);
    let body: Value = no_key.json().await.expect("json");
    assert!(body["error"].is_string());
    let no_version = http
        .post(&url)
        .bearer_auth(&config.runway_api_key)
        .json(&t2v("a"))
        .send()
        .await
        .expect("send");
    assert_eq!(no_version.status().as_u16(), 400);
    let body: Value = no_version.json().await.expect("json");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("X-Runway-Version"))
    );
    let old = http
        .post(&url)
        .bearer_auth(&config.runway_api_key)
        .header("X-Runway-Version", "2023-01-01")
        .json(&t2v("a"))
        .send()
        .await
        .expect("send");
    assert_eq!(old.status().as_u16(), 400);
    handle.shutdown().await;
}

#[tokio::test]
async fn invalid_bodies_get_validation_issues_naming_the_field() {
    let (handle, config, http) = sim(50).await;
    let key = &config.runway_api_key;
    let post = reqwest::Method::POST;
    let (status, body) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(json!({"model": "gen4.5", "promptText": "a", "ratio": "1280:720"})),
    )
    .await;
    assert_eq!(status, 400, "gen4.5 needs a duration");
    assert_eq!(body["error"], "Validation of body failed");
    assert_eq!(body["issues"][0]["path"], json!(["duration"]));
    let (status, body) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(json!({"model": "gen4_turbo", "promptText": "a", "ratio": "1280:720"})),
    )
    .await;
    assert_eq!(status, 400, "gen4_turbo is not a text-to-video model");
    assert_eq!(body["issues"][0]["path"], json!(["model"]));
    let (status, body) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(t2v(&"x".repeat(1001))),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["issues"][0]["path"], json!(["promptText"]));
    let (status, body) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/image_to_video",
        Some(
            json!({"model": "gen4.5", "promptText": "a", "ratio": "1280:720", "duration": 5,
                    "promptImage": "http://example.com/a.png"}),
        ),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["issues"][0]["message"], "Only HTTPS URLs are allowed.");
    let big = format!("data:image/png;base64,{}", "A".repeat(5 * 1024 * 1024));
    let (status, body) = call(
        &http,
        &handle,
        key,
        post,
        "/v1/image_to_video",
        Some(json!({"model": "gen4_turbo", "ratio": "1280:720", "promptImage": big})),
    )
    .await;
    assert_eq!(status, 400, "a data URI over 5 MB encoded is refused");
    assert_eq!(body["issues"][0]["path"], json!(["promptImage"]));
    handle.shutdown().await;
}

#[tokio::test]
async fn a_third_task_of_a_model_is_throttled_until_a_slot_frees() {
    let (handle, config, http) = sim(150).await;
    let key = &config.runway_api_key;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (status, created) = call(
            &http,
            &handle,
            key,
            reqwest::Method::POST,
            "/v1/text_to_video",
            Some(t2v(&format!("fox {i}"))),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(created["estimatedCost"]["credits"], 60);
        ids.push(created["id"].as_str().expect("id").to_string());
    }
    let (_, third) = call(
        &http,
        &handle,
        key,
        reqwest::Method::GET,
        &format!("/v1/tasks/{}", ids[2]),
        None,
    )
    .await;
    assert_eq!(third["status"], "THROTTLED", "{third}");
    assert_eq!(third["estimatedCost"]["credits"], 60);
    let running = wait_for(&http, &handle, key, &ids[2], "RUNNING").await;
    assert!(
        running["progress"]
            .as_f64()
            .is_some_and(|p| (0.0..1.0).contains(&p))
    );
    let done = wait_for(&http, &handle, key, &ids[2], "SUCCEEDED").await;
    assert_eq!(done["cost"]["credits"], 60);
    assert!(
        done.get("estimatedCost").is_none(),
        "terminal tasks carry cost only"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn moderated_prompt_fails_with_safety_code_and_no_cost() {
    let config = SimConfig {
        status_step: Duration::from_millis(30),
        fail_prompts_containing: Some("forbidden".to_string()),
        ..SimConfig::default()
    };
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let http = crate::common::http();
    let key = &config.runway_api_key;
    let (_, created) = call(
        &http,
        &handle,
        key,
        reqwest::Method::POST,
        "/v1/text_to_video",
        Some(t2v("a forbidden fox")),
    )
    .await;
    let id = created["id"].as_str().expect("id");
    let failed = wait_for(&http, &handle, key, id, "FAILED").await;
    assert_eq!(failed["failureCode"], "SAFETY.INPUT.TEXT");
    assert!(failed["failure"].is_string());
    assert_eq!(failed["cost"]["credits"], 0);
    handle.shutdown().await;
}

#[tokio::test]
async fn output_urls_refuse_keys_expire_and_are_refreshed_by_a_new_get() {
    let (handle, config, http) = sim(20).await;
    let key = &config.runway_api_key;
    let (_, created) = call(
        &http,
        &handle,
        key,
        reqwest::Method::POST,
        "/v1/text_to_video",
        Some(t2v("fox")),
    )
    .await;
    let id = created["id"].as_str().expect("id").to_string();
    let done = wait_for(&http, &handle, key, &id, "SUCCEEDED").await;
    let url = done["output"][0].as_str().expect("url").to_string();
    assert!(
        url.starts_with(&handle.media_url()),
        "another origin: {url}"
    );
    assert_ne!(handle.media_url(), handle.base_url());
    let ok = http.get(&url).send().await.expect("get");
    assert_eq!(ok.status().as_u16(), 200);
    assert_eq!(
        ok.bytes().await.expect("bytes").as_ref(),
        sora_sim::SAMPLE_MP4
    );
    let with_key = http.get(&url).bearer_auth(key).send().await.expect("get");
    assert_eq!(
        with_key.status().as_u16(),
        400,
        "the media origin takes no key"
    );
    let tampered = url.replace("exp=", "exp=9");
    assert_eq!(
        http.get(&tampered)
            .send()
            .await
            .expect("get")
            .status()
            .as_u16(),
        403
    );
    handle.advance_clock(Duration::from_secs(25 * 60 * 60));
    let expired = http.get(&url).send().await.expect("get");
    assert_eq!(expired.status().as_u16(), 403);
    assert!(expired.text().await.expect("text").contains("expired"));
    let (_, again) = call(
        &http,
        &handle,
        key,
        reqwest::Method::GET,
        &format!("/v1/tasks/{id}"),
        None,
    )
    .await;
    let fresh = again["output"][0].as_str().expect("url");
    assert_eq!(
        http.get(fresh).send().await.expect("get").status().as_u16(),
        200
    );
    let media: Vec<_> = handle
        .requests()
        .into_iter()
        .filter(|r| r.origin == "media")
        .collect();
    assert_eq!(media.len(), 5);
    assert_eq!(
        media
            .iter()
            .filter(|r| r.header("authorization").is_some())
            .count(),
        1
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn delete_answers_204_and_the_task_is_gone() {
    let (handle, config, http) = sim(1000).await;
    let key = &config.runway_api_key;
    let (_, created) = call(
        &http,
        &handle,
        key,
        reqwest::Method::POST,
        "/v1/text_to_video",
        Some(t2v("fox")),
    )
    .await;
    let path = format!("/v1/tasks/{}", created["id"].as_str().expect("id"));
    let (status, _) = call(&http, &handle, key, reqwest::Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let (status, body) = call(&http, &handle, key, reqwest::Method::GET, &path, None).await;
    assert_eq!(
        (status, body),
        (404, json!({"error": "Could not find Task"}))
    );
    let (status, org) = call(
        &http,
        &handle,
        key,
        reqwest::Method::GET,
        "/v1/organization",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(org["creditBalance"], 5000);
    assert_eq!(org["usage"]["models"]["gen4.5"]["dailyGenerations"], 1);
    handle.shutdown().await;
}

#[tokio::test]
async fn demo_tags_act_on_runway_tasks_and_their_outputs() {
    let (handle, config, http) = sim(100).await;
    let key = &config.runway_api_key;
    let post = reqwest::Method::POST;
    let (status, _) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(t2v("fox [429]")),
    )
    .await;
    assert_eq!(status, 429, "[429] refuses the first create");
    let (status, created) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(t2v("fox [429]")),
    )
    .await;
    assert_eq!(status, 200, "its retry goes through");
    assert!(created["id"].is_string());

    let (_, throttled) = call(
        &http,
        &handle,
        key,
        post.clone(),
        "/v1/text_to_video",
        Some(t2v("fox [throttled] [5xx] [html]")),
    )
    .await;
    let id = throttled["id"].as_str().expect("id").to_string();
    let path = format!("/v1/tasks/{id}");
    for _ in 0..2 {
        let (status, body) = call(&http, &handle, key, reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 503, "[5xx]: two polls answer 503");
        assert!(body["error"].is_string());
    }
    let (_, task) = call(&http, &handle, key, reqwest::Method::GET, &path, None).await;
    assert_eq!(
        task["status"], "THROTTLED",
        "[throttled] even with free slots"
    );
    let done = wait_for(&http, &handle, key, &id, "SUCCEEDED").await;
    let url = done["output"][0].as_str().expect("url");
    let first = http.get(url).send().await.expect("get");
    assert_eq!(first.status().as_u16(), 200);
    assert!(
        first.headers()["content-type"]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/html")),
        "[html] on the media origin"
    );
    let second = http.get(url).send().await.expect("get");
    assert_eq!(
        second.bytes().await.expect("bytes").as_ref(),
        sora_sim::SAMPLE_MP4
    );

    let (_, moderated) = call(
        &http,
        &handle,
        key,
        post,
        "/v1/text_to_video",
        Some(t2v("fox [moderation]")),
    )
    .await;
    let failed = wait_for(
        &http,
        &handle,
        key,
        moderated["id"].as_str().expect("id"),
        "FAILED",
    )
    .await;
    assert_eq!(failed["failureCode"], "SAFETY.INPUT.TEXT");
    handle.shutdown().await;
}
