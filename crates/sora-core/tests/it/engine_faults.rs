//! How the engine meets the faults real services show, through the simulator's fault engine:
//! rate limits honoured, transient poll failures ridden out, failures explained, retired
//! deployments and bad keys reported at once rather than retried.

use std::time::Duration;

use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, JobKey, Services};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::videos_v1::VideosV1Client;
use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
use sora_core::secret::Secret;
use sora_sim::{
    Fault, FaultRoute as Route, FaultRule, FaultTarget, RetryAfter, SimConfig, SimHandle,
};
use tokio::sync::mpsc;

fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(80),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

fn azure(sim: &SimHandle, cfg: &SimConfig, deployment: &str) -> Provider {
    Provider::AzureSora(AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        deployment,
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ))
}

fn openai(sim: &SimHandle, key: &str) -> Provider {
    Provider::VideosV1(VideosV1Client::openai(
        sora_core::http::client().expect("http"),
        url::Url::parse(&format!("{}/v1", sim.base_url())).expect("url"),
        "sora-2",
        Auth::Bearer(Secret::new(key)),
        ModelProfile::sora_2(&Pricing::default()),
    ))
}

/// Run one generation through the engine; returns every event until `JobComplete`.
async fn generate(
    provider: Provider,
    request: GenerationRequest,
) -> (Vec<EngineEvent>, bool, tempfile::TempDir) {
    generate_polling_every(provider, request, Duration::from_millis(80)).await
}

/// [`generate`] with another poll interval (the base of the poll backoff).
async fn generate_polling_every(
    provider: Provider,
    request: GenerationRequest,
    poll_interval: Duration,
) -> (Vec<EngineEvent>, bool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::new(
        Services {
            provider: Some(provider),
            storage: None,
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval,
            retry_schedule: sora_core::download::RetrySchedule(vec![Duration::from_millis(100); 3]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    engine.dispatch(Command::Generate {
        key: JobKey(1),
        request,
        upload: false,
        via: None,
    });
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("in time")
            .expect("open");
        if let EngineEvent::JobComplete { ok, .. } = event {
            return (events, ok, dir);
        }
        events.push(event);
    }
}

fn azure_request() -> GenerationRequest {
    GenerationRequest {
        prompt: "a red fox".into(),
        size: Size::new(480, 480),
        seconds: 5,
        variants: 1,
        image: None,
        params: Vec::new(),
    }
}

fn failure(events: &[EngineEvent]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            EngineEvent::JobFailed { message, .. } => Some(message.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no JobFailed in {events:#?}"))
}

fn count(sim: &SimHandle, method: &str, path_end: &str) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(path_end))
        .count()
}

#[tokio::test]
async fn a_rate_limited_create_waits_as_asked_and_creates_exactly_one_job() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    sim.inject(FaultRule::new(
        Route::Create,
        Fault::Status {
            code: 429,
            retry_after: Some(RetryAfter::Secs(1)),
            body: None,
        },
    ));
    let started = std::time::Instant::now();
    let (events, ok, _dir) = generate(azure(&sim, &cfg, "sora"), azure_request()).await;
    assert!(ok, "{events:#?}");
    assert_eq!(
        count(&sim, "POST", "/video/generations/jobs"),
        2,
        "refused once, then created"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    let provider = azure(&sim, &cfg, "sora");
    assert_eq!(
        provider.list(50, None).await.expect("list").jobs.len(),
        1,
        "exactly one job"
    );
}

#[tokio::test]
async fn polls_that_fail_with_503_are_ridden_out() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let mut rule = FaultRule::new(
        Route::Poll,
        Fault::Status {
            code: 503,
            retry_after: Some(RetryAfter::HttpDate(1)),
            body: None,
        },
    );
    rule.times = 2;
    sim.inject(rule);
    let (events, ok, dir) = generate(azure(&sim, &cfg, "sora"), azure_request()).await;
    assert!(ok, "{events:#?}");
    let polls_503 = sim.requests().iter().filter(|r| r.status == 503).count();
    assert_eq!(polls_503, 2);
    let saved = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(saved, 1, "the video arrived");
}

#[tokio::test]
async fn moderation_is_explained_with_the_services_reason_for_both_api_shapes() {
    let cfg = SimConfig {
        fail_prompts_containing: Some("forbidden".into()),
        ..fast()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let mut req = azure_request();
    req.prompt = "a forbidden scene".into();
    let (events, ok, _dir) = generate(azure(&sim, &cfg, "sora"), req).await;
    assert!(!ok);
    let text = failure(&events);
    assert!(
        text.contains("input_moderation") && text.contains("rephrase"),
        "{text}"
    );

    let req = GenerationRequest {
        prompt: "a forbidden scene".into(),
        size: Size::new(720, 1280),
        seconds: 4,
        variants: 1,
        image: None,
        params: Vec::new(),
    };
    let (events, ok, _dir) = generate(openai(&sim, &cfg.openai_api_key), req).await;
    assert!(!ok);
    let text = failure(&events);
    assert!(
        text.contains("moderation") && text.contains("rephrase"),
        "{text}"
    );
}

#[tokio::test]
async fn a_retired_deployment_is_reported_once_and_never_retried() {
    let cfg = SimConfig {
        retired_models: vec!["sora".into()],
        ..fast()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let (events, ok, _dir) = generate(azure(&sim, &cfg, "sora"), azure_request()).await;
    assert!(!ok);
    let text = failure(&events);
    assert!(
        text.contains("does not exist"),
        "the service's words: {text}"
    );
    assert!(text.contains("retired"), "what it likely means: {text}");
    assert!(
        text.contains("2026-02-15") && text.contains("Runway"),
        "when the family retires and what works instead: {text}"
    );
    assert_eq!(
        count(&sim, "POST", "/video/generations/jobs"),
        1,
        "not retried"
    );
}

#[tokio::test]
async fn a_bad_key_stops_at_once_with_what_to_check() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let req = GenerationRequest {
        prompt: "a red fox".into(),
        size: Size::new(720, 1280),
        seconds: 4,
        variants: 1,
        image: None,
        params: Vec::new(),
    };
    let (events, ok, _dir) = generate(openai(&sim, "sk-wrong-key-for-tests"), req).await;
    assert!(!ok);
    let text = failure(&events);
    assert!(text.contains("401"), "{text}");
    assert!(
        !text.contains("sk-wrong-key-for-tests"),
        "the key itself is never repeated: {text}"
    );
    assert_eq!(sim.requests().len(), 1);
}

#[tokio::test]
async fn a_job_whose_polls_keep_failing_is_reported_with_its_id() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let mut rule = FaultRule::new(
        FaultTarget::new(Route::Poll),
        Fault::Status {
            code: 500,
            retry_after: Some(RetryAfter::Secs(0)),
            body: None,
        },
    );
    rule.times = 100;
    sim.inject(rule);
    let (events, ok, _dir) = generate(azure(&sim, &cfg, "sora"), azure_request()).await;
    assert!(!ok);
    let text = failure(&events);
    assert!(
        text.contains("lost track of job task_") && text.contains("sora-tui status"),
        "{text}"
    );
    let polls = sim.requests().iter().filter(|r| r.method == "GET").count();
    assert!(polls <= 10, "bounded: {polls} polls");
}

/// A poll answered once with an HTML page (a proxy's error page, with 200): the GET of a job is
/// safe to send again, so the engine polls again and the video arrives, as it does for a 503.
#[tokio::test]
async fn one_unreadable_poll_answer_is_retried_and_the_video_arrives() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    sim.inject(FaultRule::new(
        Route::Poll,
        Fault::Status {
            code: 200,
            retry_after: None,
            body: Some("<html><body>Gateway error page</body></html>".into()),
        },
    ));
    let (events, ok, dir) = generate(azure(&sim, &cfg, "sora"), azure_request()).await;
    assert!(ok, "one unreadable poll does not end the job: {events:#?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, EngineEvent::JobRetrying(_))),
        "the retry is shown: {events:#?}"
    );
    let saved = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(saved, 1, "the video arrived");
}

/// Polls that are never readable are retried within the same bound as other failures, then
/// reported with the job's id.
#[tokio::test]
async fn polls_that_stay_unreadable_are_bounded_and_reported_with_the_id() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let mut rule = FaultRule::new(
        Route::Poll,
        Fault::Status {
            code: 200,
            retry_after: None,
            body: Some("{\"truncated\": ".into()),
        },
    );
    rule.times = 100;
    sim.inject(rule);
    // A short base interval keeps the eight growing backoffs within the test's deadline.
    let (events, ok, _dir) = generate_polling_every(
        azure(&sim, &cfg, "sora"),
        azure_request(),
        Duration::from_millis(10),
    )
    .await;
    assert!(!ok);
    let text = failure(&events);
    assert!(
        text.contains("lost track of job task_") && text.contains("after 9 failed poll(s)"),
        "{text}"
    );
    let polls = sim.requests().iter().filter(|r| r.method == "GET").count();
    assert_eq!(polls, 9, "eight retries, then reported");
}
