//! The download engine against every fault the simulator can inject on the content route. Each
//! test ends either with a file byte-identical to the source (sha256) or with a clear error and
//! nothing at the final path. Schedules and stall timeouts are short, so the file runs fast.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use sha2::{Digest, Sha256};
use sora_core::download::{self, DownloadError, DownloadOptions, DownloadSpec, RetrySchedule};
use sora_core::download::{Attempt, AttemptOutcome};
use sora_sim::{
    Fault, FaultRoute as Route, FaultRule, FaultTarget, RetryAfter, SimConfig, SimHandle,
};
use tokio_util::sync::CancellationToken;

mod bodies;
mod http_answers;
mod partials_and_files;

fn sha(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A simulator, a succeeded generation on it, and a download spec for its video.
struct Setup {
    sim: SimHandle,
    spec: DownloadSpec,
    _dir: tempfile::TempDir,
}

async fn setup(content_delay: Duration) -> Setup {
    setup_with(SimConfig {
        status_step: Duration::from_millis(30),
        content_delay,
        ..SimConfig::default()
    })
    .await
}

async fn setup_with(cfg: SimConfig) -> Setup {
    let sim = sora_sim::start(cfg.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    let client = common::azure::client(&sim.base_url(), &cfg.azure_api_key);
    let (_, gen_id) = common::azure::succeeded_generation(&client).await;
    let dir = tempfile::tempdir().expect("tmp");
    let request = common::azure::video_request(&client, &gen_id).await;
    let spec = common::azure::video_spec(request, dir.path().join("video.mp4"));
    sim.clear_requests();
    Setup {
        sim,
        spec,
        _dir: dir,
    }
}

fn options(stall_ms: u64) -> DownloadOptions {
    DownloadOptions {
        stall_timeout: Duration::from_millis(stall_ms),
        progress_every: Duration::from_millis(10),
        ..DownloadOptions::default()
    }
}

fn ms(v: &[u64]) -> RetrySchedule {
    RetrySchedule(v.iter().map(|m| Duration::from_millis(*m)).collect())
}

async fn run(
    spec: &DownloadSpec,
    schedule: &RetrySchedule,
    opts: &DownloadOptions,
) -> (Result<download::Downloaded, DownloadError>, Vec<Attempt>) {
    let reports = common::Reports::default();
    let http = sora_core::http::client().expect("http");
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        download::download(
            &http,
            spec,
            schedule,
            opts,
            &|r| reports.keep(r),
            &CancellationToken::new(),
        ),
    )
    .await
    .expect("bounded in time");
    (result, reports.attempts())
}

fn content_fault(sim: &SimHandle, fault: Fault, times: u32) {
    sim.inject(FaultRule::new(FaultTarget::new(Route::Content), fault).times(times));
}

/// The file at the final path is the simulator's video, byte for byte; no partial remains.
fn assert_identical(result: &Result<download::Downloaded, DownloadError>, spec: &DownloadSpec) {
    let done = match result {
        Ok(done) => done,
        Err(e) => panic!("not downloaded: {e}"),
    };
    assert_eq!(done.path, spec.target);
    let bytes = std::fs::read(&done.path).expect("file");
    assert_eq!(
        sha(&bytes),
        sha(common::SAMPLE_MP4),
        "sha256 matches the source"
    );
    assert!(
        !download::partial_path(&spec.target).exists(),
        "no partial left"
    );
}

fn assert_nothing_at(target: &Path) {
    assert!(
        !target.exists(),
        "nothing at the final path {}",
        target.display()
    );
}

fn ranged_requests(sim: &SimHandle) -> Vec<String> {
    sim.requests()
        .iter()
        .filter_map(|r| r.header("range").map(str::to_string))
        .collect()
}
