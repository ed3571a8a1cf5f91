//! Download engine features end to end, through `Engine` against the in-process simulator: the
//! concurrency limit (a second download waits for the first), cancelling a download (nothing at
//! the final path, the partial kept), and the diagnostics when the documented content URL keeps
//! answering 404 before expiry.

use crate::common;

use std::path::PathBuf;
use std::time::Duration;

use sora_core::download::{AttemptOutcome, DownloadOptions, Report, RetrySchedule};
use sora_core::engine::{
    Command, DownloadKey, DownloadLimits, Engine, EngineEvent, EngineExtras, EngineSettings,
    JobKey, Services,
};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
use sora_core::secret::Secret;
use sora_sim::{Fault, FaultRoute, FaultRule, SimConfig, SimHandle};
use tokio::sync::mpsc::{self, UnboundedReceiver};

pub(crate) fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

pub(crate) fn provider(sim: &SimHandle, cfg: &SimConfig) -> Provider {
    Provider::AzureSora(AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ))
}

pub(crate) fn engine(
    sim: &SimHandle,
    cfg: &SimConfig,
    dir: &std::path::Path,
    max_concurrent: usize,
) -> (Engine, UnboundedReceiver<EngineEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        Services {
            provider: Some(provider(sim, cfg)),
            storage: None,
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.to_path_buf(),
            poll_interval: Duration::from_millis(80),
            retry_schedule: RetrySchedule(vec![Duration::from_millis(100); 3]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
        EngineExtras {
            limits: DownloadLimits {
                max_concurrent,
                // Every chunk reports its progress, so a test sees the bytes before a stall.
                options: DownloadOptions {
                    progress_every: Duration::ZERO,
                    ..DownloadOptions::default()
                },
            },
            ..EngineExtras::default()
        },
    );
    (engine, rx)
}

pub(crate) fn generate(engine: &Engine, key: u64, prompt: &str) {
    engine.dispatch(Command::Generate {
        key: JobKey(key),
        request: GenerationRequest {
            prompt: prompt.into(),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image: None,
            params: Vec::new(),
        },
        upload: false,
        via: None,
    });
}

/// Events until `jobs` `JobComplete`s arrived (bounded by `limit`).
pub(crate) async fn until_complete(
    rx: &mut UnboundedReceiver<EngineEvent>,
    jobs: usize,
    limit: Duration,
) -> Vec<EngineEvent> {
    let deadline = tokio::time::Instant::now() + limit;
    let mut events = Vec::new();
    let mut complete = 0;
    while complete < jobs {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("not complete within {limit:?}: {events:#?}"))
            .expect("engine open");
        if matches!(event, EngineEvent::JobComplete { .. }) {
            complete += 1;
        }
        events.push(event);
    }
    events
}

fn video_key(event: &EngineEvent) -> Option<&DownloadKey> {
    match event {
        EngineEvent::Download { key, .. }
        | EngineEvent::DownloadQueued { key }
        | EngineEvent::DownloadCancelled { key }
        | EngineEvent::DownloadFinished { key, .. }
        | EngineEvent::DownloadFailed { key, .. } => Some(key),
        _ => None,
    }
}

pub(crate) fn position(
    events: &[EngineEvent],
    what: impl Fn(&EngineEvent) -> bool,
) -> Option<usize> {
    events.iter().position(what)
}

#[tokio::test]
async fn with_one_slot_the_second_download_waits_until_the_first_is_saved() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    // The first content request sends 16 KiB, then nothing for 1.5 s: it holds the one slot.
    sim.inject(FaultRule::new(
        FaultRoute::Content,
        Fault::Stall {
            after_bytes: 16 * 1024,
            for_: Duration::from_millis(1500),
        },
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let (engine, mut rx) = engine(&sim, &cfg, dir.path(), 1);
    generate(&engine, 1, "first fox");
    generate(&engine, 2, "second fox");
    let events = until_complete(&mut rx, 2, Duration::from_secs(30)).await;
    for event in &events {
        if let EngineEvent::JobComplete { ok, key } = event {
            assert!(ok, "job {key} succeeded: {events:#?}");
        }
    }

    let queued: Vec<&DownloadKey> = events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::DownloadQueued { key } => Some(key),
            _ => None,
        })
        .collect();
    assert_eq!(queued.len(), 1, "exactly one download waited: {events:#?}");
    let second = queued[0].clone();
    let first = events
        .iter()
        .filter_map(video_key)
        .find(|k| **k != second)
        .expect("the other download")
        .clone();
    let first_saved = position(
        &events,
        |e| matches!(e, EngineEvent::DownloadFinished { key, .. } if *key == first),
    )
    .expect("the first was saved");
    let second_queued = position(
        &events,
        |e| matches!(e, EngineEvent::DownloadQueued { key } if *key == second),
    )
    .expect("queued");
    let second_started = position(
        &events,
        |e| matches!(e, EngineEvent::Download { key, .. } if *key == second),
    )
    .expect("the second ran");
    assert!(
        second_queued < first_saved && first_saved < second_started,
        "queued at {second_queued}, first saved at {first_saved}, second started at {second_started}: {events:#?}"
    );
    // The stalled one was held for the stall, not restarted (the stall is under the timeout).
    let first_attempts = events
        .iter()
        .filter(|e| matches!(e, EngineEvent::Download { key, report: Report::Attempt(_) } if *key == first))
        .count();
    assert_eq!(first_attempts, 1, "{events:#?}");
    for key in [&first, &second] {
        let path = events
            .iter()
            .find_map(|e| match e {
                EngineEvent::DownloadFinished { key: k, path, .. } if k == key => Some(path),
                _ => None,
            })
            .expect("saved");
        assert_eq!(std::fs::read(path).expect("read"), common::SAMPLE_MP4);
    }
    // Not `shutdown`: nothing is left open, but keep it quick either way.
    drop(sim);
}

#[tokio::test]
async fn cancel_download_ends_it_cancelled_keeping_the_partial_and_nothing_at_the_final_path() {
    let (kept, _received) = cancel_a_stalled_download().await;
    assert!(kept <= 16 * 1024, "{kept}");
}

/// Known bug (src/download, owned elsewhere): on cancel the attempt future is dropped with up
/// to `write_buffer` (1 MiB) of received bytes still in its write buffer, so the partial that
/// the log calls "kept for resume" is empty and the next download starts over.
#[tokio::test]
async fn cancel_download_keeps_the_bytes_already_received_in_the_partial() {
    let (kept, received) = cancel_a_stalled_download().await;
    assert!(received >= 16 * 1024, "{received}");
    assert_eq!(kept, received, "every received byte is in the partial");
}

/// Start a download that stalls after 16 KiB, cancel it, check what a user would see; returns
/// the partial's length and the bytes the attempt log says were received.
async fn cancel_a_stalled_download() -> (u64, u64) {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    // 16 KiB, then a stall far longer than the test: only the cancel ends it.
    sim.inject(FaultRule::new(
        FaultRoute::Content,
        Fault::Stall {
            after_bytes: 16 * 1024,
            for_: Duration::from_secs(60),
        },
    ));
    let dir = tempfile::tempdir().expect("tmp");
    let (engine, mut rx) = engine(&sim, &cfg, dir.path(), 3);
    generate(&engine, 1, "a fox to cancel");

    // Wait (bounded) until the bytes before the stall have arrived.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut events = Vec::new();
    let key = loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no progress within 20 s: {events:#?}"))
            .expect("engine open");
        if let EngineEvent::Download {
            key,
            report: Report::Progress { bytes, .. },
        } = &event
            && *bytes >= 16 * 1024
        {
            break key.clone();
        }
        events.push(event);
    };
    let cancelled_at = tokio::time::Instant::now();
    engine.dispatch(Command::CancelDownload { key: key.clone() });
    let rest = until_complete(&mut rx, 1, Duration::from_secs(10)).await;
    assert!(
        cancelled_at.elapsed() < Duration::from_secs(5),
        "the cancel acts at once, not after the stall"
    );
    assert!(
        rest.iter()
            .any(|e| matches!(e, EngineEvent::DownloadCancelled { key: k } if *k == key)),
        "{rest:#?}"
    );
    assert!(
        !rest.iter().any(|e| matches!(
            e,
            EngineEvent::DownloadFinished { .. } | EngineEvent::DownloadFailed { .. }
        )),
        "{rest:#?}"
    );
    let attempt = rest
        .iter()
        .find_map(|e| match e {
            EngineEvent::Download {
                key: of,
                report: Report::Attempt(a),
            } if *of == key => Some(a),
            _ => None,
        })
        .expect("the attempt is logged");
    assert_eq!(attempt.outcome, AttemptOutcome::Cancelled, "{attempt:?}");
    assert!(
        matches!(
            rest.last(),
            Some(EngineEvent::JobComplete { ok: false, .. })
        ),
        "a cancelled video is not a finished job: {rest:#?}"
    );

    let target: PathBuf = dir.path().join(format!("{}.mp4", key.output_id));
    assert!(!target.exists(), "nothing at the final path");
    let partial = sora_core::download::partial_path(&target);
    let kept = std::fs::metadata(&partial)
        .unwrap_or_else(|e| panic!("partial {} kept: {e}", partial.display()))
        .len();
    assert_eq!(
        std::fs::read(&partial).expect("read"),
        common::SAMPLE_MP4[..kept as usize],
        "the partial holds the start of the video"
    );
    // Not `shutdown`: it would wait out the stalled connection.
    drop(sim);
    (kept, attempt.bytes)
}

#[tokio::test]
async fn a_content_url_that_keeps_answering_404_gets_the_diagnostic_requests_logged() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    // The documented route answers 404 every time (the job is far from expiry).
    sim.inject(
        FaultRule::new(
            FaultRoute::Content,
            Fault::Status {
                code: 404,
                retry_after: None,
                body: None,
            },
        )
        .times(1000),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (engine, mut rx) = engine(&sim, &cfg, dir.path(), 3);
    generate(&engine, 1, "a fox that will not download");
    let events = until_complete(&mut rx, 1, Duration::from_secs(30)).await;
    assert!(
        matches!(
            events.last(),
            Some(EngineEvent::JobComplete { ok: false, .. })
        ),
        "{events:#?}"
    );
    let job_id = events
        .iter()
        .find_map(|e| match e {
            EngineEvent::JobCreated { job_id, .. } => Some(job_id.clone()),
            _ => None,
        })
        .expect("created");
    let attempts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::Download {
                report: Report::Attempt(a),
                ..
            } => Some(a.clone()),
            _ => None,
        })
        .collect();
    let regular: Vec<_> = attempts
        .iter()
        .filter(|a| a.outcome != AttemptOutcome::Diagnostic)
        .collect();
    assert_eq!(
        regular.len(),
        4,
        "first try and three retries: {attempts:#?}"
    );
    assert!(regular.iter().all(|a| a.status == Some(404)));
    let gen_id = events
        .iter()
        .find_map(|e| match e {
            EngineEvent::Download { key, .. } => Some(key.output_id.clone()),
            _ => None,
        })
        .expect("a download");

    let diagnostic: Vec<_> = attempts
        .iter()
        .filter(|a| a.outcome == AttemptOutcome::Diagnostic)
        .collect();
    assert_eq!(diagnostic.len(), 2, "{attempts:#?}");
    // Numbered after the regular attempts, in the log after them.
    assert_eq!(diagnostic[0].number, 5);
    assert_eq!(diagnostic[1].number, 6);
    let job = diagnostic
        .iter()
        .find(|a| a.url.contains(&format!("/video/generations/jobs/{job_id}")))
        .unwrap_or_else(|| panic!("the job was re-fetched: {diagnostic:#?}"));
    assert_eq!(job.status, Some(200), "{job:?}");
    assert!(job.detail.contains("job"), "{}", job.detail);
    let generation = diagnostic
        .iter()
        .find(|a| {
            a.url
                .contains(&format!("/video/generations/{gen_id}?api-version"))
        })
        .unwrap_or_else(|| panic!("the generation metadata was re-fetched: {diagnostic:#?}"));
    assert_eq!(generation.status, Some(200), "{generation:?}");
    assert!(
        generation.detail.contains("generation metadata"),
        "{}",
        generation.detail
    );
    assert!(
        attempts.iter().all(|a| !a.url.contains(&cfg.azure_api_key)),
        "no key in the log"
    );
    // The failure the user reads names the route that was tried.
    let failure = events
        .iter()
        .find_map(|e| match e {
            EngineEvent::DownloadFailed { message, .. } => Some(message.clone()),
            _ => None,
        })
        .expect("the download failed");
    assert!(failure.contains("404"), "{failure}");
    sim.shutdown().await;
}

/// A front end can say what a download is doing before any byte and after the last one:
/// connecting (with the attempt number), then bytes, then verifying, then saved.
#[tokio::test]
async fn a_download_reports_connecting_before_its_bytes_and_verifying_before_it_is_saved() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let dir = tempfile::tempdir().expect("tmp");
    let (engine, mut rx) = engine(&sim, &cfg, dir.path(), 3);
    generate(&engine, 1, "a fox seen connecting");
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    let report_at = |what: fn(&Report) -> bool| {
        position(
            &events,
            |e| matches!(e, EngineEvent::Download { report, .. } if what(report)),
        )
    };
    let connecting = report_at(|r| matches!(r, Report::Connecting { attempt: 1 }));
    let bytes = report_at(|r| matches!(r, Report::Progress { .. }));
    let verifying = report_at(|r| matches!(r, Report::Verifying { bytes } if *bytes > 0));
    let saved = position(&events, |e| {
        matches!(e, EngineEvent::DownloadFinished { .. })
    });
    assert!(
        connecting.is_some() && connecting < bytes && bytes < verifying && verifying < saved,
        "{events:#?}"
    );
    sim.shutdown().await;
}
