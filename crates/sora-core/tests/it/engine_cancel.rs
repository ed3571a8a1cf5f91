//! Cancelling a running job from the dashboard: `Command::DeleteJob` deletes it on the service it
//! runs on, and its poll sees it gone and ends it.

use std::time::Duration;

use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, JobKey, Services};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
use sora_core::secret::Secret;
use sora_sim::SimConfig;
use tokio::sync::mpsc;

#[tokio::test]
async fn a_running_job_is_deleted_on_its_service_and_its_poll_ends_it() {
    let cfg = SimConfig {
        status_step: Duration::from_secs(3),
        ..SimConfig::default()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let provider = Provider::AzureSora(AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::new(
        Services::new(Some(provider), None),
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(200),
            retry_schedule: sora_core::download::RetrySchedule(vec![Duration::from_millis(100)]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    let key = JobKey(1);
    // Before the service answered, there is nothing to cancel: said, nothing sent.
    engine.dispatch(Command::DeleteJob { key });
    engine.dispatch(Command::Generate {
        key,
        request: GenerationRequest {
            prompt: "a red fox".into(),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image: None,
            params: Vec::new(),
        },
        upload: false,
        via: None,
    });
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let mut seen = Vec::new();
    let mut asked = false;
    let ended = loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("events in time")
            .expect("channel open");
        match &event {
            EngineEvent::JobCreated { .. } if !asked => {
                asked = true;
                engine.dispatch(Command::DeleteJob { key });
            }
            EngineEvent::JobComplete { ok, .. } => break *ok,
            _ => {}
        }
        seen.push(event);
    };
    assert!(!ended, "a deleted job does not end as a success");
    let text = format!("{seen:?}");
    assert!(text.contains("not created on the service yet"), "{text}");
    assert!(text.contains("cancelled and deleted"), "{text}");
    assert!(text.contains("gone from the service"), "{text}");
    let deletes = sim
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 1, "one delete, for the job that existed");
}
