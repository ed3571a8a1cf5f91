//! The download engine against the in-process simulator: what each attempt records, and what
//! the user is told when retrying cannot help.

mod common;

use std::time::Duration;

use sora_tui::download::{self, DownloadSpec, RetrySchedule};
use sora_tui::engine::{AttemptOutcome, DownloadKey, EngineEvent, JobKey};
use sora_tui::providers::{ContentRequest, ContentVariant};
use sora_tui::sim::{self, SimConfig};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

fn fast_sim() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::from_millis(700),
        ..SimConfig::default()
    }
}

use common::azure::{client, succeeded_generation};

fn attempts(rx: &mut mpsc::UnboundedReceiver<EngineEvent>) -> Vec<sora_tui::engine::Attempt> {
    let mut out = Vec::new();
    while let Ok(e) = rx.try_recv() {
        if let EngineEvent::DownloadAttempt(a) = e {
            out.push(a);
        }
    }
    out
}

#[tokio::test]
async fn a_404_right_after_success_is_retried_then_saved_with_every_attempt_recorded() {
    let cfg = fast_sim();
    let sim = sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let client = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&client).await;
    let dir = tempfile::tempdir().expect("tmp");
    let spec = DownloadSpec {
        key: DownloadKey {
            job: JobKey(1),
            output_id: gen_id.clone(),
            variant: ContentVariant::Video,
        },
        request: client
            .content_request(&gen_id, ContentVariant::Video)
            .await
            .expect("request"),
        target: dir.path().join("v.mp4"),
        expires_at: None,
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let schedule = RetrySchedule(vec![Duration::from_millis(400); 6]);
    let done = download::download(
        &sora_tui::http::client().expect("http"),
        &spec,
        &schedule,
        &tx,
        &CancellationToken::new(),
    )
    .await
    .expect("downloaded");
    assert_eq!(std::fs::read(&done.path).expect("file"), common::SAMPLE_MP4);

    let log = attempts(&mut rx);
    assert!(log.len() >= 2, "{log:?}");
    let first = &log[0];
    assert_eq!(first.status, Some(404));
    assert_eq!(first.outcome, AttemptOutcome::WillRetry);
    // The scheduled 400 ms, with ±20 % jitter.
    let wait = first.next_retry_in.expect("a retry is scheduled");
    assert!(
        wait >= Duration::from_millis(320) && wait <= Duration::from_millis(480),
        "{wait:?}"
    );
    assert!(
        first.detail.contains("Resource not found"),
        "{}",
        first.detail
    );
    assert!(first.request_id.is_some(), "apim-request-id recorded");
    let last = log.last().expect("last");
    assert_eq!(
        (last.status, &last.outcome),
        (Some(200), &AttemptOutcome::Saved)
    );
    assert_eq!(last.bytes, common::SAMPLE_MP4.len() as u64);
    assert!(
        last.url
            .ends_with(&format!("/{gen_id}/content/video?api-version=preview")),
        "{}",
        last.url
    );
    assert!(log.iter().all(|a| !a.url.contains(&cfg.azure_api_key)));
}

#[tokio::test]
async fn the_original_bug_path_gives_up_and_names_the_right_route() {
    let cfg = fast_sim();
    let sim = sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let client = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&client).await;
    // What the web app requested: `/content` with no variant.
    let good = client
        .content_request(&gen_id, ContentVariant::Video)
        .await
        .expect("request");
    let mut bad_url = good.url.clone();
    bad_url.set_path(good.url.path().trim_end_matches("/video"));
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("v.mp4");
    let spec = DownloadSpec {
        key: DownloadKey {
            job: JobKey(1),
            output_id: gen_id,
            variant: ContentVariant::Video,
        },
        request: ContentRequest {
            url: bad_url,
            headers: good.headers,
        },
        target: target.clone(),
        expires_at: None,
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let schedule = RetrySchedule(vec![Duration::from_millis(20); 2]);
    let err = download::download(
        &sora_tui::http::client().expect("http"),
        &spec,
        &schedule,
        &tx,
        &CancellationToken::new(),
    )
    .await
    .expect_err("must give up");
    let text = err.to_string();
    assert!(text.contains("`/content/video`"), "{text}");
    assert_eq!(
        attempts(&mut rx).len(),
        3,
        "first try plus the two scheduled retries"
    );
    assert!(!target.exists(), "nothing at the final path");
}

#[tokio::test]
async fn a_refused_key_is_not_retried() {
    let cfg = fast_sim();
    let sim = sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let good = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&good).await;
    tokio::time::sleep(cfg.content_delay).await;
    let wrong = client(&sim.base_url(), "not-the-key");
    let dir = tempfile::tempdir().expect("tmp");
    let spec = DownloadSpec {
        key: DownloadKey {
            job: JobKey(1),
            output_id: gen_id.clone(),
            variant: ContentVariant::Video,
        },
        request: wrong
            .content_request(&gen_id, ContentVariant::Video)
            .await
            .expect("request"),
        target: dir.path().join("v.mp4"),
        expires_at: None,
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let schedule = RetrySchedule(vec![Duration::from_millis(20); 5]);
    let err = download::download(
        &sora_tui::http::client().expect("http"),
        &spec,
        &schedule,
        &tx,
        &CancellationToken::new(),
    )
    .await
    .expect_err("401");
    assert!(err.to_string().contains("401"), "{err}");
    let log = attempts(&mut rx);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].outcome, AttemptOutcome::GaveUp);
}
