//! Acting on a job again through the engine: `RetryDownload` after a failed download (resuming
//! its partial), a resumed job reporting the files its journal knows before uploading them, and
//! the service's own job list filed under keys the engine can act on.

use crate::common;
use crate::engine_download_features::{engine, fast, generate, position, provider, until_complete};

use std::time::Duration;

use sora_core::download::{AttemptOutcome, Report, RetrySchedule};
use sora_core::engine::{
    Command, Engine, EngineEvent, EngineExtras, EngineSettings, JobKey, Services,
};
use sora_sim::{Fault, FaultRoute, FaultRule};
use tokio::sync::mpsc;

/// A download that failed for good (every attempt cut after 16 KiB) is fetched again on
/// `RetryDownload`, from the bytes already on disk: the dashboard's `d`.
#[tokio::test]
async fn retry_download_fetches_a_failed_download_again_resuming_its_partial() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    sim.inject(
        FaultRule::new(
            FaultRoute::Content,
            Fault::ResetMidBody {
                after_bytes: 16 * 1024,
            },
        )
        // Every attempt of the schedule (1 + 3 retries), and then some.
        .times(10),
    );
    let dir = tempfile::tempdir().expect("tmp");
    let (engine, mut rx) = engine(&sim, &cfg, dir.path(), 3);
    generate(&engine, 1, "a fox cut short");
    let first = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    assert!(
        first
            .iter()
            .any(|e| matches!(e, EngineEvent::DownloadFailed { .. })),
        "{first:#?}"
    );

    sim.clear_faults();
    engine.dispatch(Command::RetryDownload { key: JobKey(1) });
    let again = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    assert!(
        matches!(
            again.last(),
            Some(EngineEvent::JobComplete { ok: true, .. })
        ),
        "{again:#?}"
    );
    let saved = again
        .iter()
        .find_map(|e| match e {
            EngineEvent::DownloadFinished { path, .. } => Some(path.clone()),
            _ => None,
        })
        .expect("saved");
    assert_eq!(std::fs::read(&saved).expect("read"), common::SAMPLE_MP4);
    let resumed = again.iter().any(|e| {
        matches!(e, EngineEvent::Download { report: Report::Attempt(a), .. }
            if a.outcome == AttemptOutcome::Saved && a.detail.contains("resumed at byte"))
    });
    assert!(resumed, "the retry continues the partial: {again:#?}");
    // Nothing is created again: the retry only downloads.
    assert!(
        !again.iter().any(|e| matches!(
            e,
            EngineEvent::JobSubmitting { .. } | EngineEvent::JobCreated { .. }
        )),
        "{again:#?}"
    );
    sim.shutdown().await;
}

/// A job an earlier session downloaded but did not upload is resumed: its files are reported
/// first, so the dashboard's row knows them and `u` can send them again when the upload fails.
#[tokio::test]
async fn a_resumed_job_waiting_for_its_upload_reports_its_recorded_files_first() {
    use sora_core::journal::{Event, JobState, Journal};
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let dir = tempfile::tempdir().expect("tmp");
    let video = dir.path().join("gen_1.mp4");
    std::fs::write(&video, common::SAMPLE_MP4).expect("write");
    let (journal, _) = Journal::open(&dir.path().join("journal")).expect("journal");
    let events = [
        sora_core::journal::test_support::intent("yesterday's fox")
            .upload(true)
            .event(),
        Event::Created {
            job_id: "task_1".into(),
        },
        Event::Status {
            status: "succeeded".into(),
            state: JobState::Succeeded,
            expires_at: None,
            outputs: vec!["gen_1".into()],
            output_urls: Vec::new(),
        },
        Event::Downloaded {
            output_id: "gen_1".into(),
            variant: "video".into(),
            path: video.display().to_string(),
            bytes: common::SAMPLE_MP4.len() as u64,
        },
    ];
    for event in events {
        journal.append("j-1", event).expect("append");
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        Services {
            provider: Some(provider(&sim, &cfg)),
            // No storage: the upload fails, as after a network loss.
            storage: None,
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(80),
            retry_schedule: RetrySchedule(vec![Duration::from_millis(100); 3]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
        EngineExtras {
            journal: Some(std::sync::Arc::new(journal)),
            ..EngineExtras::default()
        },
    );
    engine.dispatch(Command::Resume {
        key: JobKey(1),
        journal_id: "j-1".into(),
    });
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    let known = position(
        &events,
        |e| matches!(e, EngineEvent::DownloadFinished { path, .. } if *path == video),
    );
    let failed = position(&events, |e| matches!(e, EngineEvent::UploadFailed { .. }));
    assert!(
        known.is_some() && failed.is_some() && known < failed,
        "{events:#?}"
    );
    sim.shutdown().await;
}

/// The service's own job list files each job under a key the engine can act on: listed, it
/// can be downloaded (and deleted) by that key, though this run never created it.
#[tokio::test]
async fn listed_service_jobs_can_be_downloaded_by_their_key() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let dir = tempfile::tempdir().expect("tmp");
    let (first, mut rx) = engine(&sim, &cfg, dir.path(), 3);
    generate(&first, 1, "a fox to list");
    until_complete(&mut rx, 1, Duration::from_secs(20)).await;

    // A second engine (another session) knows nothing of it but the list.
    let (later, mut later_rx) = engine(&sim, &cfg, dir.path(), 3);
    later.dispatch(Command::ListServiceJobs {
        first_key: JobKey(100),
        via: None,
        after: None,
    });
    let listed = tokio::time::timeout(Duration::from_secs(10), later_rx.recv())
        .await
        .expect("answered")
        .expect("open");
    let EngineEvent::ServiceJobs {
        result: Ok(page), ..
    } = listed
    else {
        panic!("{listed:#?}");
    };
    let (key, _) = page.jobs.first().expect("the job is listed").clone();
    assert_eq!(key, JobKey(100));
    later.dispatch(Command::RetryDownload { key });
    let events = until_complete(&mut later_rx, 1, Duration::from_secs(20)).await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, EngineEvent::DownloadFinished { key: k, .. } if k.job == key)),
        "{events:#?}"
    );
    sim.shutdown().await;
}
