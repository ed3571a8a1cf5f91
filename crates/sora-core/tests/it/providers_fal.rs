//! The fal.ai queue client against a small server written here from fal's documented wire
//! format (fal-client 1.0.3, docs.fal.ai queue pages): IN_QUEUE → IN_PROGRESS → COMPLETED, the
//! result read at once, the video on another origin fetched with no key, a content-policy
//! refusal, a cancel.

use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};
use sora_core::providers::JobStatus;
use sora_core::providers::catalogue::{Catalogue, Mode, Service};
use sora_core::providers::fal::{FalClient, queue_base_from_env};
use sora_core::secret::Secret;

const KEY: &str = "fal-key-id:fal-key-secret";

#[derive(Clone, Default)]
struct Seen {
    base: Arc<Mutex<String>>,
    cdn: Arc<Mutex<String>>,
    bodies: Arc<Mutex<Vec<Value>>>,
    polls: Arc<Mutex<u32>>,
    bad_auth: Arc<Mutex<u32>>,
}

fn authorized(s: &Seen, h: &HeaderMap) -> bool {
    let ok =
        h.get("authorization").and_then(|v| v.to_str().ok()) == Some(&format!("Key {KEY}")[..]);
    if !ok {
        *s.bad_auth.lock().expect("lock") += 1;
    }
    ok
}

fn urls(s: &Seen, id: &str) -> Value {
    let base = s.base.lock().expect("lock").clone();
    json!({"request_id": id,
        "response_url": format!("{base}/fal-ai/veo3.1/requests/{id}"),
        "status_url": format!("{base}/fal-ai/veo3.1/requests/{id}/status"),
        "cancel_url": format!("{base}/fal-ai/veo3.1/requests/{id}/cancel")})
}

async fn submit(State(s): State<Seen>, h: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&s, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let id = if body["prompt"] == "flagged" {
        "req-flagged"
    } else {
        "req-1"
    };
    s.bodies.lock().expect("lock").push(body);
    let mut answer = urls(&s, id);
    answer["status"] = json!("IN_QUEUE");
    answer["queue_position"] = json!(2);
    Json(answer).into_response()
}

async fn status(
    State(s): State<Seen>,
    Path(id): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    if !authorized(&s, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let logs = q.get("logs").is_some_and(|v| v == "1" || v == "true");
    let n = {
        let mut p = s.polls.lock().expect("lock");
        *p += 1;
        *p
    };
    let mut body = urls(&s, &id);
    let (code, extra) = match n {
        1 => (
            StatusCode::ACCEPTED,
            json!({"status": "IN_QUEUE", "queue_position": 1}),
        ),
        2 => (
            StatusCode::ACCEPTED,
            json!({"status": "IN_PROGRESS", "logs": if logs {
            json!([{"message": "Generating frames", "level": "INFO", "source": "USER", "timestamp": "2026-12-01T10:00:00Z"}]) } else { Value::Null }}),
        ),
        _ => (
            StatusCode::OK,
            json!({"status": "COMPLETED", "logs": [], "metrics": {"inference_time": 41.2}}),
        ),
    };
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    (code, Json(body)).into_response()
}

async fn result(State(s): State<Seen>, Path(id): Path<String>, h: HeaderMap) -> Response {
    if !authorized(&s, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if id == "req-flagged" {
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({"detail": [{"loc": ["body", "prompt"],
            "msg": "The content was flagged by a content checker.", "type": "content_policy_violation",
            "url": "https://docs.fal.ai/errors#content_policy_violation", "categories": ["violence"]}]})))
            .into_response();
    }
    let cdn = s.cdn.lock().expect("lock").clone();
    Json(json!({"video": {"url": format!("{cdn}/files/out.mp4"), "content_type": "video/mp4", "file_size": 20}})).into_response()
}

async fn cancel(State(s): State<Seen>, h: HeaderMap) -> Response {
    if !authorized(&s, &h) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    (
        StatusCode::ACCEPTED,
        Json(json!({"status": "CANCELLATION_REQUESTED"})),
    )
        .into_response()
}

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

async fn servers() -> (FalClient, Seen, Arc<Mutex<Vec<HeaderMap>>>) {
    let cdn_seen = Arc::new(Mutex::new(Vec::new()));
    let cdn_base = serve(
        axum::Router::new()
            .route("/files/out.mp4", get(cdn))
            .with_state(cdn_seen.clone()),
    )
    .await;
    let seen = Seen::default();
    *seen.cdn.lock().expect("lock") = cdn_base;
    let base = serve(
        axum::Router::new()
            .route("/fal-ai/veo3.1", post(submit))
            .route("/fal-ai/veo3.1/requests/{id}/status", get(status))
            .route("/fal-ai/veo3.1/requests/{id}", get(result))
            .route("/fal-ai/veo3.1/requests/{id}/cancel", put(cancel))
            .with_state(seen.clone()),
    )
    .await;
    *seen.base.lock().expect("lock") = base.clone();
    let client = FalClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&base).expect("url"),
        Secret::new(KEY),
    );
    (client, seen, cdn_seen)
}

fn veo() -> sora_core::providers::catalogue::VideoModel {
    Catalogue::builtin()
        .expect("catalogue")
        .find(Service::Fal, Mode::Text, "fal-ai/veo3.1")
        .expect("veo")
        .clone()
}

#[tokio::test]
async fn a_request_is_queued_runs_completes_and_its_video_comes_without_the_key() {
    let (client, seen, cdn_seen) = servers().await;
    let model = veo();
    let params = model
        .resolve(&[("duration".into(), "4s".into())])
        .expect("valid");
    let submitted = client
        .submit(&model, "a red fox", &params, None)
        .await
        .expect("submitted");
    assert_eq!(submitted.request_id, "req-1");
    assert_eq!(submitted.queue_position, Some(2));
    assert_eq!(
        seen.bodies.lock().expect("lock")[0],
        json!({"prompt": "a red fox", "aspect_ratio": "16:9", "duration": "4s", "resolution": "720p", "generate_audio": true})
    );
    let mut steps = Vec::new();
    let mut last = None;
    for _ in 0..5 {
        let polled = client.poll(&submitted).await.expect("poll");
        steps.push((
            polled.status.status.clone(),
            polled.status.queue_position,
            polled
                .status
                .logs
                .iter()
                .flatten()
                .map(|l| l.message.clone())
                .collect::<Vec<_>>(),
        ));
        let job = polled.into_job(&submitted.request_id);
        if job.status.is_terminal() {
            last = Some(job);
            break;
        }
    }
    assert_eq!(
        steps,
        vec![
            ("IN_QUEUE".into(), Some(1), vec![]),
            (
                "IN_PROGRESS".into(),
                None,
                vec!["Generating frames".to_string()]
            ),
            ("COMPLETED".into(), None, vec![]),
        ]
    );
    let job = last.expect("done");
    assert_eq!(job.status, JobStatus::Succeeded);
    let request = client.content_request(&job.outputs[0]).expect("cdn");
    let http = sora_core::http::client().expect("http");
    let bytes = http
        .get(request.url.clone())
        .headers(request.headers.clone())
        .send()
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert!(bytes.starts_with(b"\x00\x00\x00\x18ftyp"));
    let cdn = cdn_seen.lock().expect("lock")[0].clone();
    assert!(
        cdn.get("authorization").is_none(),
        "no key on the media origin"
    );
    assert_eq!(*seen.bad_auth.lock().expect("lock"), 0);
    assert_eq!(
        client.cancel(&submitted).await.expect("cancel"),
        "CANCELLATION_REQUESTED"
    );
}

#[tokio::test]
async fn a_content_policy_refusal_is_explained() {
    let (client, _, _) = servers().await;
    let model = veo();
    let params = model.resolve(&[]).expect("defaults");
    let submitted = client
        .submit(&model, "flagged", &params, None)
        .await
        .expect("submitted");
    let err = client.result(&submitted).await.expect_err("422");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 422: prompt: The content was flagged by a content checker."),
        "{text}"
    );
    assert!(
        text.contains("content checker flagged the request: edit the prompt"),
        "{text}"
    );
    assert!(!err.is_transient());
}

#[tokio::test]
async fn the_key_is_not_sent_to_a_queue_url_on_another_origin() {
    let (client, seen, _) = servers().await;
    let mut submitted = client
        .submit(&veo(), "a fox", &veo().resolve(&[]).expect("d"), None)
        .await
        .expect("ok");
    submitted.status_url = "http://127.0.0.2:9/elsewhere/status".into();
    let err = client.status(&submitted).await.expect_err("refused");
    assert!(
        err.to_string().contains("the key is not sent there"),
        "{err}"
    );
    assert_eq!(*seen.bad_auth.lock().expect("lock"), 0);
}

#[test]
fn the_queue_host_is_read_as_fal_client_reads_it() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(queue_base_from_env(env(&[])), None);
    assert_eq!(
        queue_base_from_env(env(&[("FAL_QUEUE_RUN_HOST", "127.0.0.1:8443")])).as_deref(),
        Some("https://127.0.0.1:8443")
    );
    assert_eq!(
        queue_base_from_env(env(&[("FAL_RUN_HOST", "example.test")])).as_deref(),
        Some("https://queue.example.test")
    );
}
