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

#[tokio::test]
async fn a_404_for_a_while_after_success_is_retried_until_saved() {
    let s = setup(Duration::from_millis(600)).await;
    let (result, log) = run(&s.spec, &ms(&[250; 8]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    assert!(log.len() >= 2, "{log:#?}");
    assert_eq!(log[0].status, Some(404));
    assert_eq!(log[0].outcome, AttemptOutcome::WillRetry);
    let wait = log[0].next_retry_in.expect("next retry time");
    assert!(
        (Duration::from_millis(200)..=Duration::from_millis(300)).contains(&wait),
        "250 ms ± 20 %: {wait:?}"
    );
    assert!(
        log[0].headers.iter().any(|(k, _)| k == "content-type"),
        "{:?}",
        log[0].headers
    );
    let last = log.last().expect("last");
    assert_eq!(last.outcome, AttemptOutcome::Saved);
    assert!(
        last.headers
            .iter()
            .any(|(k, v)| k == "content-length" && v == &common::SAMPLE_MP4.len().to_string())
    );
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says_in_seconds_and_as_a_date() {
    for retry_after in [RetryAfter::Secs(1), RetryAfter::HttpDate(2)] {
        let s = setup(Duration::ZERO).await;
        content_fault(
            &s.sim,
            Fault::Status {
                code: 429,
                retry_after: Some(retry_after.clone()),
                body: None,
            },
            1,
        );
        let started = Instant::now();
        let (result, log) = run(&s.spec, &ms(&[50; 3]), &options(2000)).await;
        assert_identical(&result, &s.spec);
        assert_eq!(log[0].status, Some(429));
        let asked = log[0].next_retry_in.expect("a wait");
        // An HTTP date has one-second resolution.
        assert!(
            asked >= Duration::from_millis(900),
            "{retry_after:?}: {asked:?}"
        );
        assert!(started.elapsed() >= Duration::from_millis(900));
        assert!(log[0].headers.iter().any(|(k, _)| k == "retry-after"));
    }
}

#[tokio::test]
async fn server_errors_500_502_503_are_retried_then_saved() {
    let s = setup(Duration::ZERO).await;
    for code in [500, 502, 503] {
        content_fault(
            &s.sim,
            Fault::Status {
                code,
                retry_after: None,
                body: None,
            },
            1,
        );
    }
    let (result, log) = run(&s.spec, &ms(&[30; 5]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    let statuses: Vec<Option<u16>> = log.iter().map(|a| a.status).collect();
    assert_eq!(statuses, vec![Some(500), Some(502), Some(503), Some(200)]);
}

#[tokio::test]
async fn persistent_server_errors_give_up_with_a_reason_and_nothing_at_the_target() {
    let s = setup(Duration::ZERO).await;
    content_fault(
        &s.sim,
        Fault::Status {
            code: 503,
            retry_after: None,
            body: None,
        },
        10,
    );
    let (result, log) = run(&s.spec, &ms(&[20; 2]), &options(2000)).await;
    let err = result.expect_err("gave up").to_string();
    assert!(err.contains("gave up after 3 attempts"), "{err}");
    assert_eq!(log.len(), 3);
    assert_nothing_at(&s.spec.target);
}

#[tokio::test]
async fn refusals_401_403_400_are_not_retried_and_are_explained() {
    for (code, word) in [(401, "key"), (403, "permission"), (400, "refused")] {
        let s = setup(Duration::ZERO).await;
        content_fault(
            &s.sim,
            Fault::Status {
                code,
                retry_after: None,
                body: None,
            },
            5,
        );
        let (result, log) = run(&s.spec, &ms(&[20; 3]), &options(2000)).await;
        let err = result.expect_err("refused").to_string();
        assert!(err.contains(word), "{code}: {err}");
        assert_eq!(log.len(), 1, "{code} not retried");
        assert_eq!(log[0].outcome, AttemptOutcome::GaveUp);
        assert_nothing_at(&s.spec.target);
    }
}

/// The first answer breaks; the next one either continues the partial (206 after `Range` +
/// `If-Range`) or, when nothing of the body reached the disk, starts over. Note: the simulator's
/// HTTP server (hyper) drops the buffered head chunk when the body errors or ends short right
/// after it, so the client usually sees "connection closed before message completed" before
/// any byte; resume itself is exercised by the stall and cancel tests.
async fn broken_body_recovers(fault: Fault) {
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, fault, 1);
    let (result, log) = run(&s.spec, &ms(&[30; 3]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    assert_eq!(log.len(), 2, "{log:#?}");
    assert_eq!(log[0].outcome, AttemptOutcome::WillRetry);
    assert!(!log[0].detail.is_empty());
    let ranges = ranged_requests(&s.sim);
    if let Some(range) = ranges.first() {
        let resumed = s.sim.requests().into_iter().last().expect("second request");
        assert_eq!(resumed.status, 206, "{range}");
        assert!(resumed.header("if-range").is_some(), "If-Range sent");
        assert!(
            log[1].detail.contains("resumed at byte"),
            "{}",
            log[1].detail
        );
    }
}

#[tokio::test]
async fn a_connection_reset_mid_body_ends_byte_identical() {
    broken_body_recovers(Fault::ResetMidBody {
        after_bytes: 16_384,
    })
    .await;
}

#[tokio::test]
async fn a_body_shorter_than_content_length_ends_byte_identical() {
    broken_body_recovers(Fault::ShortBody { bytes: 20_000 }).await;
}

#[tokio::test]
async fn a_stalled_body_times_out_and_resumes_instead_of_hanging() {
    let s = setup(Duration::ZERO).await;
    content_fault(
        &s.sim,
        Fault::Stall {
            after_bytes: 8_192,
            for_: Duration::from_secs(30),
        },
        1,
    );
    let started = Instant::now();
    let (result, log) = run(&s.spec, &ms(&[30; 3]), &options(300)).await;
    assert_identical(&result, &s.spec);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "did not wait out the stall"
    );
    assert!(log[0].detail.contains("stalled"), "{}", log[0].detail);
    assert_eq!(ranged_requests(&s.sim), vec!["bytes=8192-".to_string()]);
}

#[tokio::test]
async fn an_html_page_served_as_200_is_never_saved_as_the_video() {
    // Once: retried, and the real video arrives.
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::HtmlOk, 1);
    let (result, log) = run(&s.spec, &ms(&[30; 3]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    assert!(log[0].detail.contains("not a mp4"), "{}", log[0].detail);
    assert!(log[0].detail.contains("text/html"), "{}", log[0].detail);

    // Always: a clear error, nothing at the final path, no partial.
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::HtmlOk, 10);
    let (result, _log) = run(&s.spec, &ms(&[20; 2]), &options(2000)).await;
    let err = result.expect_err("never saved").to_string();
    assert!(err.contains("error page served as 200"), "{err}");
    assert_nothing_at(&s.spec.target);
    assert!(!download::partial_path(&s.spec.target).exists());
}

#[tokio::test]
async fn expired_content_is_final_and_said_so() {
    let mut s = setup(Duration::ZERO).await;
    s.spec.expires_at = Some(SystemTime::now() - Duration::from_secs(60));
    content_fault(&s.sim, Fault::Expired, 5);
    let (result, log) = run(&s.spec, &ms(&[20; 4]), &options(2000)).await;
    let err = result.expect_err("expired").to_string();
    assert!(err.contains("expired"), "{err}");
    assert_eq!(log.len(), 1, "no retry after expiry");
    assert_eq!(log[0].status, Some(404));
    assert_nothing_at(&s.spec.target);
}

#[tokio::test]
async fn cancel_keeps_the_partial_and_the_next_download_resumes_it() {
    let s = setup(Duration::ZERO).await;
    content_fault(
        &s.sim,
        Fault::Stall {
            after_bytes: 10_000,
            for_: Duration::from_secs(30),
        },
        1,
    );
    let reports = common::Reports::default();
    let http = sora_core::http::client().expect("http");
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let partial = download::partial_path(&s.spec.target);
    let watcher = {
        let partial = partial.clone();
        tokio::spawn(async move {
            for _ in 0..200 {
                if std::fs::metadata(&partial).map(|m| m.len()).unwrap_or(0) >= 10_000 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            trigger.cancel();
        })
    };
    let opts = DownloadOptions {
        write_buffer: 1024,
        ..options(10_000)
    };
    let result = download::download(
        &http,
        &s.spec,
        &ms(&[30]),
        &opts,
        &|r| reports.keep(r),
        &cancel,
    )
    .await;
    watcher.await.expect("watcher");
    assert!(
        matches!(result, Err(DownloadError::Cancelled)),
        "{result:?}"
    );
    assert_nothing_at(&s.spec.target);
    assert_eq!(
        std::fs::metadata(&partial).expect("partial kept").len(),
        10_000
    );
    let outcomes: Vec<AttemptOutcome> = reports.attempts().into_iter().map(|a| a.outcome).collect();
    assert_eq!(outcomes, vec![AttemptOutcome::Cancelled]);

    let (result, log) = run(&s.spec, &ms(&[30]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    assert_eq!(log[0].status, Some(206), "resumed");
    assert_eq!(ranged_requests(&s.sim), vec!["bytes=10000-".to_string()]);
}

#[tokio::test]
async fn an_unwritable_directory_is_a_clear_error_with_nothing_at_the_target() {
    let mut s = setup(Duration::ZERO).await;
    // A file where the download directory should be (root ignores permission bits).
    let blocker = s._dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").expect("write");
    s.spec.target = blocker.join("video.mp4");
    let (result, log) = run(&s.spec, &ms(&[20; 3]), &options(2000)).await;
    let err = result.expect_err("cannot write");
    assert!(matches!(err, DownloadError::Disk { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("cannot write") && text.contains("download directory"),
        "{text}"
    );
    assert_eq!(log.len(), 1, "a disk error is not retried");
    assert_nothing_at(&s.spec.target);
}

/// A body the transport takes for complete, but that is not the whole video: it is kept as
/// `.partial` with the reason and never given the final name.
fn assert_kept_as_partial(
    result: &Result<download::Downloaded, DownloadError>,
    spec: &DownloadSpec,
    reason: &str,
) {
    let err = match result {
        Ok(done) => panic!(
            "saved {} ({} bytes) though it is not the video",
            done.path.display(),
            done.bytes
        ),
        Err(e) => e.to_string(),
    };
    assert!(err.contains(reason), "{err}");
    assert!(
        err.contains(".partial"),
        "the error names the partial: {err}"
    );
    assert_nothing_at(&spec.target);
    let partial = download::partial_path(&spec.target);
    let kept = std::fs::read(&partial).expect("the body is kept as .partial");
    assert_ne!(kept, common::SAMPLE_MP4);
}

#[tokio::test]
async fn a_body_shorter_than_an_under_reported_content_length_is_never_saved() {
    // Every answer is 1000 bytes short, with a Content-Length that agrees.
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::UnderReportedLength { missing: 1000 }, 10);
    let (result, log) = run(&s.spec, &ms(&[20]), &options(2000)).await;
    assert_kept_as_partial(&result, &s.spec, "cut short");
    assert_eq!(log.len(), 2, "retried once, from the start: {log:#?}");
    assert!(
        log[0].detail.contains("not a complete mp4"),
        "{}",
        log[0].detail
    );
    assert!(
        ranged_requests(&s.sim).is_empty(),
        "a failed body is not resumed"
    );

    // Once only: the retry starts over and gets the whole video.
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::UnderReportedLength { missing: 1000 }, 1);
    let (result, _) = run(&s.spec, &ms(&[20]), &options(2000)).await;
    assert_identical(&result, &s.spec);
}

#[tokio::test]
async fn a_body_without_a_length_that_ends_halfway_is_never_saved() {
    let half = common::SAMPLE_MP4.len() as u64 / 2;
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::NoLength { bytes: half }, 10);
    let (result, log) = run(&s.spec, &ms(&[20]), &options(2000)).await;
    assert_kept_as_partial(&result, &s.spec, "cut short");
    assert!(
        log[0].headers.iter().all(|(k, _)| k != "content-length"),
        "no length was sent: {:?}",
        log[0].headers
    );
    assert_eq!(
        std::fs::metadata(download::partial_path(&s.spec.target))
            .expect("partial")
            .len(),
        half
    );
}

#[tokio::test]
async fn an_error_page_behind_a_fake_ftyp_box_is_never_saved() {
    let s = setup(Duration::ZERO).await;
    content_fault(&s.sim, Fault::FakeMp4, 10);
    let (result, _) = run(&s.spec, &ms(&[20]), &options(2000)).await;
    assert_kept_as_partial(&result, &s.spec, "not a complete mp4");
}

#[tokio::test]
async fn bytes_that_change_under_the_same_validator_across_a_resume_are_never_saved() {
    let cfg = SimConfig {
        status_step: Duration::from_millis(30),
        content_delay: Duration::ZERO,
        content_digests: true,
        ..SimConfig::default()
    };
    // The first answer stalls after 8 KiB (and is resumed); the resumed 206 carries other bytes
    // under the same Last-Modified. Only the checksum of the first answer can tell.
    let stall_then_change = |sim: &SimHandle, times: u32| {
        content_fault(
            sim,
            Fault::Stall {
                after_bytes: 8_192,
                for_: Duration::from_secs(30),
            },
            1,
        );
        content_fault(sim, Fault::ChangedBytes, times);
    };
    let s = setup_with(cfg.clone()).await;
    stall_then_change(&s.sim, 1);
    let (result, log) = run(&s.spec, &ms(&[30; 3]), &options(300)).await;
    assert_identical(&result, &s.spec);
    assert_eq!(log.len(), 3, "{log:#?}");
    assert_eq!(log[1].status, Some(206), "resumed");
    assert!(
        log[1].detail.contains("checksum") && log[1].detail.contains("repr-digest"),
        "{}",
        log[1].detail
    );
    assert_eq!(log[2].status, Some(200), "started over: {}", log[2].detail);

    // The mixed file is never saved, even when no retry is left.
    let s = setup_with(cfg).await;
    stall_then_change(&s.sim, 1);
    let (result, _) = run(&s.spec, &ms(&[30]), &options(300)).await;
    assert_kept_as_partial(&result, &s.spec, "checksum");
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_planted_at_the_partial_or_its_validator_are_refused_and_never_followed() {
    for suffix in [".partial", ".partial.validator"] {
        let s = setup(Duration::ZERO).await;
        let victim = s._dir.path().join("precious.txt");
        std::fs::write(&victim, b"someone else's file").expect("write");
        let mut link = s.spec.target.clone().into_os_string();
        link.push(suffix);
        let link = std::path::PathBuf::from(link);
        std::os::unix::fs::symlink(&victim, &link).expect("plant symlink");
        let (result, log) = run(&s.spec, &ms(&[20; 2]), &options(2000)).await;
        let err = result.expect_err("refused").to_string();
        assert!(
            err.contains(&link.display().to_string()) && err.contains("symbolic link"),
            "{suffix}: {err}"
        );
        assert_eq!(log.len(), 1, "{suffix}: not retried");
        assert_eq!(
            std::fs::read(&victim).expect("victim"),
            b"someone else's file",
            "{suffix}: the file the link points to is untouched"
        );
        assert_nothing_at(&s.spec.target);
    }
}

#[cfg(unix)]
#[tokio::test]
async fn saved_videos_and_partials_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let mut s = setup(Duration::ZERO).await;
    s.spec.target = s._dir.path().join("new/dir/video.mp4");
    let (result, _) = run(&s.spec, &ms(&[20]), &options(2000)).await;
    assert_identical(&result, &s.spec);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&s.spec.target), 0o600, "the video");
    assert_eq!(
        mode(&s._dir.path().join("new/dir")),
        0o700,
        "the directory made for it"
    );
    assert_eq!(mode(&s._dir.path().join("new")), 0o700);
}

/// The key is refused mid-download (rotated while the video streamed): the download stops, and
/// both the error and the attempt log say the partial is kept (where, how many bytes) and that
/// fetching again once the key is fixed resumes it — which it then does.
#[tokio::test]
async fn a_key_refused_mid_download_says_the_partial_is_kept_and_resumes_after_the_fix() {
    for code in [401, 403] {
        let s = setup(Duration::ZERO).await;
        // The first answer stalls after 10,000 bytes; its retry meets the refused key.
        content_fault(
            &s.sim,
            Fault::Stall {
                after_bytes: 10_000,
                for_: Duration::from_secs(30),
            },
            1,
        );
        let reports = common::Reports::default();
        let http = sora_core::http::client().expect("http");
        let opts = DownloadOptions {
            write_buffer: 1024,
            ..options(300)
        };
        let sink = |r: download::Report| {
            if let download::Report::Attempt(a) = &r
                && a.outcome == AttemptOutcome::WillRetry
            {
                content_fault(
                    &s.sim,
                    Fault::Status {
                        code,
                        retry_after: None,
                        body: None,
                    },
                    1,
                );
            }
            reports.keep(r);
        };
        let result = tokio::time::timeout(
            Duration::from_secs(20),
            download::download(
                &http,
                &s.spec,
                &ms(&[30; 3]),
                &opts,
                &sink,
                &CancellationToken::new(),
            ),
        )
        .await
        .expect("bounded in time");
        let err = result.expect_err("the key was refused").to_string();
        let partial = download::partial_path(&s.spec.target);
        assert_eq!(
            std::fs::metadata(&partial).expect("partial kept").len(),
            10_000,
            "{code}"
        );
        let log = reports.attempts();
        let last = log.last().expect("attempts");
        assert_eq!(last.outcome, AttemptOutcome::GaveUp, "{code}: {log:#?}");
        assert_eq!(last.status, Some(code));
        for (what, text) in [("error", &err), ("attempt log", &last.detail)] {
            assert!(
                text.contains(&partial.display().to_string())
                    && text.contains("10000 bytes")
                    && text.contains("kept")
                    && text.contains("resume"),
                "{code}: the {what} says the partial is kept and resumes: {text}"
            );
        }
        assert_nothing_at(&s.spec.target);

        // The key fixed (the refusal is used up): fetching again resumes the partial.
        s.sim.clear_requests();
        let (result, log) = run(&s.spec, &ms(&[30]), &options(2000)).await;
        assert_identical(&result, &s.spec);
        assert_eq!(log[0].status, Some(206), "{code}: resumed");
        assert_eq!(ranged_requests(&s.sim), vec!["bytes=10000-".to_string()]);
    }
}
