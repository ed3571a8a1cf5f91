//! The Runway client against a small server written here from Runway's documented wire format
//! (runwayml 5.24.0 types, docs.dev.runwayml.com): a task goes THROTTLED → RUNNING → SUCCEEDED,
//! its output is on another origin (the CDN) and is fetched with no key.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use sora_core::providers::catalogue::{Catalogue, Mode, Service};
use sora_core::providers::media::ImageSource;
use sora_core::providers::runway::{RUNWAY_VERSION, RunwayClient};
use sora_core::providers::{JobStatus, ProviderError};
use sora_core::secret::Secret;

const KEY: &str = "key_0123456789abcdef";

/// (method and path, authorization, x-runway-version, body)
type Call = (String, Option<String>, Option<String>, Value);

#[derive(Clone, Default)]
struct Seen {
    calls: Arc<Mutex<Vec<Call>>>,
    polls: Arc<Mutex<u32>>,
    cdn: String,
}

fn header(h: &HeaderMap, name: &str) -> Option<String> {
    h.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn record(s: &Seen, what: String, h: &HeaderMap, body: Value) -> bool {
    let auth = header(h, "authorization");
    let ok = auth.as_deref() == Some(&format!("Bearer {KEY}")[..])
        && header(h, "x-runway-version").as_deref() == Some(RUNWAY_VERSION);
    s.calls
        .lock()
        .expect("lock")
        .push((what, auth, header(h, "x-runway-version"), body));
    ok
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({"error": "Invalid API key"})),
    )
        .into_response()
}

async fn create(
    State(s): State<Seen>,
    Path(kind): Path<String>,
    h: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !record(&s, format!("POST /v1/{kind}"), &h, body.clone()) {
        return unauthorized();
    }
    if body["ratio"] != "1280:720" && body["ratio"] != "720:1280" {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "Validation of body failed", "issues": [
                {"code": "invalid_enum_value", "path": ["ratio"], "message": "Invalid enum value. Expected '1280:720' | '720:1280'"}],
                "docUrl": "https://docs.dev.runwayml.com/api"})),
        )
            .into_response();
    }
    let id = if body["promptText"] == "blocked" {
        "task-blocked"
    } else {
        "task-1"
    };
    Json(json!({"id": id, "estimatedCost": {"credits": 60}})).into_response()
}

async fn task(State(s): State<Seen>, Path(id): Path<String>, h: HeaderMap) -> Response {
    if !record(&s, format!("GET /v1/tasks/{id}"), &h, Value::Null) {
        return unauthorized();
    }
    let created = "2026-12-01T10:00:00.000Z";
    if id == "task-blocked" {
        return Json(json!({"id": id, "createdAt": created, "status": "FAILED",
            "failure": "Your prompt was flagged.", "failureCode": "SAFETY.INPUT.TEXT", "cost": {"credits": 0}}))
        .into_response();
    }
    let n = {
        let mut p = s.polls.lock().expect("lock");
        *p += 1;
        *p
    };
    Json(match n {
        1 => json!({"id": id, "createdAt": created, "status": "THROTTLED", "estimatedCost": {"credits": 60}}),
        2 => json!({"id": id, "createdAt": created, "status": "RUNNING", "progress": 0.42, "estimatedCost": {"credits": 60}}),
        _ => json!({"id": id, "createdAt": created, "status": "SUCCEEDED", "cost": {"credits": 60},
                    "output": [format!("{}/v.mp4?_jwt=signed", s.cdn)]}),
    })
    .into_response()
}

async fn remove(State(s): State<Seen>, Path(id): Path<String>, h: HeaderMap) -> Response {
    if !record(&s, format!("DELETE /v1/tasks/{id}"), &h, Value::Null) {
        return unauthorized();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn organization(State(s): State<Seen>, h: HeaderMap) -> Response {
    if !record(&s, "GET /v1/organization".into(), &h, Value::Null) {
        return unauthorized();
    }
    Json(
        json!({"creditBalance": 5000, "tier": {"maxMonthlyCreditSpend": 10000,
        "models": {"gen4.5": {"maxConcurrentGenerations": 2, "maxDailyGenerations": null}}},
        "usage": {"models": {"gen4.5": {"dailyGenerations": 12}}}}),
    )
    .into_response()
}

/// The CDN: another origin, which records the headers it was sent.
async fn cdn(State(seen): State<Arc<Mutex<Vec<HeaderMap>>>>, h: HeaderMap) -> Vec<u8> {
    seen.lock().expect("lock").push(h);
    b"\x00\x00\x00\x18ftypmp42video".to_vec()
}

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

struct Servers {
    client: RunwayClient,
    seen: Seen,
    cdn_seen: Arc<Mutex<Vec<HeaderMap>>>,
}

async fn servers(key: &str) -> Servers {
    let cdn_seen = Arc::new(Mutex::new(Vec::new()));
    let cdn_base = serve(
        axum::Router::new()
            .route("/v.mp4", get(cdn))
            .with_state(cdn_seen.clone()),
    )
    .await;
    let seen = Seen {
        cdn: cdn_base,
        ..Default::default()
    };
    let api = serve(
        axum::Router::new()
            .route("/v1/{kind}", post(create))
            .route("/v1/tasks/{id}", get(task))
            .route("/v1/tasks/{id}", delete(remove))
            .route("/v1/organization", get(organization))
            .with_state(seen.clone()),
    )
    .await;
    let client = RunwayClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&api).expect("url"),
        Secret::new(key),
        RUNWAY_VERSION,
    );
    Servers {
        client,
        seen,
        cdn_seen,
    }
}

fn gen45(mode: Mode) -> sora_core::providers::catalogue::VideoModel {
    Catalogue::builtin()
        .expect("catalogue")
        .find(Service::Runway, mode, "gen4.5")
        .expect("gen4.5")
        .clone()
}

#[tokio::test]
async fn a_task_goes_throttled_running_succeeded_and_downloads_without_the_key() {
    let s = servers(KEY).await;
    let model = gen45(Mode::Text);
    let params = model.resolve(&[]).expect("defaults");
    let created = s
        .client
        .create(&model, "a red fox", &params, None)
        .await
        .expect("created");
    assert_eq!(created.id, "task-1");
    assert_eq!(created.estimated_cost.map(|c| c.credits), Some(60.0));
    {
        let calls = s.seen.calls.lock().expect("lock");
        let (what, _, _, body) = &calls[0];
        assert_eq!(what, "POST /v1/text_to_video");
        assert_eq!(
            body,
            &json!({"model": "gen4.5", "promptText": "a red fox", "ratio": "1280:720", "duration": 5})
        );
    }
    let mut seen_statuses = Vec::new();
    let mut job = None;
    for _ in 0..5 {
        let j = s.client.get("task-1").await.expect("task").into_job();
        assert!(
            j.poll_after >= Some(std::time::Duration::from_secs(5)),
            "no faster than every 5 s"
        );
        seen_statuses.push((j.status_text.clone(), j.progress));
        if j.status.is_terminal() {
            job = Some(j);
            break;
        }
    }
    assert_eq!(
        seen_statuses,
        vec![
            ("THROTTLED".into(), None),
            ("RUNNING".into(), Some(42)),
            ("SUCCEEDED".into(), None)
        ]
    );
    let job = job.expect("finished");
    assert_eq!(job.status, JobStatus::Succeeded);
    let request = s.client.content_request(&job.outputs[0]).expect("request");
    let http = sora_core::http::client().expect("http");
    let bytes = http
        .get(request.url.clone())
        .headers(request.headers.clone())
        .send()
        .await
        .expect("cdn")
        .bytes()
        .await
        .expect("body");
    assert!(bytes.starts_with(b"\x00\x00\x00\x18ftyp"));
    let cdn = s.cdn_seen.lock().expect("lock");
    assert_eq!(cdn.len(), 1);
    assert!(
        cdn[0].get("authorization").is_none(),
        "the key never reaches the CDN"
    );
    assert!(!format!("{:?}", cdn[0]).contains(KEY));
    assert!(
        !request.display_url().contains("signed"),
        "the signature is not shown"
    );
}

#[tokio::test]
async fn a_moderation_failure_says_before_generation_and_what_was_charged() {
    let s = servers(KEY).await;
    let model = gen45(Mode::Text);
    let params = model.resolve(&[]).expect("defaults");
    let created = s
        .client
        .create(&model, "blocked", &params, None)
        .await
        .expect("created");
    let job = s.client.get(&created.id).await.expect("task").into_job();
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.status_text, "FAILED");
    let reason = job.failure_reason.expect("reason");
    assert!(reason.starts_with("SAFETY.INPUT.TEXT: an input (likely the text) failed Runway's moderation before generation"), "{reason}");
    assert!(
        reason.contains("Your prompt was flagged.") && reason.ends_with("nothing was charged"),
        "{reason}"
    );
}

#[tokio::test]
async fn a_refused_field_and_a_refused_key_are_explained() {
    let s = servers(KEY).await;
    let model = gen45(Mode::Text);
    let mut params = model.resolve(&[]).expect("defaults");
    // Bypass the catalogue to see the server's own refusal.
    params.insert("ratio".into(), json!("1:1"));
    let err = s
        .client
        .create(&model, "a fox", &params, None)
        .await
        .expect_err("400");
    let text = err.to_string();
    assert!(matches!(err, ProviderError::Service { .. }), "{err:?}");
    assert!(
        text.contains("HTTP 400: Validation of body failed (ratio: Invalid enum value"),
        "{text}"
    );
    assert!(text.contains("fix the field it names"), "{text}");
    assert!(!err.is_transient());

    let wrong = servers("key_wrong").await;
    let err = wrong.client.organization().await.expect_err("401");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 401: Invalid API key") && text.contains("RUNWAYML_API_SECRET"),
        "{text}"
    );
    assert!(
        !text.contains("key_wrong"),
        "the key is never in a message: {text}"
    );
}

#[tokio::test]
async fn delete_organization_and_an_image_as_a_data_uri() {
    let s = servers(KEY).await;
    s.client.delete("task-1").await.expect("204 is success");
    let org = s.client.organization().await.expect("org");
    assert_eq!(org.credit_balance, 5000.0);
    let limits = &org.tier.expect("tier").models["gen4.5"];
    assert_eq!(limits.max_concurrent_generations, Some(2));
    assert_eq!(limits.max_daily_generations, None);

    let dir = tempfile::tempdir().expect("dir");
    let small = dir.path().join("frame.png");
    std::fs::write(&small, b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR").expect("write");
    let model = gen45(Mode::Image);
    let params = model.resolve(&[]).expect("defaults");
    s.client
        .create(&model, "a fox", &params, Some(ImageSource::File(&small)))
        .await
        .expect("created");
    {
        let calls = s.seen.calls.lock().expect("lock");
        let (what, _, _, body) = calls.last().expect("call");
        assert_eq!(what, "POST /v1/image_to_video");
        let uri = body["promptImage"].as_str().expect("promptImage");
        assert!(
            uri.starts_with("data:image/png;base64,iVBORw0KGgo"),
            "{uri}"
        );
    }
    // 4 MB raw is about 5.3 MB encoded: over Runway's 5 MB, refused before anything is sent.
    let big = dir.path().join("big.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(4 * 1024 * 1024, 0);
    std::fs::write(&big, &bytes).expect("write");
    let before = s.seen.calls.lock().expect("lock").len();
    let err = s
        .client
        .create(&model, "a fox", &params, Some(ImageSource::File(&big)))
        .await
        .expect_err("too big");
    let text = err.to_string();
    assert!(
        text.contains("5.3 MiB as a data URI; Runway takes at most 5.0 MiB"),
        "{text}"
    );
    assert!(text.contains("input-images"), "{text}");
    assert_eq!(
        s.seen.calls.lock().expect("lock").len(),
        before,
        "nothing sent"
    );
}

/// The engine asks the organization for the dashboard's header: the balance in credits, or a
/// warning in words (never the key) when the key is refused.
#[tokio::test]
async fn check_account_answers_the_balance_or_a_warning() {
    use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, Services};
    use sora_core::providers::{Family, ModelChoice, Provider};

    for (key, want_balance) in [(KEY, true), ("key_wrong", false)] {
        let s = servers(key).await;
        let catalogue = Arc::new(Catalogue::builtin().expect("catalogue"));
        let model = ModelChoice::new(catalogue, Service::Runway, "gen4.5").expect("gen4.5");
        let provider = Provider::Runway(s.client.clone(), model);
        let dir = tempfile::tempdir().expect("dir");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let engine = Engine::new(
            Services::new(Some(provider), None),
            EngineSettings {
                download_dir: dir.path().to_path_buf(),
                poll_interval: std::time::Duration::from_millis(80),
                retry_schedule: sora_core::download::RetrySchedule(vec![]),
                output_bucket: "output-videos".into(),
                input_bucket: "input-images".into(),
                thumbnails: false,
            },
            tx,
        );
        engine.dispatch(Command::CheckAccount {
            family: Family::Runway,
        });
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
            .await
            .expect("an answer in time")
            .expect("an event");
        match (want_balance, event) {
            (true, EngineEvent::Account { family, text }) => {
                assert_eq!(family, Family::Runway);
                assert_eq!(text, "5000 credits");
            }
            (false, EngineEvent::Warning { key: None, message }) => {
                assert!(
                    message.contains("runway did not give the account's balance"),
                    "{message}"
                );
                assert!(!message.contains("key_wrong"), "no key in {message}");
            }
            (_, other) => panic!("unexpected answer for {key}: {other:?}"),
        }
        engine.shutdown();
    }
}
