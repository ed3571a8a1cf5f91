//! Answers other than 200: 404s for a while, 429 with Retry-After in seconds and as a date, server
//! errors retried until saved or given up, refusals (401/403/400) not retried and explained.

use super::*;

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
