//! What the user sees: each panel drawn into a TestBackend from state built by feeding engine
//! events through `update`, with the clock pinned.

use crate::ui_support as support;

use std::time::Duration;

use crossterm::event::KeyCode;
use sora_core::download::AttemptOutcome;
use sora_core::engine::{EngineEvent, JobKey};
use support::*;

const W: u16 = 120;
const H: u16 = 40;
const MIB: u64 = 1024 * 1024;

#[test]
fn header_shows_provider_and_demo_badge() {
    let screen = render(&app(), W, H);
    assert_shows(&screen, "sora-tui");
    assert_shows(&screen, "Azure OpenAI sora @ eastus2");
    assert_shows(&screen, "DEMO (simulator)");

    let mut real = settings();
    real.demo = false;
    let screen = render(&sora_tui::app::App::new(real), W, H);
    assert_hides(&screen, "DEMO");
}

#[test]
fn prompt_panel_shows_text_and_parameters() {
    let mut app = app();
    type_text(&mut app, "a lighthouse at dusk");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(4));
    let screen = render(&app, W, H);
    assert_shows(&screen, "› a lighthouse at dusk");
    assert_shows(&screen, "size 480x854");
    assert_shows(&screen, "5s");
    assert_shows(&screen, "2 variants");
    assert_shows(&screen, "Alt-s/F2");
    // The cost before submit: $0.10/s x 5 s x 2 variants.
    assert_shows(&screen, "≈ $1.00");
}

#[test]
fn empty_submit_message_is_on_screen() {
    let mut app = app();
    press(&mut app, KeyCode::Enter);
    assert_shows(&render(&app, W, H), "The prompt is empty");
}

#[test]
fn timeline_shows_every_status_with_its_time_since_submit() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox in the snow");
    clock(&mut app, 5.2);
    let screen = render(&app, W, H);
    assert_shows(&screen, "#1");
    assert_shows(&screen, "task_01jv8example");
    assert_shows(&screen, "\"a fox in the snow\"");
    assert_shows(
        &screen,
        "preprocessing 0.4s → queued 1.4s → running 2.4s → processing 3.4s → succeeded 4.5s",
    );
    assert_shows(&screen, "5.2s"); // live elapsed time
    assert_hides(&screen, "✓ downloaded");

    clock(&mut app, 7.0);
    assert_shows(&render(&app, W, H), "7.0s");

    finished(&mut app, video(1), "/tmp/out/job1_v0.mp4", 3 * MIB);
    clock(&mut app, 8.0);
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    clock(&mut app, 60.0);
    let screen = render(&app, W, H);
    assert_shows(&screen, "✓ downloaded 1 file");
    assert_shows(&screen, "8.0s"); // frozen at completion, not 60 s
    assert_hides(&screen, "1m 00s");
}

#[test]
fn failed_job_shows_the_reason() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key: JobKey(1),
            prompt: "something".to_string(),
            at: at(0.0),
        },
    );
    feed(
        &mut app,
        status(1, sora_core::providers::JobStatus::Failed, "failed", 2.0),
    );
    feed(
        &mut app,
        EngineEvent::JobFailed {
            key: JobKey(1),
            message: "input_moderation".to_string(),
            at: at(2.0),
        },
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "✗ failed: input_moderation");
    assert_shows(&screen, "failed 2.0s");
}

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
fn buckets_panel_lists_buckets_and_objects() {
    let mut app = app();
    app.init();
    assert_shows(&render(&app, W, H), "loading buckets…");
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".to_string(),
            prefix: String::new(),
            query: query.clone(),
            result: Ok(vec![
                folder("sora"),
                object("fox.mp4", 3 * MIB, "2026-05-01T12:34:56.789Z"),
            ]),
        },
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "thumbs private");
    assert_shows(&screen, "videos public");
    assert_shows(&screen, "sora/");
    assert_shows(&screen, "fox.mp4");
    assert_shows(&screen, "3.0 MiB");
    assert_shows(&screen, "2026-05-01 12:34");
}

#[test]
fn bucket_errors_are_shown_in_the_panel() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Err("401 Unauthorized: invalid JWT".to_string())),
    );
    assert_shows(&render(&app, W, H), "✗ 401 Unauthorized: invalid JWT");
}

/// Every screen of the help overlay, scrolling down a page at a time (bounded).
fn help_pages(app: &mut sora_tui::app::App, w: u16, h: u16) -> Vec<String> {
    let mut pages = vec![render(app, w, h)];
    for _ in 0..40 {
        press(app, KeyCode::PageDown);
        let page = render(app, w, h);
        if pages.last() == Some(&page) {
            break;
        }
        pages.push(page);
    }
    pages
}

#[test]
fn help_overlay_lists_the_keys() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    let all = help_pages(&mut app, W, H).join("\n");
    assert!(all.contains("Help"), "{all}");
    for text in [
        "Ctrl-c",
        "quit",
        "Shift-Tab",
        "Alt-s/F2",
        "next size",
        "Alt-d/F3",
        "Alt-v/F4",
        "upload selected job",
        "refresh",
        // Text fields, questions, the History and Doctor pages, the help itself.
        "Text field",
        "Question",
        "History",
        "Doctor",
        "page down",
    ] {
        assert!(all.contains(text), "`{text}` in the help:\n{all}");
    }
    press(&mut app, KeyCode::Esc);
    assert_hides(&render(&app, W, H), "Help —");
}

#[test]
fn help_fits_80x24_scrolls_and_starts_with_the_focused_context() {
    let mut app = app();
    press(&mut app, KeyCode::Tab); // the jobs panel
    press(&mut app, KeyCode::Char('?'));
    let first = render(&app, 80, 24);
    assert!(
        first.contains("lines 1–"),
        "a long help says where it is: {first}"
    );
    let top = first
        .lines()
        .skip_while(|l| !l.contains("Help —"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(
        top.contains("Jobs"),
        "the focused panel's keys come first: {top}"
    );
    press(&mut app, KeyCode::Down);
    assert_ne!(render(&app, 80, 24), first, "Down scrolls");
    let pages = help_pages(&mut app, 80, 24);
    assert!(pages.len() > 1, "more than one screen at 80x24");
    assert!(
        pages.iter().all(|p| p.lines().count() <= 24),
        "every screen fits"
    );

    // The Doctor page has its own keys, and ? opens the help there too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('D'));
    press(&mut app, KeyCode::Char('?'));
    let screen = render(&app, 80, 24);
    let top = screen
        .lines()
        .skip_while(|l| !l.contains("Help —"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(top.contains("Doctor"), "{screen}");
}

#[test]
fn key_hints_follow_the_focused_panel() {
    let mut app = app();
    let screen = render(&app, W, H);
    let last_line = screen.lines().last().unwrap_or_default().to_string();
    assert!(last_line.contains("Enter generate"), "{last_line}");
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    let screen = render(&app, W, H);
    let last_line = screen.lines().last().unwrap_or_default().to_string();
    assert!(last_line.contains("r refresh"), "{last_line}");
    assert!(!last_line.contains("Enter generate"), "{last_line}");
}

#[test]
fn tiny_terminal_gets_the_too_small_view() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "fox");
    let screen = render(&app, 40, 10);
    assert_shows(&screen, "Terminal too small");
    assert_shows(&screen, "40x10");
    assert_hides(&screen, "preprocessing");
    assert_hides(&render(&app, W, H), "too small");
}

#[test]
fn the_demo_lists_its_fault_tags_until_the_first_job() {
    let mut s = settings();
    s.fault_tags = vec![("[429]".into(), "the create is refused once with 429".into())];
    let mut app = sora_tui::app::App::new(s);
    let screen = render(&app, W, H);
    assert_shows(&screen, "[429]");
    assert_shows(&screen, "the create is refused once with 429");
    job_through_all_statuses(&mut app, 1, "a fox");
    assert_hides(&render(&app, W, H), "[429]");
    assert_hides(
        &render(&sora_tui::app::App::new(settings()), W, H),
        "injects a fault",
    );
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

#[test]
fn escape_sequences_from_the_service_are_shown_not_hidden_or_obeyed() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox\u{1b}[2J in snow");
    feed(
        &mut app,
        EngineEvent::JobFailed {
            key: JobKey(1),
            message: "moderation\u{1b}]0;owned\u{7} blocked".to_string(),
            at: at(5.0),
        },
    );
    let screen = render(&app, W, H);
    // Shown as text a person can see was tampered with, not dropped into "[2J" or obeyed.
    assert_shows(&screen, r"a fox\x1b[2J in snow");
    assert_shows(&screen, r"moderation\x1b]0;owned\x07 blocked");
}

/// With `NO_COLOR` nothing is coloured, yet the focused panel and the selected row still read:
/// a thick border, and reverse video.
#[test]
fn without_colour_the_focus_and_the_selection_still_read() {
    use ratatui::style::{Color, Modifier};
    let theme = sora_tui::ui::Theme::from_env(|k| (k == "NO_COLOR").then(|| "1".to_string()));
    assert_eq!(theme, sora_tui::ui::Theme::no_color());
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a red fox");
    job_through_all_statuses(&mut app, 2, "a grey wolf");
    press(&mut app, KeyCode::Tab); // focus: the jobs panel
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(W, H)).expect("terminal");
    terminal
        .draw(|frame| sora_tui::ui::render(&app, &theme, frame))
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut thick = 0;
    let mut reversed_text = String::new();
    for cell in buffer.content() {
        assert!(
            matches!(cell.fg, Color::Reset) && matches!(cell.bg, Color::Reset),
            "a coloured cell under NO_COLOR: {cell:?}"
        );
        if cell.symbol() == "┏" {
            thick += 1;
        }
        if cell.modifier.contains(Modifier::REVERSED) {
            reversed_text.push_str(cell.symbol());
        }
    }
    assert_eq!(thick, 1, "exactly the focused panel has a thick border");
    assert!(
        reversed_text.contains("a grey wolf") || reversed_text.contains("a red fox"),
        "the selected job is in reverse video: {reversed_text:?}"
    );
}

#[test]
fn a_doctor_report_longer_than_the_page_scrolls() {
    use sora_core::doctor::report::{Report, SettingLine};
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('D'));
    let settings = (0..40)
        .map(|i| SettingLine {
            key: format!("setting.{i:02}"),
            value: "v".into(),
            source: "built-in default".into(),
        })
        .collect();
    feed(
        &mut app,
        EngineEvent::Doctor(Report {
            settings,
            checks: vec![],
        }),
    );
    let first = render(&app, 80, 24);
    assert!(first.contains("setting.00"), "{first}");
    assert!(!first.contains("setting.39"), "{first}");
    for _ in 0..60 {
        press(&mut app, KeyCode::Down);
    }
    let end = render(&app, 80, 24);
    assert!(
        end.contains("setting.39"),
        "the last line can be reached: {end}"
    );
    assert!(!end.contains("setting.00"), "{end}");
}
