//! The download log and transfers: attempts and retries with their countdowns, progress gauges for
//! downloads and uploads, the URL's tail on a narrow terminal, following the tail.

use super::*;

#[test]
fn download_log_shows_a_404_retry_with_countdown_then_the_200() {
    let mut app = app();
    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            AttemptOutcome::WillRetry,
            0,
            5.0,
            Some(Duration::from_secs(3)),
            "404 Resource not found: content not ready yet?",
        ),
    );
    clock(&mut app, 5.5); // due at 5.0 + 0.12 + 3 = 8.12 → 2.62 s left
    let screen = render(&app, W, H);
    assert_shows(&screen, "12:00:05");
    assert_shows(&screen, "#1 video");
    assert_shows(&screen, "try 1");
    assert_shows(&screen, "GET");
    assert_shows(&screen, "/content/video?api-version=preview");
    assert_shows(&screen, " 404 ");
    assert_shows(&screen, "120ms");
    assert_shows(&screen, "retry");
    assert_shows(&screen, "next retry in 3s");
    assert_shows(&screen, "content not ready yet?");

    clock(&mut app, 6.6);
    assert_shows(&render(&app, W, H), "next retry in 2s");

    feed(
        &mut app,
        attempt(
            2,
            Some(200),
            AttemptOutcome::Saved,
            3 * MIB,
            8.2,
            None,
            "verified mp4",
        ),
    );
    finished(&mut app, video(1), "/tmp/out/job1_v0.mp4", 3 * MIB);
    let screen = render(&app, W, H);
    assert_shows(&screen, "try 2");
    assert_shows(&screen, " 200 ");
    assert_shows(&screen, "3.0 MiB");
    assert_shows(&screen, "saved");
    assert_shows(&screen, "✓ saved /tmp/out/job1_v0.mp4");
    assert_hides(&screen, "next retry in");
}

#[test]
fn a_long_attempt_is_stamped_with_its_end_as_the_log_lists_it() {
    let mut app = app();
    feed(
        &mut app,
        attempt_lasting(
            1,
            Some(200),
            AttemptOutcome::Saved,
            3 * MIB,
            5.0,
            Duration::from_secs(30),
            "verified mp4",
        ),
    );
    clock(&mut app, 40.0);
    let screen = render(&app, W, H);
    assert_shows(&screen, "try 1");
    assert_shows(&screen, "30.0s");
    // Listed when it ended, next to what it led to: its time is the end, not the start.
    assert_shows(&screen, "12:00:35");
    assert_hides(&screen, "12:00:05");
}

#[test]
fn narrow_terminal_keeps_the_informative_tail_of_the_url() {
    let mut app = app();
    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            AttemptOutcome::WillRetry,
            0,
            1.0,
            None,
            "not ready",
        ),
    );
    let screen = render(&app, 80, 24);
    assert_shows(&screen, "…");
    assert_shows(&screen, "/gen_01abc/content/video?api-version=preview│");
}

#[test]
fn attempt_without_http_answer_shows_a_dash_and_give_up_is_visible() {
    let mut app = app();
    feed(
        &mut app,
        attempt(
            1,
            None,
            AttemptOutcome::GaveUp,
            0,
            1.0,
            None,
            "connection refused",
        ),
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, " — ");
    assert_shows(&screen, "gave up");
    assert_shows(&screen, "connection refused");
}

#[test]
fn download_progress_and_uploads_are_listed() {
    let mut app = app();
    feed(&mut app, progress(video(1), MIB, Some(4 * MIB)));
    let screen = render(&app, W, H);
    assert_shows(&screen, "1.0 MiB / 4.0 MiB 25%");

    finished(&mut app, video(1), "/tmp/out/job1_v0.mp4", 4 * MIB);
    feed(
        &mut app,
        EngineEvent::UploadStarted {
            job: JobKey(1),
            path: "/tmp/out/job1_v0.mp4".into(),
            bucket: "videos".to_string(),
            object_path: "sora/job1_v0.mp4".to_string(),
        },
    );
    feed(
        &mut app,
        EngineEvent::UploadFinished {
            job: JobKey(1),
            path: "/tmp/out/job1_v0.mp4".into(),
            bucket: "videos".to_string(),
            object_path: "sora/job1_v0.mp4".to_string(),
            public_url: Some(
                "https://x.supabase.co/storage/v1/object/public/videos/sora/job1_v0.mp4"
                    .to_string(),
            ),
            bytes: 4 * MIB,
        },
    );
    let screen = render(&app, W, H);
    assert_hides(&screen, "25%");
    assert_shows(&screen, "⇡ uploading to videos/sora/job1_v0.mp4");
    assert_shows(&screen, "✓ uploaded videos/sora/job1_v0.mp4");
    assert_shows(
        &screen,
        "https://x.supabase.co/storage/v1/object/public/videos/sora/job1_v0.mp4",
    );
}

#[test]
fn download_log_follows_the_tail_unless_scrolled_up() {
    let mut app = app();
    let detail = |i: u32| format!("line-{i:03}-end");
    for i in 1..=60 {
        feed(
            &mut app,
            attempt(
                i,
                Some(503),
                AttemptOutcome::GaveUp,
                0,
                1.0,
                None,
                &detail(i),
            ),
        );
    }
    let screen = render(&app, W, H);
    assert_shows(&screen, &detail(60));
    assert_hides(&screen, &detail(1));

    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    for _ in 0..20 {
        press(&mut app, KeyCode::Up);
    }
    let screen = render(&app, W, H);
    assert_hides(&screen, &detail(60));
    assert_shows(&screen, &detail(40));
    assert_shows(&screen, "scrolled up");

    // New lines do not pull a scrolled view down.
    feed(
        &mut app,
        attempt(
            61,
            Some(503),
            AttemptOutcome::GaveUp,
            0,
            1.0,
            None,
            &detail(61),
        ),
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, &detail(40));
    assert_hides(&screen, &detail(61));

    press(&mut app, KeyCode::End);
    assert_shows(&render(&app, W, H), &detail(61));
}

#[test]
fn a_running_download_gauge_shows_bytes_rate_and_time_left() {
    let mut app = app();
    feed(&mut app, progress(video(1), MIB, Some(4 * MIB)));
    let screen = render(&app, W, H);
    // One sample: no rate yet, so no ETA either.
    assert_shows(&screen, "1.0 MiB / 4.0 MiB 25%");
    assert_hides(&screen, "ETA");

    // Two seconds later (pinned clock), 1 MiB more: 512 KiB/s, 2 MiB left → 4 s.
    clock(&mut app, 2.0);
    feed(&mut app, progress(video(1), 2 * MIB, Some(4 * MIB)));
    let screen = render(&app, W, H);
    assert_shows(&screen, "2.0 MiB / 4.0 MiB 50% · 512.0 KiB/s · ETA 4.0s");
    assert_shows(&screen, "⇣ ");

    // A second download waiting for a slot says so on its own gauge.
    feed(&mut app, EngineEvent::DownloadQueued { key: video(2) });
    let screen = render(&app, W, H);
    assert_shows(&screen, "waiting for a free download slot");
    assert_shows(&screen, "2.0 MiB / 4.0 MiB 50%");

    // Cancelled: the gauge goes.
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(1) });
    let screen = render(&app, W, H);
    assert_hides(&screen, "50%");
}

#[test]
fn an_upload_in_flight_shows_how_far_it_got() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    feed(
        &mut app,
        EngineEvent::UploadStarted {
            job: JobKey(1),
            path: "/videos/gen_1.mp4".into(),
            bucket: "output-videos".into(),
            object_path: "task_1/gen_1.mp4".into(),
        },
    );
    assert_hides(&render(&app, W, H), "50%");
    feed(
        &mut app,
        EngineEvent::UploadProgress {
            job: JobKey(1),
            object_path: "task_1/gen_1.mp4".into(),
            bytes: 3 * 1024 * 1024,
            total: 6 * 1024 * 1024,
        },
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "uploading to output-videos/task_1/gen_1.mp4");
    assert_shows(&screen, "50% (3.0 MiB / 6.0 MiB)");
}

fn retry(step: sora_core::engine::RetryStep, status: u16, at_s: f64, next_s: f64) -> EngineEvent {
    EngineEvent::JobRetrying(sora_core::engine::Retry {
        key: JobKey(1),
        step,
        status: Some(status),
        reason: format!("HTTP {status}: busy"),
        request_id: None,
        retry_after: (status == 429).then(|| Duration::from_secs(2)),
        next_try_in: Duration::from_secs_f64(next_s),
        retry: 1,
        max: 4,
        at: at(at_s),
    })
}

#[test]
fn every_retry_is_in_the_timeline_with_its_answer_and_a_countdown_to_the_next_try() {
    use sora_core::engine::RetryStep::{Create, Poll};
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key: JobKey(1),
            prompt: "a fox".into(),
            at: at(0.0),
        },
    );
    feed(&mut app, retry(Create, 429, 0.1, 2.0));
    clock(&mut app, 0.6);
    let screen = render(&app, W, H);
    assert_shows(
        &screen,
        "⟳ create 429 · Retry-After 2.0s · next try in 1.5s 0.1s",
    );
    assert_hides(&screen, "waiting for the service");
    assert_shows(&screen, "#1: create refused: HTTP 429: busy");

    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: JobKey(1),
            job_id: "task_1".into(),
            at: at(2.2),
        },
    );
    feed(
        &mut app,
        status(1, sora_core::providers::JobStatus::Queued, "queued", 2.3),
    );
    for t in [3.0, 4.0, 5.0] {
        feed(&mut app, retry(Poll, 503, t, 0.5));
    }
    clock(&mut app, 9.0);
    let screen = render(&app, W, H);
    assert_shows(
        &screen,
        "⟳ create 429 · Retry-After 2.0s · retried 0.1s → queued 2.3s → ⟳ status poll 503 ×3 · retried 5.0s",
    );
}
