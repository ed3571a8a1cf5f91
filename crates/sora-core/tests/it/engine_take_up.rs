//! Acting on jobs a session knows only from the journal or the service's list: `TakeUp`
//! downloads a journaled job again into its own entry, or uploads its video (what the History
//! page's `d` and `u` send), and `ListServiceJobs` reads the selected service's list a page at
//! a time with the cursor of the page before.

use crate::common;
use crate::engine_download_features::{fast, generate, provider, until_complete};

use std::sync::Arc;
use std::time::Duration;

use sora_core::download::RetrySchedule;
use sora_core::engine::{
    Command, Engine, EngineEvent, EngineExtras, EngineSettings, JobKey, SERVICE_JOBS_PAGE,
    ServiceJobsPage, Services, TakeUpThen, Via,
};
use sora_core::journal::Journal;
use sora_core::providers::{Family, GenerationRequest, Size};
use sora_core::secret::Secret;
use sora_core::storage::StorageClient;
use sora_sim::{SimConfig, SimHandle};
use tokio::sync::mpsc::{self, UnboundedReceiver};

fn storage(sim: &SimHandle, cfg: &SimConfig) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        Secret::new(&cfg.supabase_key),
    )
}

/// An engine on the simulator that records into `journal`, with Storage.
fn engine(
    sim: &SimHandle,
    cfg: &SimConfig,
    dir: &std::path::Path,
    journal: &Arc<Journal>,
) -> (Engine, UnboundedReceiver<EngineEvent>) {
    engine_with(sim, cfg, dir, journal, true)
}

/// [`engine`], with the video service configured or not (a later run with other settings).
fn engine_with(
    sim: &SimHandle,
    cfg: &SimConfig,
    dir: &std::path::Path,
    journal: &Arc<Journal>,
    with_service: bool,
) -> (Engine, UnboundedReceiver<EngineEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let engine = Engine::with_extras(
        Services {
            provider: with_service.then(|| provider(sim, cfg)),
            storage: Some(storage(sim, cfg)),
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
            journal: Some(Arc::clone(journal)),
            ..EngineExtras::default()
        },
    );
    (engine, rx)
}

/// The simulator, a folder and its journal, for a job of an earlier session.
struct Earlier {
    cfg: SimConfig,
    sim: SimHandle,
    dir: tempfile::TempDir,
    journal: Arc<Journal>,
}

impl Earlier {
    async fn start() -> Self {
        let cfg = fast();
        let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
            .await
            .expect("sim");
        let dir = tempfile::tempdir().expect("tmp");
        let (journal, _) = Journal::open(&dir.path().join("journal")).expect("journal");
        Self {
            cfg,
            sim,
            dir,
            journal: Arc::new(journal),
        }
    }
}

/// A job generated, downloaded and journaled by an earlier session: its journal id, job id and
/// saved video.
async fn earlier_session(
    sim: &SimHandle,
    cfg: &SimConfig,
    dir: &std::path::Path,
    journal: &Arc<Journal>,
) -> (String, String, std::path::PathBuf) {
    let (first, mut rx) = engine(sim, cfg, dir, journal);
    generate(&first, 1, "yesterday's fox");
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    let find = |f: &dyn Fn(&EngineEvent) -> Option<String>| events.iter().find_map(f);
    let journal_id = find(&|e| match e {
        EngineEvent::JobJournaled { journal_id, .. } => Some(journal_id.clone()),
        _ => None,
    })
    .expect("journaled");
    let job_id = find(&|e| match e {
        EngineEvent::JobCreated { job_id, .. } => Some(job_id.clone()),
        _ => None,
    })
    .expect("created");
    let video = find(&|e| match e {
        EngineEvent::DownloadFinished { path, .. } => Some(path.display().to_string()),
        _ => None,
    })
    .expect("downloaded");
    first.shutdown();
    (journal_id, job_id, video.into())
}

#[tokio::test]
async fn a_take_up_that_cannot_reach_the_jobs_service_leaves_its_entry_succeeded() {
    let Earlier {
        cfg,
        sim,
        dir,
        journal,
    } = Earlier::start().await;
    let (journal_id, _, _) = earlier_session(&sim, &cfg, dir.path(), &journal).await;

    // A later run without that service configured: `d` on the History entry.
    let (later, mut rx) = engine_with(&sim, &cfg, dir.path(), &journal, false);
    later.dispatch(Command::TakeUp {
        key: JobKey(7),
        journal_id: journal_id.clone(),
        then: TakeUpThen::Download,
    });
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    assert!(
        events.iter().any(|e| matches!(e,
            EngineEvent::JobFailed { key: JobKey(7), message, .. } if message.contains("cannot be downloaded"))),
        "the row says why: {events:#?}"
    );
    let record = journal.record(&journal_id).expect("entry");
    assert_eq!(
        record.state,
        sora_core::journal::JobState::Succeeded,
        "the job succeeded on its service; this run only could not reach it"
    );
}

#[tokio::test]
async fn take_up_downloads_a_journaled_job_again_and_records_it_in_its_entry() {
    let Earlier {
        cfg,
        sim,
        dir,
        journal,
    } = Earlier::start().await;
    let (journal_id, job_id, video) = earlier_session(&sim, &cfg, dir.path(), &journal).await;
    std::fs::remove_file(&video).expect("the user deleted the video");
    let before = journal.record(&journal_id).expect("entry").updated_at;
    // The journal stamps entries in milliseconds: the new line must come later to be told apart.
    tokio::time::sleep(Duration::from_millis(5)).await;

    // A later session knows the job only from the journal.
    let (later, mut rx) = engine(&sim, &cfg, dir.path(), &journal);
    later.dispatch(Command::TakeUp {
        key: JobKey(7),
        journal_id: journal_id.clone(),
        then: TakeUpThen::Download,
    });
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    assert!(
        matches!(
            events.last(),
            Some(EngineEvent::JobComplete {
                key: JobKey(7),
                ok: true
            })
        ),
        "{events:#?}"
    );
    assert!(
        events.iter().any(|e| matches!(e,
            EngineEvent::JobResumed { key: JobKey(7), prompt, .. } if prompt == "yesterday's fox")),
        "the row learns the prompt: {events:#?}"
    );
    assert!(
        events.iter().any(|e| matches!(e,
            EngineEvent::JobCreated { key: JobKey(7), job_id: id, .. } if *id == job_id)),
        "{events:#?}"
    );
    // Only a download: nothing is created (or paid) again.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, EngineEvent::JobSubmitting { .. })),
        "{events:#?}"
    );
    assert_eq!(
        std::fs::read(&video).expect("saved again"),
        common::SAMPLE_MP4
    );
    let record = journal.record(&journal_id).expect("entry");
    assert!(
        record.updated_at > before && record.video_paths().count() == 1,
        "the new download is recorded in the same entry: {record:#?}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn take_up_uploads_a_journaled_video_once_then_says_it_is_stored() {
    let Earlier {
        cfg,
        sim,
        dir,
        journal,
    } = Earlier::start().await;
    let (journal_id, job_id, video) = earlier_session(&sim, &cfg, dir.path(), &journal).await;

    let (later, mut rx) = engine(&sim, &cfg, dir.path(), &journal);
    let take_up = Command::TakeUp {
        key: JobKey(3),
        journal_id: journal_id.clone(),
        then: TakeUpThen::Upload,
    };
    later.dispatch(take_up.clone());
    let events = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    let stored = events.iter().find_map(|e| match e {
        EngineEvent::UploadFinished {
            job: JobKey(3),
            path,
            bucket,
            object_path,
            ..
        } => Some((path.clone(), bucket.clone(), object_path.clone())),
        _ => None,
    });
    let file_name = video
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        stored,
        Some((
            video.clone(),
            "output-videos".to_string(),
            format!("{job_id}/{file_name}")
        )),
        "{events:#?}"
    );
    // The file was known before it was sent: the row can show it (and `u` send it again).
    let known = events
        .iter()
        .position(|e| matches!(e, EngineEvent::DownloadFinished { .. }));
    let started = events
        .iter()
        .position(|e| matches!(e, EngineEvent::UploadStarted { .. }));
    assert!(known.is_some() && known < started, "{events:#?}");
    assert_eq!(journal.record(&journal_id).expect("entry").uploads.len(), 1);

    // Asked again, nothing is sent a second time: it says the video is stored.
    later.dispatch(take_up);
    let again = until_complete(&mut rx, 1, Duration::from_secs(20)).await;
    assert!(
        !again
            .iter()
            .any(|e| matches!(e, EngineEvent::UploadStarted { .. })),
        "{again:#?}"
    );
    assert!(
        again.iter().any(|e| matches!(e,
            EngineEvent::Info(m) if m.contains("in the bucket already"))),
        "{again:#?}"
    );
    sim.shutdown().await;
}

/// The answer to one `ListServiceJobs`.
async fn list_page(
    engine: &Engine,
    rx: &mut UnboundedReceiver<EngineEvent>,
    first_key: u64,
    via: Option<Via>,
    after: Option<String>,
) -> Result<ServiceJobsPage, String> {
    engine.dispatch(Command::ListServiceJobs {
        first_key: JobKey(first_key),
        via,
        after,
    });
    loop {
        let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("answered")
            .expect("open");
        if let EngineEvent::ServiceJobs { result, .. } = event {
            return result;
        }
    }
}

#[tokio::test]
async fn the_service_list_loads_page_after_page_with_the_cursor_of_the_page_before() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let sora = provider(&sim, &cfg);
    let total = SERVICE_JOBS_PAGE as usize + 3;
    for n in 0..total {
        let request = GenerationRequest {
            prompt: format!("listed {n}"),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image: None,
            params: Vec::new(),
        };
        sora.create(&request).await.expect("created");
    }
    // The service is the one named, not a default: here there is none.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let dir = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(
        Services {
            provider: None,
            storage: None,
            others: vec![sora],
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
    );
    let via = Some(Via {
        family: Family::AzureSora,
        model: None,
    });
    assert!(list_page(&engine, &mut rx, 100, None, None).await.is_err());

    let first = list_page(&engine, &mut rx, 100, via.clone(), None)
        .await
        .expect("first page");
    assert_eq!(first.jobs.len(), SERVICE_JOBS_PAGE as usize);
    assert!(first.has_more);
    assert_eq!(
        first.next.as_deref(),
        first.jobs.last().map(|(_, j)| j.id.as_str()),
        "the cursor is the page's last job"
    );
    assert_eq!(
        first
            .jobs
            .first()
            .and_then(|(_, j)| j.prompt.clone())
            .as_deref(),
        Some(format!("listed {}", total - 1).as_str()),
        "newest first"
    );

    let second = list_page(&engine, &mut rx, 120, via, first.next.clone())
        .await
        .expect("second page");
    assert_eq!(second.jobs.len(), 3, "{second:#?}");
    assert!(!second.has_more);
    assert_eq!(second.next, None, "the end of the list: no cursor");
    assert_eq!(second.jobs[0].0, JobKey(120));
    assert_eq!(
        second
            .jobs
            .last()
            .and_then(|(_, j)| j.prompt.clone())
            .as_deref(),
        Some("listed 0")
    );
    let overlap = second
        .jobs
        .iter()
        .any(|(_, j)| first.jobs.iter().any(|(_, f)| f.id == j.id));
    assert!(!overlap, "the second page starts after the first");
    let requests = sim.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.query.as_deref().is_some_and(|q| q.contains("after="))),
        "the cursor went to the service"
    );
    sim.shutdown().await;
}
