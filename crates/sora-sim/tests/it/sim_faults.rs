//! The simulator's fault engine as a client meets it: rules from config, `SimHandle::inject`,
//! the `/__sim` control route and the demo prompt tags.

use std::time::{Duration, Instant, SystemTime};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sora_sim::{
    Fault, FaultRoute, FaultRule, FaultTarget, RetryAfter, SAMPLE_MP4, Service, SimConfig,
    SimHandle,
};

const OPENAI_KEY: &str = "sim-openai-key";
const AZURE_KEY: &str = "sim-azure-key";

fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

async fn start(config: SimConfig) -> (SimHandle, Client) {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    let handle = sora_sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    (handle, Client::new())
}

fn status(code: u16, retry_after: Option<RetryAfter>) -> Fault {
    Fault::Status {
        code,
        retry_after,
        body: None,
    }
}

async fn create(handle: &SimHandle, client: &Client, prompt: &str) -> reqwest::Response {
    client
        .post(format!("{}/v1/videos", handle.base_url()))
        .bearer_auth(OPENAI_KEY)
        .json(&json!({"prompt": prompt}))
        .send()
        .await
        .expect("answer")
}

async fn get(client: &Client, url: &str) -> reqwest::Response {
    client
        .get(url)
        .bearer_auth(OPENAI_KEY)
        .send()
        .await
        .expect("answer")
}

/// A completed OpenAI video, its content URL ready (bounded: 100 polls).
async fn completed_video(handle: &SimHandle, client: &Client, prompt: &str) -> String {
    let video: Value = create(handle, client, prompt)
        .await
        .json()
        .await
        .expect("video");
    let id = video["id"].as_str().expect("id").to_string();
    for _ in 0..100 {
        let video: Value = get(client, &format!("{}/v1/videos/{id}", handle.base_url()))
            .await
            .json()
            .await
            .expect("video");
        if video["status"] == "completed" {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("video {id} did not complete");
}

fn content_url(handle: &SimHandle, id: &str) -> String {
    format!("{}/v1/videos/{id}/content", handle.base_url())
}

#[tokio::test]
async fn status_faults_with_retry_after_and_times() {
    let config = SimConfig {
        faults: vec![
            FaultRule::new(
                FaultTarget::new(FaultRoute::Create).service(Service::OpenAI),
                status(429, Some(RetryAfter::Secs(2))),
            )
            .times(2),
        ],
        ..fast()
    };
    let (handle, client) = start(config).await;
    for _ in 0..2 {
        let response = create(&handle, &client, "p").await;
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "2");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "rate_limit_exceeded");
        assert_eq!(body["error"]["type"], "requests");
    }
    assert_eq!(create(&handle, &client, "p").await.status(), StatusCode::OK);
    assert!(handle.faults().is_empty(), "used up");

    // A service filter: the Azure base is not hit by an OpenAI rule.
    handle.inject(FaultRule::new(
        FaultTarget::new(FaultRoute::List).service(Service::AzureV1),
        status(503, Some(RetryAfter::HttpDate(30))),
    ));
    let list = get(&client, &format!("{}/v1/videos", handle.base_url())).await;
    assert_eq!(list.status(), StatusCode::OK);
    let response = client
        .get(format!("{}/openai/v1/videos", handle.base_url()))
        .header("api-key", AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key("apim-request-id"));
    let date = response.headers()["retry-after"].to_str().expect("ascii");
    let when = httpdate::parse_http_date(date).expect("an HTTP-date");
    let ahead = when.duration_since(SystemTime::now()).unwrap_or_default();
    assert!(
        ahead > Duration::from_secs(20) && ahead <= Duration::from_secs(31),
        "{ahead:?}"
    );
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["type"], "server_error");

    // Azure Sora's own shape, a custom body, and Storage.
    handle.inject(FaultRule::new(FaultRoute::Any, status(500, None)));
    let response = client
        .get(format!(
            "{}/openai/v1/video/generations/jobs?api-version=preview&limit=1",
            handle.base_url()
        ))
        .header("api-key", AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "InternalServerError");
    handle.inject(FaultRule::new(
        FaultTarget::new(FaultRoute::StorageUpload),
        Fault::Status {
            code: 502,
            retry_after: None,
            body: Some("upstream down".to_string()),
        },
    ));
    let response = client
        .post(format!(
            "{}/storage/v1/object/output-videos/a.mp4",
            handle.base_url()
        ))
        .bearer_auth(SimConfig::default().supabase_key)
        .body("x")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(response.text().await.expect("text"), "upstream down");
    handle.shutdown().await;
}

#[tokio::test]
async fn reset_mid_body_fails_the_download() {
    let (handle, client) = start(fast()).await;
    let id = completed_video(&handle, &client, "reset").await;
    handle.inject(FaultRule::new(
        FaultTarget::new(FaultRoute::Content),
        Fault::ResetMidBody {
            after_bytes: 10_000,
        },
    ));
    let response = get(&client, &content_url(&handle, &id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.content_length(), Some(SAMPLE_MP4.len() as u64));
    let mut received = 0;
    let mut response = response;
    let outcome = loop {
        match tokio::time::timeout(Duration::from_secs(5), response.chunk()).await {
            Ok(Ok(Some(chunk))) => received += chunk.len(),
            Ok(Ok(None)) => break Ok(()),
            Ok(Err(error)) => break Err(error),
            Err(_) => panic!("the reset never came"),
        }
    };
    assert!(outcome.is_err(), "the client must see an error");
    assert!(received <= 10_000, "{received}");
    // Used up: the next download is whole.
    let whole = get(&client, &content_url(&handle, &id)).await;
    assert_eq!(&whole.bytes().await.expect("body")[..], SAMPLE_MP4);
    handle.shutdown().await;
}

#[tokio::test]
async fn short_body_ends_early() {
    let (handle, client) = start(fast()).await;
    let id = completed_video(&handle, &client, "short").await;
    handle.inject(FaultRule::new(
        FaultTarget::new(FaultRoute::Content).path_contains(id.clone()),
        Fault::ShortBody { bytes: 4096 },
    ));
    let response = get(&client, &content_url(&handle, &id)).await;
    assert_eq!(response.content_length(), Some(SAMPLE_MP4.len() as u64));
    let result = tokio::time::timeout(Duration::from_secs(5), response.bytes())
        .await
        .expect("the body ends");
    assert!(
        result.is_err(),
        "a body shorter than Content-Length is an error"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn stall_sends_nothing_for_a_while() {
    let (handle, client) = start(fast()).await;
    let id = completed_video(&handle, &client, "stall").await;
    handle.inject(FaultRule::new(
        FaultTarget::new(FaultRoute::Content),
        Fault::Stall {
            after_bytes: 1000,
            for_: Duration::from_millis(300),
        },
    ));
    let mut response = get(&client, &content_url(&handle, &id)).await;
    let mut body = Vec::new();
    let mut last = Instant::now();
    let mut longest_gap = Duration::ZERO;
    let started = Instant::now();
    while let Some(chunk) = tokio::time::timeout(Duration::from_secs(5), response.chunk())
        .await
        .expect("bounded")
        .expect("no error")
    {
        longest_gap = longest_gap.max(last.elapsed());
        last = Instant::now();
        body.extend_from_slice(&chunk);
    }
    assert_eq!(body, SAMPLE_MP4, "the stall ends and the rest arrives");
    assert!(longest_gap >= Duration::from_millis(250), "{longest_gap:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    handle.shutdown().await;
}

#[tokio::test]
async fn html_ok_and_expired() {
    let (handle, client) = start(fast()).await;
    let id = completed_video(&handle, &client, "html").await;
    handle.inject(FaultRule::new(FaultRoute::Content, Fault::HtmlOk));
    let response = get(&client, &content_url(&handle, &id)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    assert!(response.text().await.expect("text").contains("<html>"));

    handle.inject(FaultRule::new(FaultRoute::Content, Fault::Expired));
    let response = get(&client, &content_url(&handle, &id)).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired")
    );

    // HtmlOk/Expired do not touch non-content routes.
    handle.inject(FaultRule::new(FaultRoute::Any, Fault::Expired));
    let poll = get(&client, &format!("{}/v1/videos/{id}", handle.base_url())).await;
    assert_eq!(poll.status(), StatusCode::OK);
    handle.clear_faults();
    assert!(handle.faults().is_empty());
    handle.shutdown().await;
}

#[tokio::test]
async fn control_route() {
    let (handle, client) = start(fast()).await;
    let base = handle.base_url();
    let rule = json!({"target": {"route": "create", "family": "openai"},
        "fault": {"kind": "status", "code": 503}, "times": 1});
    let response = client
        .post(format!("{base}/__sim/faults"))
        .json(&rule)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["faults"][0]["fault"]["code"], 503);
    assert_eq!(handle.faults().len(), 1);
    assert_eq!(
        create(&handle, &client, "x").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(create(&handle, &client, "x").await.status(), StatusCode::OK);

    let rules = json!([rule, {"target": {"route": "poll"}, "fault": {"kind": "html_ok"}}]);
    let response = client
        .post(format!("{base}/__sim/faults"))
        .json(&rules)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(handle.faults().len(), 2);
    let response = client
        .delete(format!("{base}/__sim/faults"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(handle.faults().is_empty());
    let bad = client
        .post(format!("{base}/__sim/faults"))
        .json(&json!({"fault": "nope"}))
        .send()
        .await
        .expect("answer");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let requests: Value = client
        .get(format!("{base}/__sim/requests"))
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    let requests = requests.as_array().expect("array");
    assert_eq!(requests.len(), 2, "control routes are not recorded");
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["path"], "/v1/videos");
    assert_eq!(requests[0]["status"], 503);
    assert_eq!(requests[1]["status"], 200);
    assert_eq!(requests[1]["body"], r#"{"prompt":"x"}"#);
    assert!(
        requests[1]["headers"]
            .as_array()
            .expect("headers")
            .iter()
            .any(|h| h[0] == "authorization")
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn demo_prompt_tags() {
    // Eight for every service, plus `[throttled]` for Runway.
    assert_eq!(sora_sim::demo_fault_tags().len(), 9);
    let config = SimConfig {
        content_delay: Duration::ZERO,
        ..fast()
    };
    let (handle, client) = start(config).await;
    let base = handle.base_url();

    // [429]: once per prompt.
    let refused = create(&handle, &client, "a cat [429]").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "2");
    let accepted = create(&handle, &client, "a cat [429]").await;
    assert_eq!(accepted.status(), StatusCode::OK);

    // [5xx]: the job's next two polls.
    let video: Value = create(&handle, &client, "a cat [5xx]")
        .await
        .json()
        .await
        .expect("video");
    let id = video["id"].as_str().expect("id");
    let other = completed_video(&handle, &client, "plain").await;
    let poll = |id: String| {
        let client = client.clone();
        let url = format!("{base}/v1/videos/{id}");
        async move { get(&client, &url).await.status() }
    };
    assert_eq!(poll(id.to_string()).await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(poll(other.clone()).await, StatusCode::OK, "only that job");
    assert_eq!(poll(id.to_string()).await, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(poll(id.to_string()).await, StatusCode::OK);

    // [moderation] on the Azure Sora jobs API.
    let response = client
        .post(format!(
            "{base}/openai/v1/video/generations/jobs?api-version=preview"
        ))
        .header("api-key", AZURE_KEY)
        .json(&json!({"model": "sora", "prompt": "x [moderation]", "width": 480, "height": 480}))
        .send()
        .await
        .expect("answer");
    let job: Value = response.json().await.expect("job");
    let job_id = job["id"].as_str().expect("id");
    handle.advance_clock(Duration::from_secs(1));
    let job: Value = client
        .get(format!(
            "{base}/openai/v1/video/generations/jobs/{job_id}?api-version=preview"
        ))
        .header("api-key", AZURE_KEY)
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("job");
    assert_eq!(job["status"], "failed");
    assert_eq!(job["failure_reason"], "input_moderation");

    // [lag]: 8 s of 404 after completion.
    let lagging = completed_video(&handle, &client, "x [lag]").await;
    assert_eq!(
        get(&client, &content_url(&handle, &lagging)).await.status(),
        StatusCode::NOT_FOUND
    );
    handle.advance_clock(Duration::from_secs(8));
    assert_eq!(
        get(&client, &content_url(&handle, &lagging)).await.status(),
        StatusCode::OK
    );

    // [reset]: the first download is cut, the second is whole.
    let reset = completed_video(&handle, &client, "x [reset]").await;
    let first = get(&client, &content_url(&handle, &reset)).await;
    assert!(first.bytes().await.is_err());
    let second = get(&client, &content_url(&handle, &reset)).await;
    assert_eq!(&second.bytes().await.expect("body")[..], SAMPLE_MP4);
    handle.shutdown().await;
}

#[tokio::test]
async fn demo_download_tags_stall_html_and_expired() {
    let tags: Vec<&str> = sora_sim::demo_fault_tags()
        .iter()
        .map(|(t, _)| *t)
        .collect();
    for tag in ["[stall]", "[html]", "[expired]"] {
        assert!(
            tags.contains(&tag),
            "{tag} is listed for the dashboard: {tags:?}"
        );
    }
    let (handle, client) = start(fast()).await;

    // [html]: the first download is a 200 HTML page, the second the video.
    let html = completed_video(&handle, &client, "x [html]").await;
    let plain = completed_video(&handle, &client, "plain").await;
    let first = get(&client, &content_url(&handle, &html)).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(
        first.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    assert!(first.text().await.expect("text").contains("<html>"));
    let other = get(&client, &content_url(&handle, &plain)).await;
    assert_eq!(
        &other.bytes().await.expect("body")[..],
        SAMPLE_MP4,
        "only that job"
    );
    let second = get(&client, &content_url(&handle, &html)).await;
    assert_eq!(&second.bytes().await.expect("body")[..], SAMPLE_MP4);

    // [expired]: every download of the job's content answers expired, and keeps doing so.
    let expired = completed_video(&handle, &client, "x [expired]").await;
    for _ in 0..3 {
        let response = get(&client, &content_url(&handle, &expired)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let body: Value = response.json().await.expect("json");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("expired"),
            "{body}"
        );
    }
    let poll = get(
        &client,
        &format!("{}/v1/videos/{expired}", handle.base_url()),
    )
    .await;
    assert_eq!(
        poll.status(),
        StatusCode::OK,
        "the job itself still answers"
    );

    // [stall]: 16 KiB, then nothing for longer than a second (35 s in all); the next download
    // is whole.
    let stalled = completed_video(&handle, &client, "x [stall]").await;
    let mut response = get(&client, &content_url(&handle, &stalled)).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.content_length(),
        Some(SAMPLE_MP4.len() as u64),
        "the full length is announced"
    );
    let mut got = 0usize;
    while got < 16 * 1024 {
        let chunk = tokio::time::timeout(Duration::from_secs(5), response.chunk())
            .await
            .expect("the first 16 KiB arrive at once")
            .expect("no error")
            .expect("not the end yet");
        got += chunk.len();
    }
    assert_eq!(got, 16 * 1024, "exactly 16 KiB before the stall");
    let waited = tokio::time::timeout(Duration::from_secs(1), response.chunk()).await;
    assert!(waited.is_err(), "nothing more within a second: {waited:?}");
    drop(response);
    let whole = get(&client, &content_url(&handle, &stalled)).await;
    assert_eq!(&whole.bytes().await.expect("body")[..], SAMPLE_MP4);
    // Not `shutdown`: it would wait out the stalled connection.
    drop(handle);
}
