//! The header, prompt, timeline and buckets panels: what each shows, failures and their reasons,
//! the demo's fault tags, and escape sequences shown not obeyed.

use super::*;

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
