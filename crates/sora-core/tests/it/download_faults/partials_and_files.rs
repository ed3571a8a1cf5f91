//! The partial and the files on disk: cancel and resume, an unwritable directory, planted symlinks,
//! private file modes, and a key refused mid-download then fixed.

use super::*;

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
