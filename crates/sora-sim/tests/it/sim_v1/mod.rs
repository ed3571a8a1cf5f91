//! The simulator's Videos API (OpenAI `/v1/videos`, Azure Sora 2 `/openai/v1/videos`) and the
//! Azure Sora inpaint multipart create, as a client sees them over HTTP.

use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SAMPLE_MP4, SPRITESHEET_JPG, SimConfig, SimHandle, THUMBNAIL_WEBP};

mod create;
mod inpaint;
mod lifecycle;

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
