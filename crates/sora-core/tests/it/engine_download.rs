//! The download engine against the in-process simulator: what each attempt records, and what
//! the user is told when retrying cannot help.

use crate::common;

use std::time::Duration;

use sora_core::download::AttemptOutcome;
use sora_core::download::RetrySchedule;
use sora_core::providers::ContentRequest;
use sora_sim::SimConfig;

fn fast_sim() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::from_millis(700),
        ..SimConfig::default()
    }
}

use common::azure::{client, download_with_log, succeeded_generation, video_request, video_spec};

#[tokio::test]
async fn a_404_right_after_success_is_retried_then_saved_with_every_attempt_recorded() {
    let cfg = fast_sim();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let client = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&client).await;
    let dir = tempfile::tempdir().expect("tmp");
    let request = video_request(&client, &gen_id).await;
    let spec = video_spec(request, dir.path().join("v.mp4"));
    let schedule = RetrySchedule(vec![Duration::from_millis(400); 6]);
    let (result, log) = download_with_log(&spec, &schedule).await;
    let done = result.expect("downloaded");
    assert_eq!(std::fs::read(&done.path).expect("file"), common::SAMPLE_MP4);

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
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let client = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&client).await;
    // What the web app requested: `/content` with no variant.
    let good = video_request(&client, &gen_id).await;
    let mut bad_url = good.url.clone();
    bad_url.set_path(good.url.path().trim_end_matches("/video"));
    let dir = tempfile::tempdir().expect("tmp");
    let target = dir.path().join("v.mp4");
    let request = ContentRequest {
        url: bad_url,
        headers: good.headers,
    };
    let spec = video_spec(request, target.clone());
    let schedule = RetrySchedule(vec![Duration::from_millis(20); 2]);
    let (result, log) = download_with_log(&spec, &schedule).await;
    let text = result.expect_err("must give up").to_string();
    assert!(text.contains("`/content/video`"), "{text}");
    assert_eq!(log.len(), 3, "first try plus the two scheduled retries");
    assert!(!target.exists(), "nothing at the final path");
}

#[tokio::test]
async fn a_refused_key_is_not_retried() {
    let cfg = fast_sim();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let good = client(&sim.base_url(), &cfg.azure_api_key);
    let (_job, gen_id) = succeeded_generation(&good).await;
    tokio::time::sleep(cfg.content_delay).await;
    let wrong = client(&sim.base_url(), "not-the-key");
    let dir = tempfile::tempdir().expect("tmp");
    let request = video_request(&wrong, &gen_id).await;
    let spec = video_spec(request, dir.path().join("v.mp4"));
    let schedule = RetrySchedule(vec![Duration::from_millis(20); 5]);
    let (result, log) = download_with_log(&spec, &schedule).await;
    let err = result.expect_err("401");
    assert!(err.to_string().contains("401"), "{err}");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].outcome, AttemptOutcome::GaveUp);
}
