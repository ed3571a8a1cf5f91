//! fal's queue wire details in the simulator: auth, status codes per status, logs only when
//! asked, owner/app URLs for sub-path model ids, 422 content-policy results, cancel answers.

use std::time::Duration;

use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

async fn sim(config: SimConfig) -> (SimHandle, SimConfig, reqwest::Client) {
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    (handle, config, crate::common::http())
}

fn step(ms: u64) -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(ms),
        ..SimConfig::default()
    }
}

async fn send(
    http: &reqwest::Client,
    key: &str,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http
        .request(method, url)
        .header("Authorization", format!("Key {key}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn submit_answers_owner_app_urls_and_refuses_other_auth() {
    let (handle, config, http) = sim(step(100)).await;
    let url = format!("{}/fal-ai/veo3.1/image-to-video", handle.base_url());
    let bearer = http
        .post(&url)
        .bearer_auth(&config.fal_key)
        .json(&json!({"prompt": "a"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        bearer.status().as_u16(),
        401,
        "fal wants `Key`, not `Bearer`"
    );
    let (status, body) = send(
        &http,
        &config.fal_key,
        reqwest::Method::POST,
        &url,
        Some(json!({"prompt": "a", "image_url": "https://example.com/a.png"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "IN_QUEUE");
    assert_eq!(body["queue_position"], 0);
    let id = body["request_id"].as_str().expect("id");
    let base = format!("{}/fal-ai/veo3.1/requests/{id}", handle.base_url());
    assert_eq!(body["response_url"], base);
    assert_eq!(body["status_url"], format!("{base}/status"));
    assert_eq!(body["cancel_url"], format!("{base}/cancel"));
    let wrong = format!(
        "{}/fal-ai/veo3.1/image-to-video/requests/{id}/status",
        handle.base_url()
    );
    let (status, _) = send(&http, &config.fal_key, reqwest::Method::GET, &wrong, None).await;
    assert_eq!(status, 404, "status URLs carry only owner/app");
    let (status, _) = send(
        &http,
        &config.fal_key,
        reqwest::Method::POST,
        &format!("{}/fal-ai/no-such-model", handle.base_url()),
        Some(json!({"prompt": "a"})),
    )
    .await;
    assert_eq!(status, 404);
    handle.shutdown().await;
}

#[tokio::test]
async fn status_goes_queued_in_progress_completed_with_logs_when_asked() {
    let (handle, config, http) = sim(step(150)).await;
    let key = &config.fal_key;
    let (_, first) = send(
        &http,
        key,
        reqwest::Method::POST,
        &format!("{}/fal-ai/veo3.1", handle.base_url()),
        Some(json!({"prompt": "one"})),
    )
    .await;
    let (_, second) = send(
        &http,
        key,
        reqwest::Method::POST,
        &format!("{}/fal-ai/veo3.1", handle.base_url()),
        Some(json!({"prompt": "two"})),
    )
    .await;
    assert_eq!(second["queue_position"], 1, "one request queued ahead");
    let status_url = first["status_url"].as_str().expect("url").to_string();
    let (code, queued) = send(&http, key, reqwest::Method::GET, &status_url, None).await;
    assert_eq!((code, queued["status"].clone()), (202, json!("IN_QUEUE")));
    assert_eq!(queued["queue_position"], 0);
    let mut seen_progress = false;
    for _ in 0..200 {
        let (code, plain) = send(&http, key, reqwest::Method::GET, &status_url, None).await;
        if plain["status"] == "IN_PROGRESS" {
            assert_eq!(code, 202);
            assert_eq!(plain["logs"], Value::Null, "no logs without ?logs");
            let (_, logged) = send(
                &http,
                key,
                reqwest::Method::GET,
                &format!("{status_url}?logs=1"),
                None,
            )
            .await;
            if logged["status"] == "IN_PROGRESS" {
                assert!(
                    logged["logs"]
                        .as_array()
                        .is_some_and(|l| !l.is_empty() && l[0]["level"] == "INFO")
                );
                seen_progress = true;
            }
        }
        if plain["status"] == "COMPLETED" {
            assert_eq!(code, 200);
            assert!(plain.get("error").is_none());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(seen_progress);
    let (code, result) = send(
        &http,
        key,
        reqwest::Method::GET,
        first["response_url"].as_str().expect("url"),
        None,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(result["video"]["content_type"], "video/mp4");
    assert!(
        result["video"]["url"]
            .as_str()
            .is_some_and(|u| u.starts_with(&handle.media_url()))
    );
    handle.advance_clock(Duration::from_secs(61 * 60));
    let (code, _) = send(
        &http,
        key,
        reqwest::Method::GET,
        first["response_url"].as_str().expect("url"),
        None,
    )
    .await;
    assert_eq!(code, 404, "the result is kept one hour");
    handle.shutdown().await;
}

#[tokio::test]
async fn content_policy_completes_with_error_and_a_422_result() {
    let config = SimConfig {
        fail_prompts_containing: Some("forbidden".into()),
        ..step(20)
    };
    let (handle, config, http) = sim(config).await;
    let key = &config.fal_key;
    let (_, sub) = send(
        &http,
        key,
        reqwest::Method::POST,
        &format!("{}/fal-ai/veo3.1", handle.base_url()),
        Some(json!({"prompt": "a forbidden fox"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let (code, status) = send(
        &http,
        key,
        reqwest::Method::GET,
        sub["status_url"].as_str().expect("url"),
        None,
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(status["status"], "COMPLETED");
    assert_eq!(status["error_type"], "content_policy_violation");
    let (code, result) = send(
        &http,
        key,
        reqwest::Method::GET,
        sub["response_url"].as_str().expect("url"),
        None,
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(result["detail"][0]["type"], "content_policy_violation");
    assert_eq!(result["detail"][0]["loc"], json!(["body", "prompt"]));
    handle.shutdown().await;
}

#[tokio::test]
async fn cancel_answers_each_documented_status() {
    let (handle, config, http) = sim(step(1000)).await;
    let key = &config.fal_key;
    let (_, sub) = send(
        &http,
        key,
        reqwest::Method::POST,
        &format!("{}/fal-ai/veo3.1", handle.base_url()),
        Some(json!({"prompt": "fox"})),
    )
    .await;
    let cancel = sub["cancel_url"].as_str().expect("url");
    let (code, body) = send(&http, key, reqwest::Method::PUT, cancel, None).await;
    assert_eq!(
        (code, body),
        (202, json!({"status": "CANCELLATION_REQUESTED"}))
    );
    let (code, body) = send(&http, key, reqwest::Method::PUT, cancel, None).await;
    assert_eq!((code, body), (400, json!({"status": "ALREADY_COMPLETED"})));
    let missing = format!(
        "{}/fal-ai/veo3.1/requests/00000000-0000-4000-8000-000000000000/cancel",
        handle.base_url()
    );
    let (code, body) = send(&http, key, reqwest::Method::PUT, &missing, None).await;
    assert_eq!((code, body), (404, json!({"status": "NOT_FOUND"})));
    handle.shutdown().await;
}

#[tokio::test]
async fn demo_tags_act_on_fal_requests_and_their_outputs() {
    let (handle, config, http) = sim(step(50)).await;
    let key = &config.fal_key;
    let submit = format!("{}/fal-ai/veo3.1", handle.base_url());
    let post = reqwest::Method::POST;
    let (status, _) = send(
        &http,
        key,
        post.clone(),
        &submit,
        Some(json!({"prompt": "fox [429] [5xx] [reset]"})),
    )
    .await;
    assert_eq!(status, 429);
    let (status, sub) = send(
        &http,
        key,
        post.clone(),
        &submit,
        Some(json!({"prompt": "fox [429] [5xx] [reset]"})),
    )
    .await;
    assert_eq!(status, 200);
    let status_url = sub["status_url"].as_str().expect("url");
    for _ in 0..2 {
        let (status, body) = send(&http, key, reqwest::Method::GET, status_url, None).await;
        assert_eq!(status, 503);
        assert_eq!(body["error_type"], "runner_scheduling_failure");
    }
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (_, result) = send(
        &http,
        key,
        reqwest::Method::GET,
        sub["response_url"].as_str().expect("url"),
        None,
    )
    .await;
    let url = result["video"]["url"].as_str().expect("url");
    let cut = http.get(url).send().await.expect("get").bytes().await;
    assert!(
        cut.is_err() || cut.is_ok_and(|b| b.len() < sora_sim::SAMPLE_MP4.len()),
        "[reset] cuts the first download"
    );
    let whole = http
        .get(url)
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(whole.as_ref(), sora_sim::SAMPLE_MP4);

    let (_, moderated) = send(
        &http,
        key,
        post,
        &submit,
        Some(json!({"prompt": "fox [moderation]"})),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    let (code, body) = send(
        &http,
        key,
        reqwest::Method::GET,
        moderated["response_url"].as_str().expect("url"),
        None,
    )
    .await;
    assert_eq!(code, 422);
    assert_eq!(body["detail"][0]["type"], "content_policy_violation");
    handle.shutdown().await;
}
