//! Each API family against the simulator: create, poll to completion, list, download every
//! rendition, delete — and the exact wire format of each request, read back from the
//! simulator's request log.

use crate::common;

use std::time::Duration;

use serde_json::Value;
use sora_core::download::{self, DownloadSpec, Expect, RetrySchedule};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::videos_v1::VideosV1Client;
use sora_core::providers::{
    ContentVariant, GenerationRequest, JobStatus, ModelProfile, Pricing, Provider, Size,
};
use sora_core::secret::Secret;
use sora_sim::{RecordedRequest, SimConfig, SimHandle};
use tokio_util::sync::CancellationToken;

fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(60),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

fn url(text: &str) -> url::Url {
    url::Url::parse(text).expect("url")
}

fn http() -> sora_core::http::Http {
    sora_core::http::client().expect("http client")
}

pub fn azure_sora(sim: &SimHandle, cfg: &SimConfig) -> Provider {
    Provider::AzureSora(AzureSoraClient::new(
        http(),
        url(&sim.base_url()),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ))
}

pub fn azure_sora2(sim: &SimHandle, cfg: &SimConfig) -> Provider {
    Provider::VideosV1(
        VideosV1Client::azure(
            http(),
            &url(&sim.base_url()),
            "sora-2",
            Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
            ModelProfile::sora_2(&Pricing::default()),
        )
        .expect("client"),
    )
}

pub fn openai(sim: &SimHandle, cfg: &SimConfig) -> Provider {
    Provider::VideosV1(VideosV1Client::openai(
        http(),
        url(&format!("{}/v1", sim.base_url())),
        "sora-2",
        Auth::Bearer(Secret::new(&cfg.openai_api_key)),
        ModelProfile::sora_2(&Pricing::default()),
    ))
}

fn request(size: Size, seconds: u32) -> GenerationRequest {
    GenerationRequest {
        prompt: "a red fox in the snow".into(),
        size,
        seconds,
        variants: 1,
        image: None,
        params: Vec::new(),
    }
}

fn find<'a>(log: &'a [RecordedRequest], method: &str, path_end: &str) -> &'a RecordedRequest {
    log.iter()
        .find(|r| r.method == method && r.path.ends_with(path_end))
        .unwrap_or_else(|| {
            let seen: Vec<_> = log
                .iter()
                .map(|r| format!("{} {}", r.method, r.path))
                .collect();
            panic!("no {method} …{path_end} in {seen:#?}")
        })
}

fn header<'a>(r: &'a RecordedRequest, name: &str) -> Option<&'a str> {
    r.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Create, poll, list, download every rendition, delete; returns the job id.
async fn full_cycle(provider: &Provider, req: &GenerationRequest) -> String {
    let created = provider.create(req).await.expect("create");
    let mut job = created.clone();
    for _ in 0..100 {
        if job.status.is_terminal() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        job = provider.get(&created.id).await.expect("poll");
    }
    assert_eq!(job.status, JobStatus::Succeeded, "{job:?}");
    assert!(!job.outputs.is_empty());

    let page = provider.list(10, None).await.expect("list");
    assert!(page.jobs.iter().any(|j| j.id == job.id), "listed: {page:?}");

    let dir = tempfile::tempdir().expect("tmp");
    for &variant in provider.variants() {
        let output = &job.outputs[0];
        let spec = DownloadSpec {
            request: provider
                .content_request(output, variant)
                .await
                .expect("content request"),
            target: dir
                .path()
                .join(format!("{}.{}", variant.label(), variant.file_extension())),
            expect: Expect::Media(variant),
            expires_at: job.expires_at,
        };
        let done = download::download(
            &http(),
            &spec,
            &RetrySchedule::from_secs(&[]),
            &download::DownloadOptions::default(),
            &|_| {},
            &CancellationToken::new(),
        )
        .await
        .unwrap_or_else(|e| panic!("{variant:?}: {e}"));
        let bytes = std::fs::read(&done.path).expect("read");
        if variant == ContentVariant::Video {
            assert_eq!(bytes, common::SAMPLE_MP4);
        } else {
            assert!(
                sora_core::providers::profile::image_kind(&bytes).is_some(),
                "{variant:?} is an image"
            );
        }
    }

    provider.delete(&job.id).await.expect("delete");
    assert!(provider.get(&job.id).await.is_err(), "gone after delete");
    job.id
}

#[tokio::test]
async fn azure_sora_full_cycle_on_the_wire() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let provider = azure_sora(&sim, &cfg);
    let id = full_cycle(&provider, &request(Size::new(854, 480), 5)).await;
    let log = sim.requests();

    let create = find(&log, "POST", "/openai/v1/video/generations/jobs");
    assert_eq!(create.query.as_deref(), Some("api-version=preview"));
    assert_eq!(header(create, "api-key"), Some(cfg.azure_api_key.as_str()));
    assert_eq!(header(create, "authorization"), None);
    let body: Value = serde_json::from_slice(&create.body).expect("json body");
    assert_eq!(body["model"], "sora");
    assert_eq!(body["prompt"], "a red fox in the snow");
    assert_eq!(
        (body["width"].as_u64(), body["height"].as_u64()),
        (Some(854), Some(480)),
        "integers"
    );
    assert_eq!(body["n_seconds"].as_u64(), Some(5));
    assert_eq!(body["n_variants"].as_u64(), Some(1));

    find(&log, "GET", &format!("/jobs/{id}"));
    let list = find(&log, "GET", "/video/generations/jobs");
    assert!(
        list.query
            .as_deref()
            .is_some_and(|q| q.contains("limit=10") && q.contains("api-version=preview"))
    );
    let video = find(&log, "GET", "/content/video");
    assert!(
        video.path.contains("/generations/gen_"),
        "by generation id: {}",
        video.path
    );
    assert_eq!(video.query.as_deref(), Some("api-version=preview"));
    find(&log, "GET", "/content/thumbnail");
    let delete = find(&log, "DELETE", &format!("/jobs/{id}"));
    assert_eq!(delete.status, 204);
}

#[tokio::test]
async fn azure_sora_2_full_cycle_on_the_wire() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let provider = azure_sora2(&sim, &cfg);
    let id = full_cycle(&provider, &request(Size::new(1280, 720), 8)).await;
    let log = sim.requests();

    let create = find(&log, "POST", "/openai/v1/videos");
    assert_eq!(create.query, None, "the v1 API needs no api-version");
    assert_eq!(header(create, "api-key"), Some(cfg.azure_api_key.as_str()));
    let body: Value = serde_json::from_slice(&create.body).expect("json body");
    assert_eq!(body["model"], "sora-2", "the deployment name");
    assert_eq!(
        body["seconds"],
        Value::String("8".into()),
        "seconds is a string"
    );
    assert_eq!(body["size"], "1280x720");
    let video = log
        .iter()
        .find(|r| {
            r.path == format!("/openai/v1/videos/{id}/content")
                && r.query.as_deref() == Some("variant=video")
        })
        .expect("video content request");
    assert_eq!(header(video, "accept"), Some("application/binary"));
    for variant in ["thumbnail", "spritesheet"] {
        assert!(
            log.iter()
                .any(|r| r.query.as_deref() == Some(&format!("variant={variant}"))),
            "{variant}"
        );
    }
    find(&log, "DELETE", &format!("/openai/v1/videos/{id}"));
}

#[tokio::test]
async fn openai_full_cycle_and_remix_on_the_wire() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let provider = openai(&sim, &cfg);
    full_cycle(&provider, &request(Size::new(720, 1280), 4)).await;
    let log = sim.requests();
    let create = find(&log, "POST", "/v1/videos");
    assert!(
        !create.path.starts_with("/openai"),
        "OpenAI's own base: {}",
        create.path
    );
    assert_eq!(
        header(create, "authorization"),
        Some(format!("Bearer {}", cfg.openai_api_key).as_str())
    );
    assert_eq!(header(create, "api-key"), None);
    let list = find(&log, "GET", "/v1/videos");
    assert!(
        list.query
            .as_deref()
            .is_some_and(|q| q.contains("limit=10") && q.contains("order=desc"))
    );

    // Remix a fresh video; the new one names its source.
    let source = provider
        .create(&request(Size::new(720, 1280), 4))
        .await
        .expect("create");
    let mut done = source.clone();
    for _ in 0..100 {
        if done.status.is_terminal() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
        done = provider.get(&source.id).await.expect("poll");
    }
    let remix = provider
        .remix(&source.id, "the fox now wears a scarf")
        .await
        .expect("remix");
    assert_eq!(remix.remixed_from.as_deref(), Some(source.id.as_str()));
    let log = sim.requests();
    let r = find(&log, "POST", &format!("/v1/videos/{}/remix", source.id));
    let body: Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(
        body,
        serde_json::json!({"prompt": "the fox now wears a scarf"})
    );
}

#[tokio::test]
async fn image_to_video_sends_the_documented_multipart_forms() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let dir = tempfile::tempdir().expect("tmp");
    let image = dir.path().join("first-frame.jpg");
    std::fs::write(&image, common::THUMBNAIL_JPG).expect("write");

    // Azure Sora: inpaint_items (a JSON string) naming a `files` part.
    let mut req = request(Size::new(480, 480), 5);
    req.image = Some(image.clone());
    let job = azure_sora(&sim, &cfg)
        .create(&req)
        .await
        .expect("create with image");
    assert!(!job.id.is_empty());
    let log = sim.requests();
    let create = find(&log, "POST", "/video/generations/jobs");
    let ct = header(create, "content-type").expect("content type");
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let body = String::from_utf8_lossy(&create.body);
    assert!(body.contains("name=\"inpaint_items\""), "{body}");
    assert!(body.contains("\"file_name\":\"first-frame.jpg\""), "{body}");
    assert!(
        body.contains("name=\"files\"; filename=\"first-frame.jpg\""),
        "{body}"
    );
    assert!(body.contains("Content-Type: image/jpeg"), "{body}");

    // v1: an input_reference file part. The reference must have the requested size, so a
    // 480x480 image for a 720x1280 video is refused before sending.
    let provider = openai(&sim, &cfg);
    let mut req = request(Size::new(720, 1280), 4);
    req.image = Some(image);
    let before = sim.requests().len();
    let err = provider.validate(&req).expect_err("wrong size refused");
    assert!(
        err.to_string().contains("exactly the requested size"),
        "{err}"
    );
    assert_eq!(sim.requests().len(), before);
}
