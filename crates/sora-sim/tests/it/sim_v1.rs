//! The simulator's Videos API (OpenAI `/v1/videos`, Azure Sora 2 `/openai/v1/videos`) and the
//! Azure Sora inpaint multipart create, as a client sees them over HTTP.

use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SAMPLE_MP4, SPRITESHEET_JPG, SimConfig, SimHandle, THUMBNAIL_WEBP};

const OPENAI_KEY: &str = "sim-openai-key";
const AZURE_KEY: &str = "sim-azure-key";

/// A multipart/form-data body built by hand (reqwest is built without its `multipart` feature).
/// (field name, (file name, content type) for a file part, data).
type FormPart = (String, Option<(String, String)>, Vec<u8>);

#[derive(Default)]
struct Form {
    parts: Vec<FormPart>,
}

struct Part {
    data: Vec<u8>,
    file_name: String,
    mime: String,
}

impl Part {
    fn bytes(data: Vec<u8>) -> Self {
        Part {
            data,
            file_name: String::new(),
            mime: String::new(),
        }
    }
    fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }
    fn mime_str(mut self, mime: &str) -> Result<Self, ()> {
        self.mime = mime.to_string();
        Ok(self)
    }
}

impl Form {
    fn new() -> Self {
        Self::default()
    }
    fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.parts
            .push((name.to_string(), None, value.into().into_bytes()));
        self
    }
    fn part(mut self, name: &str, part: Part) -> Self {
        self.parts.push((
            name.to_string(),
            Some((part.file_name, part.mime)),
            part.data,
        ));
        self
    }
}

trait MultipartExt {
    fn hand_multipart(self, form: Form) -> Self;
}

impl MultipartExt for RequestBuilder {
    fn hand_multipart(self, form: Form) -> Self {
        let boundary = "sim-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, file, data) in form.parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some((file_name, mime)) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(&data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Base {
    OpenAI,
    Azure,
}

const BOTH: [Base; 2] = [Base::OpenAI, Base::Azure];

struct Sim {
    handle: SimHandle,
    client: Client,
}

async fn start(config: SimConfig) -> Sim {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    let handle = sora_sim::start(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    Sim {
        handle,
        client: Client::new(),
    }
}

fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(100),
        content_delay: Duration::ZERO,
        fail_prompts_containing: Some("forbidden".to_string()),
        ..SimConfig::default()
    }
}

impl Sim {
    fn url(&self, base: Base, path: &str) -> String {
        let prefix = match base {
            Base::OpenAI => "/v1/videos",
            Base::Azure => "/openai/v1/videos",
        };
        format!("{}{prefix}{path}", self.handle.base_url())
    }

    fn auth(&self, base: Base, builder: RequestBuilder) -> RequestBuilder {
        match base {
            Base::OpenAI => builder.bearer_auth(OPENAI_KEY),
            Base::Azure => builder.header("api-key", AZURE_KEY),
        }
    }

    async fn send(&self, base: Base, builder: RequestBuilder) -> (StatusCode, Value) {
        let response = self.auth(base, builder).send().await.expect("sim answers");
        let status = response.status();
        let bytes = response.bytes().await.expect("body");
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    async fn create_json(&self, base: Base, body: Value) -> (StatusCode, Value) {
        self.send(base, self.client.post(self.url(base, "")).json(&body))
            .await
    }

    async fn get(&self, base: Base, path: &str) -> (StatusCode, Value) {
        self.send(base, self.client.get(self.url(base, path))).await
    }

    /// Polls until terminal (at most 100 polls, 5 s); returns (status, progress) seen.
    async fn poll(&self, base: Base, id: &str) -> (Vec<(String, u64)>, Value) {
        let mut seen = Vec::new();
        let started = Instant::now();
        for _ in 0..100 {
            let (status, video) = self.get(base, &format!("/{id}")).await;
            assert_eq!(status, StatusCode::OK, "{video}");
            let s = video["status"].as_str().expect("status").to_string();
            seen.push((s.clone(), video["progress"].as_u64().expect("progress")));
            if s == "completed" || s == "failed" {
                return (seen, video);
            }
            assert!(started.elapsed() < Duration::from_secs(5), "poll too long");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        panic!("video {id} never finished: {seen:?}");
    }
}

fn error_message(body: &Value) -> &str {
    body["error"]["message"].as_str().unwrap_or_default()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    // Header only: the simulator reads the size from IHDR.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&width.to_be_bytes());
    png.extend_from_slice(&height.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png
}

#[tokio::test]
async fn create_by_multipart_and_json_on_both_bases() {
    let sim = start(fast()).await;
    for base in BOTH {
        let form = Form::new()
            .text("prompt", "a fox")
            .text("model", "sora-2")
            .text("seconds", "8")
            .text("size", "1280x720")
            .part(
                "input_reference",
                Part::bytes(png(1280, 720))
                    .file_name("ref.png")
                    .mime_str("image/png")
                    .expect("mime"),
            );
        let (status, video) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(form),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{video}");
        let id = video["id"].as_str().expect("id");
        assert!(id.starts_with("video_") && id.len() == 38, "{id}");
        assert_eq!(video["object"], "video");
        assert_eq!(video["status"], "queued");
        assert_eq!(video["progress"], 0);
        assert_eq!(video["seconds"], "8");
        assert_eq!(video["size"], "1280x720");
        assert_eq!(video["model"], "sora-2");
        for field in [
            "completed_at",
            "expires_at",
            "remixed_from_video_id",
            "error",
        ] {
            assert!(
                video.get(field).is_some_and(Value::is_null),
                "{field}: {video}"
            );
        }
        assert!(video["created_at"].as_u64().is_some());

        // JSON with defaults, and a reference by URL.
        let (status, video) = sim
            .create_json(
                base,
                json!({"prompt": "a fox", "input_reference": {"image_url": "https://example.com/a.png"}, "extra": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{video}");
        assert_eq!(
            (&video["model"], &video["seconds"], &video["size"]),
            (&json!("sora-2"), &json!("4"), &json!("720x1280"))
        );
        let (status, body) = sim
            .create_json(
                base,
                json!({"prompt": "x", "input_reference": {"image_url": "a", "file_id": "b"}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // A reference image of the wrong size, or not an image.
        let wrong = Form::new().text("prompt", "x").part(
            "input_reference",
            Part::bytes(png(720, 720))
                .file_name("r.png")
                .mime_str("image/png")
                .expect("mime"),
        );
        let (status, body) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(wrong),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Inpaint image must match the requested width and height"
        );
        let text = Form::new().text("prompt", "x").part(
            "input_reference",
            Part::bytes(b"hello".to_vec())
                .file_name("r.txt")
                .mime_str("text/plain")
                .expect("mime"),
        );
        let (status, body) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(text),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["param"], "input_reference");
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn validation_errors_have_openai_shapes() {
    let sim = start(fast()).await;
    for base in BOTH {
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "seconds": 4}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"error": {
                "message": "Invalid type for 'seconds': expected one of '4', '8', or '12', but got an integer instead.",
                "type": "invalid_request_error", "param": "seconds", "code": "invalid_type"}})
        );
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "seconds": "5"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Invalid value: '5'. Supported values are: '4', '8', and '12'."
        );
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "size": "1792x1024"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Invalid value: '1792x1024'. Supported values are: '720x1280' and '1280x720'."
        );
        assert_eq!(body["error"]["param"], "size");
        let (status, body) = sim.create_json(base, json!({"model": "sora-2"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "missing_required_parameter");
    }
    // sora-2-pro has the larger sizes on OpenAI.
    let (status, video) = sim
        .create_json(
            Base::OpenAI,
            json!({"prompt": "x", "model": "sora-2-pro", "size": "1792x1024", "seconds": "12"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{video}");
    let (status, body) = sim
        .create_json(
            Base::OpenAI,
            json!({"prompt": "x", "model": "sora-2-pro", "size": "1920x1080"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error_message(&body).contains("'1024x1792', and '1792x1024'"));
    for model in [
        "sora-2-2025-10-06",
        "sora-2-pro-2025-10-06",
        "sora-2-2025-12-08",
    ] {
        let (status, _) = sim
            .create_json(Base::OpenAI, json!({"prompt": "x", "model": model}))
            .await;
        assert_eq!(status, StatusCode::OK, "{model}");
    }
    let (status, body) = sim
        .create_json(Base::OpenAI, json!({"prompt": "x", "model": "sora-3"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "model_not_found");

    // Azure: deployments, not models.
    let (status, body) = sim
        .create_json(Base::Azure, json!({"prompt": "x", "model": "sora-2-pro"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"error": {
            "message": "The API deployment 'sora-2-pro' for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
            "type": "video_generation_user_error", "param": null, "code": null}})
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn auth_and_api_version() {
    let sim = start(fast()).await;
    let url = sim.url(Base::OpenAI, "");
    let response = sim
        .client
        .get(&url)
        .bearer_auth("sk-proj-abcdefghijklmnopqrstuvwxyz")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["param"].is_null());
    let message = error_message(&body);
    assert!(
        message.starts_with("Incorrect API key provided: sk-proj-*"),
        "{message}"
    );
    assert!(!message.contains("abcdefghijklmnopqrstuvwxyz"));
    let response = sim.client.get(&url).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The Azure key is not an OpenAI key, and the other way round.
    let response = sim
        .client
        .get(&url)
        .bearer_auth(AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let azure = sim.url(Base::Azure, "");
    let response = sim
        .client
        .get(&azure)
        .bearer_auth(OPENAI_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("apim-request-id"));
    let response = sim
        .client
        .get(&azure)
        .bearer_auth(AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);

    for (version, expected) in [("preview", 200), ("v1", 200), ("2024-10-21", 400)] {
        let (status, _) = sim
            .get(Base::Azure, &format!("?api-version={version}"))
            .await;
        assert_eq!(status.as_u16(), expected, "{version}");
    }
    let (status, body) = sim.get(Base::OpenAI, "/video_x/content/video").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        error_message(&body),
        "Invalid URL (GET /v1/videos/video_x/content/video)"
    );
    let (status, body) = sim.get(Base::Azure, "/video_x/content/video").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not Found"}));
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn status_walk_poll_header_and_moderation() {
    let sim = start(fast()).await;
    for base in BOTH {
        let (_, video) = sim.create_json(base, json!({"prompt": "a walk"})).await;
        let id = video["id"].as_str().expect("id").to_string();
        let response = sim
            .auth(base, sim.client.get(sim.url(base, &format!("/{id}"))))
            .send()
            .await
            .expect("answer");
        assert_eq!(
            response
                .headers()
                .get("openai-poll-after-ms")
                .map(|v| v.as_bytes()),
            Some(&b"100"[..])
        );
        let (seen, done) = sim.poll(base, &id).await;
        let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(statuses.first(), Some(&"queued"), "{seen:?}");
        assert!(statuses.contains(&"in_progress"), "{seen:?}");
        let progress: Vec<u64> = seen.iter().map(|(_, p)| *p).collect();
        assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
        assert!(
            seen.iter()
                .any(|(s, p)| s == "in_progress" && *p > 0 && *p < 100),
            "{seen:?}"
        );
        assert_eq!(done["progress"], 100);
        let created = done["created_at"].as_u64().expect("created_at");
        assert_eq!(done["expires_at"].as_u64(), Some(created + 24 * 3600));
        assert!(done["completed_at"].as_u64().is_some());

        let (_, video) = sim
            .create_json(base, json!({"prompt": "a forbidden fox"}))
            .await;
        let id = video["id"].as_str().expect("id").to_string();
        let (_, failed) = sim.poll(base, &id).await;
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["error"]["code"], "moderation_blocked");
        assert!(failed["expires_at"].is_null());
        let (status, _) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn list_pagination_and_delete() {
    let sim = start(fast()).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, video) = sim
            .create_json(Base::OpenAI, json!({"prompt": format!("n{i}")}))
            .await;
        ids.push(video["id"].as_str().expect("id").to_string());
    }
    // The Azure base keeps its own videos.
    let (_, azure) = sim.get(Base::Azure, "").await;
    assert_eq!(azure["data"], json!([]));
    assert_eq!(azure["has_more"], false);

    let (status, page) = sim.get(Base::OpenAI, "?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["object"], "list");
    let got: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["first_id"], ids[2].as_str());
    assert_eq!(page["last_id"], ids[1].as_str());
    assert_eq!(page["has_more"], true);
    let (_, next) = sim
        .get(Base::OpenAI, &format!("?limit=2&after={}", ids[1]))
        .await;
    assert_eq!(next["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(next["data"][0]["id"], ids[0].as_str());
    assert_eq!(next["has_more"], false);
    let (_, asc) = sim.get(Base::OpenAI, "?order=asc").await;
    assert_eq!(asc["first_id"], ids[0].as_str());
    let (status, body) = sim.get(Base::OpenAI, "?order=up").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["param"], "order");
    let (status, body) = sim.get(Base::OpenAI, "?limit=101").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "integer_above_max_value");

    // Delete: in progress refused, then the shape.
    let (status, _) = sim
        .send(
            Base::OpenAI,
            sim.client
                .delete(sim.url(Base::OpenAI, &format!("/{}", ids[0]))),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    sim.poll(Base::OpenAI, &ids[0]).await;
    let (status, body) = sim
        .send(
            Base::OpenAI,
            sim.client
                .delete(sim.url(Base::OpenAI, &format!("/{}", ids[0]))),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"id": ids[0], "object": "video.deleted", "deleted": true})
    );
    let (status, body) = sim.get(Base::OpenAI, &format!("/{}", ids[0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn content_variants_range_lag_and_remix() {
    let config = SimConfig {
        content_delay: Duration::from_millis(300),
        ..fast()
    };
    let sim = start(config).await;
    for base in BOTH {
        let (_, video) = sim.create_json(base, json!({"prompt": "content"})).await;
        let id = video["id"].as_str().expect("id").to_string();
        let (status, body) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "not ready: {body}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(error_message(&body).starts_with("Video is not ready yet"));
        sim.poll(base, &id).await;
        // Completed, but the content lags.
        let (status, _) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        tokio::time::sleep(Duration::from_millis(350)).await;

        for (variant, content_type, data) in [
            ("", "video/mp4", SAMPLE_MP4),
            ("?variant=video", "video/mp4", SAMPLE_MP4),
            ("?variant=thumbnail", "image/webp", THUMBNAIL_WEBP),
            ("?variant=spritesheet", "image/jpeg", SPRITESHEET_JPG),
        ] {
            let response = sim
                .auth(
                    base,
                    sim.client
                        .get(sim.url(base, &format!("/{id}/content{variant}"))),
                )
                .header("accept", "application/binary")
                .send()
                .await
                .expect("answer");
            assert_eq!(response.status(), StatusCode::OK, "{variant}");
            assert_eq!(response.headers()["content-type"], content_type);
            assert_eq!(
                &response.bytes().await.expect("body")[..],
                data,
                "{variant}"
            );
        }
        let (status, body) = sim.get(base, &format!("/{id}/content?variant=gif")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["param"], "variant");
        let response = sim
            .auth(
                base,
                sim.client.get(sim.url(base, &format!("/{id}/content"))),
            )
            .header("range", "bytes=100-199")
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            response.headers()["content-range"],
            format!("bytes 100-199/{}", SAMPLE_MP4.len()).as_str()
        );
        assert_eq!(
            &response.bytes().await.expect("body")[..],
            &SAMPLE_MP4[100..200]
        );

        // Remix.
        let (status, remix) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, &format!("/{id}/remix")))
                    .json(&json!({"prompt": "again"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{remix}");
        assert_eq!(remix["remixed_from_video_id"], id.as_str());
        assert_eq!(remix["prompt"], "again");
        let remix_id = remix["id"].as_str().expect("id").to_string();
        let (status, body) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, &format!("/{remix_id}/remix")))
                    .json(&json!({"prompt": "no"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "source not completed: {body}"
        );
        let (status, _) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, "/video_nope/remix"))
                    .json(&json!({"prompt": "no"})),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Expiry: the content goes, the video object stays.
        sim.handle.advance_clock(Duration::from_secs(24 * 3600));
        let (status, body) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(error_message(&body).contains("expired"), "{body}");
        let (status, _) = sim.get(base, &format!("/{id}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    sim.handle.shutdown().await;
}

fn azure_jobs_url(sim: &Sim) -> String {
    format!(
        "{}/openai/v1/video/generations/jobs?api-version=preview",
        sim.handle.base_url()
    )
}

fn inpaint_form(items: &Value, file_name: &str) -> Form {
    Form::new()
        .text("model", "sora")
        .text("prompt", "animate the cat")
        .text("width", "480")
        .text("height", "480")
        .text("n_seconds", "5")
        .text("n_variants", "1")
        .text("inpaint_items", items.to_string())
        .part(
            "files",
            Part::bytes(png(480, 480))
                .file_name(file_name.to_string())
                .mime_str("image/png")
                .expect("mime"),
        )
}

#[tokio::test]
async fn azure_sora_inpaint_multipart() {
    let sim = start(fast()).await;
    let items = json!([{"frame_index": 0, "type": "image", "file_name": "cat.png",
        "crop_bounds": {"left_fraction": 0.1, "top_fraction": 0.1, "right_fraction": 0.9, "bottom_fraction": 0.9}}]);
    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&items, "cat.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::CREATED);
    let job: Value = response.json().await.expect("job");
    assert_eq!(job["object"], "video.generation.job");
    assert_eq!(job["n_seconds"], 5);
    assert_eq!(job["inpaint_items"], items);

    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&items, "dog.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("error");
    assert_eq!(body["error"]["param"], "inpaint_items");
    let message = error_message(&body);
    assert!(
        message.contains("'cat.png' does not match any uploaded file")
            && message.contains("dog.png"),
        "{message}"
    );
    let bad_type = json!([{"type": "gif", "file_name": "cat.png"}]);
    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&bad_type, "cat.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sim.handle.shutdown().await;
}
