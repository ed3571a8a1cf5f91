//! Bodies that go wrong: resets, short and stalled bodies, wrong lengths, HTML or error pages
//! posing as the video, expired content, and bytes that change across a resume.

use super::*;

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
