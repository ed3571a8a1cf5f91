//! What the engine stores in Supabase Storage, against the in-process simulator: the reference
//! image of an image-to-video job lands in the input bucket under the job id (a failure to store
//! it is a warning, not a failed job), and a finished video above the resumable threshold is
//! uploaded through the TUS endpoint.

use crate::common;

use std::path::PathBuf;
use std::time::Duration;

use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, JobKey, Services};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::{GenerationRequest, ModelProfile, Pricing, Provider, Size};
use sora_core::secret::Secret;
use sora_core::storage::StorageClient;
use sora_sim::{SimConfig, SimHandle};
use tokio::sync::mpsc;

fn fast() -> SimConfig {
    SimConfig {
        status_step: Duration::from_millis(50),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    }
}

fn storage(sim: &SimHandle, cfg: &SimConfig) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        Secret::new(&cfg.supabase_key),
    )
}

fn provider(sim: &SimHandle, cfg: &SimConfig) -> Provider {
    Provider::AzureSora(AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(&cfg.azure_api_key)),
        ModelProfile::azure_sora(&Pricing::default()),
    ))
}

struct Run {
    events: Vec<EngineEvent>,
    ok: bool,
    _dir: tempfile::TempDir,
}

impl Run {
    fn job_id(&self) -> String {
        self.events
            .iter()
            .find_map(|e| match e {
                EngineEvent::JobCreated { job_id, .. } => Some(job_id.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no JobCreated in {:#?}", self.events))
    }

    fn uploads_finished(&self) -> Vec<(String, String)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                EngineEvent::UploadFinished {
                    bucket,
                    object_path,
                    ..
                } => Some((bucket.clone(), object_path.clone())),
                _ => None,
            })
            .collect()
    }

    fn warnings(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| match e {
                EngineEvent::Warning { message, .. } => Some(message.clone()),
                _ => None,
            })
            .collect()
    }
}

/// One generation through the engine, every event until `JobComplete` (bounded: 30 s).
async fn generate(
    services: Services,
    image: Option<PathBuf>,
    upload: bool,
    dir: tempfile::TempDir,
) -> Run {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::new(
        services,
        EngineSettings {
            download_dir: dir.path().join("videos"),
            poll_interval: Duration::from_millis(80),
            retry_schedule: sora_core::download::RetrySchedule(vec![Duration::from_millis(100); 3]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    engine.dispatch(Command::Generate {
        key: JobKey(1),
        request: GenerationRequest {
            prompt: "the fox at dawn".into(),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image,
            params: Vec::new(),
        },
        upload,
        via: None,
    });
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no JobComplete within 30 s: {events:#?}"))
            .expect("engine open");
        if let EngineEvent::JobComplete { ok, .. } = event {
            return Run {
                events,
                ok,
                _dir: dir,
            };
        }
        events.push(event);
    }
}

/// A reference image (the simulator's 480x480 JPEG) in a fresh temp dir.
fn first_frame() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("first-frame.jpg");
    std::fs::write(&path, common::THUMBNAIL_JPG).expect("write image");
    (dir, path)
}

#[tokio::test]
async fn the_reference_image_is_stored_in_the_input_bucket_under_the_job_id() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let (dir, image) = first_frame();
    let run = generate(
        Services {
            provider: Some(provider(&sim, &cfg)),
            storage: Some(storage(&sim, &cfg)),
            others: Vec::new(),
        },
        Some(image.clone()),
        false,
        dir,
    )
    .await;
    assert!(run.ok, "{:#?}", run.events);
    let job_id = run.job_id();
    let object_path = format!("{job_id}/first-frame.jpg");
    let started = run.events.iter().any(|e| {
        matches!(e, EngineEvent::UploadStarted { bucket, object_path: p, path, .. }
            if bucket == "input-images" && *p == object_path && *path == image)
    });
    assert!(started, "UploadStarted for the image: {:#?}", run.events);
    assert_eq!(
        run.uploads_finished(),
        vec![("input-images".to_string(), object_path.clone())],
        "only the image is uploaded (the video was not asked for)"
    );
    assert!(run.warnings().is_empty(), "{:?}", run.warnings());

    let client = storage(&sim, &cfg);
    let listed = client
        .list_objects("input-images", &job_id, 100, 0)
        .await
        .expect("list");
    assert_eq!(
        listed.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        vec!["first-frame.jpg"]
    );
    let out = tempfile::tempdir().expect("tmp");
    let copy = out.path().join("copy.jpg");
    client
        .download_to("input-images", &object_path, &copy)
        .await
        .expect("get");
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        common::THUMBNAIL_JPG,
        "byte-identical"
    );
    // Streamed with the plain upload (far below the 6 MiB threshold), with its type.
    let upload = sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with(&format!("/input-images/{object_path}")))
        .expect("the image upload was recorded");
    assert!(
        upload
            .headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "image/jpeg"),
        "{:?}",
        upload.headers
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn an_input_image_that_cannot_be_stored_is_a_warning_and_the_job_still_succeeds() {
    // No input bucket on the server.
    let cfg = SimConfig {
        buckets: vec![("output-videos".to_string(), true)],
        ..fast()
    };
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let (dir, image) = first_frame();
    let run = generate(
        Services {
            provider: Some(provider(&sim, &cfg)),
            storage: Some(storage(&sim, &cfg)),
            others: Vec::new(),
        },
        Some(image),
        false,
        dir,
    )
    .await;
    assert!(
        run.ok,
        "the job succeeds without its stored image: {:#?}",
        run.events
    );
    assert!(
        run.events
            .iter()
            .any(|e| matches!(e, EngineEvent::DownloadFinished { .. })),
        "the video was saved: {:#?}",
        run.events
    );
    assert!(
        !run.events.iter().any(|e| matches!(
            e,
            EngineEvent::UploadFailed { .. } | EngineEvent::JobFailed { .. }
        )),
        "{:#?}",
        run.events
    );
    let warnings = run.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = &warnings[0];
    assert!(
        warning.contains("input image")
            && warning.contains("input-images/")
            && warning.contains("create the bucket")
            && warning.contains("the job goes on"),
        "{warning}"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn without_storage_configured_an_image_job_runs_and_stores_nothing() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let (dir, image) = first_frame();
    let run = generate(
        Services {
            provider: Some(provider(&sim, &cfg)),
            storage: None,
            others: Vec::new(),
        },
        Some(image),
        false,
        dir,
    )
    .await;
    assert!(run.ok, "{:#?}", run.events);
    assert!(
        !run.events.iter().any(|e| matches!(
            e,
            EngineEvent::UploadStarted { .. } | EngineEvent::Warning { .. }
        )),
        "{:#?}",
        run.events
    );
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path.starts_with("/storage/")),
        "no storage request"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_video_above_the_resumable_threshold_is_uploaded_through_tus_byte_identical() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    assert!(
        common::SAMPLE_MP4.len() > 4 * 1024,
        "the sample is above 4 KiB"
    );
    let dir = tempfile::tempdir().expect("tmp");
    let run = generate(
        Services {
            provider: Some(provider(&sim, &cfg)),
            // Anything above 1 KiB goes resumable, in 64 KiB chunks.
            storage: Some(
                storage(&sim, &cfg)
                    .with_resumable_threshold(1024)
                    .with_tus_chunk(64 * 1024),
            ),
            others: Vec::new(),
        },
        None,
        true,
        dir,
    )
    .await;
    assert!(run.ok, "{:#?}", run.events);
    let job_id = run.job_id();
    let uploaded = run.uploads_finished();
    assert_eq!(uploaded.len(), 1, "{uploaded:?}");
    let (bucket, object_path) = &uploaded[0];
    assert_eq!(bucket, "output-videos");
    // The upload reported its progress, ending at the whole file.
    let progress: Vec<(u64, u64)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            sora_core::engine::EngineEvent::UploadProgress { bytes, total, .. } => {
                Some((*bytes, *total))
            }
            _ => None,
        })
        .collect();
    let total = common::SAMPLE_MP4.len() as u64;
    assert_eq!(progress.last(), Some(&(total, total)), "{progress:?}");
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "{progress:?}"
    );
    assert!(
        object_path.starts_with(&format!("{job_id}/")) && object_path.ends_with(".mp4"),
        "{object_path}"
    );

    let requests = sim.requests();
    let storage_requests: Vec<_> = requests
        .iter()
        .filter(|r| r.path.starts_with("/storage/"))
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "POST" && r.path == "/storage/v1/upload/resumable"),
        "the upload was created on the TUS endpoint: {storage_requests:#?}"
    );
    assert!(
        requests.iter().any(|r| r.method == "PATCH"
            && r.path.starts_with("/storage/v1/upload/resumable/")
            && r.status == 204),
        "chunks were PATCHed: {storage_requests:#?}"
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.method == "POST" && r.path.starts_with("/storage/v1/object/output-videos")),
        "no plain upload: {storage_requests:#?}"
    );

    let out = tempfile::tempdir().expect("tmp");
    let copy = out.path().join("copy.mp4");
    storage(&sim, &cfg)
        .download_to(bucket, object_path, &copy)
        .await
        .expect("get");
    assert_eq!(
        std::fs::read(&copy).expect("read"),
        common::SAMPLE_MP4,
        "byte-identical"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn with_an_anon_key_the_dashboards_bucket_list_says_so_and_stores_nothing() {
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let anon = StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&sim.base_url()).expect("url"),
        Secret::new(&cfg.supabase_anon_key),
    );
    let (tx, mut rx) = mpsc::unbounded_channel();
    let dir = tempfile::tempdir().expect("tmp");
    let engine = Engine::new(
        Services {
            provider: None,
            storage: Some(anon),
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(80),
            retry_schedule: sora_core::download::RetrySchedule(vec![Duration::from_millis(100)]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    engine.dispatch(Command::ListBuckets);
    let event = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an answer within 10 s")
        .expect("engine open");
    let EngineEvent::BucketsListed(Err(message)) = event else {
        panic!("not a refused listing: {event:?}");
    };
    assert!(
        message.starts_with("this is the anon key (role anon): use the service-role key"),
        "{message}"
    );
    assert!(sim.requests().is_empty(), "nothing was sent");
    sim.shutdown().await;
}

/// One bucket-browser action through the engine, its `Storage` answer (bounded: 30 s).
async fn storage_op(
    engine: &Engine,
    rx: &mut mpsc::UnboundedReceiver<EngineEvent>,
    op: sora_core::engine::StorageOp,
) -> Result<sora_core::engine::StorageDone, sora_core::engine::StorageFailure> {
    engine.dispatch(Command::Storage(op));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("an answer within 30 s")
            .expect("engine open");
        if let EngineEvent::Storage { result, .. } = event {
            return result;
        }
    }
}

#[tokio::test]
async fn the_bucket_browser_keeps_a_local_file_until_told_and_deletes_a_whole_folder() {
    use sora_core::engine::{AfterCount, StorageOp};
    let cfg = fast();
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    sim.seed_objects("output-videos", "old/a", 1500);
    sim.seed_objects("output-videos", "old", 20);
    let dir = tempfile::tempdir().expect("tmp");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let engine = Engine::new(
        Services {
            provider: None,
            storage: Some(storage(&sim, &cfg)),
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: dir.path().to_path_buf(),
            poll_interval: Duration::from_millis(80),
            retry_schedule: sora_core::download::RetrySchedule(vec![Duration::from_millis(100)]),
            output_bucket: "output-videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );

    // A download onto a file of the user's is refused as a conflict, the file untouched.
    let mine = dir.path().join("mine.bin");
    std::fs::write(&mine, b"my own").expect("write");
    let download = |overwrite| StorageOp::DownloadObject {
        bucket: "output-videos".into(),
        object_path: "old/obj-000000.bin".into(),
        out: mine.clone(),
        overwrite,
    };
    let refused = storage_op(&engine, &mut rx, download(false))
        .await
        .expect_err("refused");
    assert!(refused.conflict, "{refused:?}");
    assert!(refused.message.contains("exists"), "{}", refused.message);
    assert_eq!(std::fs::read(&mine).expect("read"), b"my own");
    storage_op(&engine, &mut rx, download(true))
        .await
        .expect("replaced once told");
    assert_eq!(std::fs::read(&mine).expect("read"), b"object 0\n");

    // A folder: counted, then deleted in batches and checked empty.
    let counted = storage_op(
        &engine,
        &mut rx,
        StorageOp::CountFolder {
            bucket: "output-videos".into(),
            prefix: "old".into(),
            then: AfterCount::Delete,
        },
    )
    .await
    .expect("counted");
    assert_eq!(counted.totals.map(|t| t.objects), Some(1520));
    let deleted = storage_op(
        &engine,
        &mut rx,
        StorageOp::DeleteFolder {
            bucket: "output-videos".into(),
            prefix: "old".into(),
        },
    )
    .await
    .expect("deleted");
    assert!(
        deleted.message.contains("deleted 1,520 objects") && deleted.message.contains("is empty"),
        "{}",
        deleted.message
    );
    let left = storage(&sim, &cfg)
        .walk("output-videos", "old", &mut |_| {})
        .await
        .expect("walk");
    assert!(left.is_empty());
}
