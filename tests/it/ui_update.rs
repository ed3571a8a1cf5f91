//! `App::update`: the commands a user's keys and the engine's events produce, and the state
//! changes a user would notice.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyModifiers};
use sora_core::engine::{Command, EngineEvent, JobKey};
use sora_core::providers::{GenerationRequest, Size};
use sora_tui::app::{Effect, Focus, NoticeLevel};
use support::*;

#[test]
fn init_asks_for_the_bucket_list() {
    let mut app = app();
    assert_eq!(app.init(), vec![Effect::Engine(Command::ListBuckets)]);
}

#[test]
fn enter_submits_the_typed_prompt_with_current_parameters_and_a_fresh_key() {
    let mut app = app();
    type_text(&mut app, "a red fox running through snow");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Generate {
            key: JobKey(1),
            request: GenerationRequest {
                prompt: "a red fox running through snow".to_string(),
                size: Size::new(480, 480),
                seconds: 5,
                variants: 1,
                image: None,
                params: Vec::new(),
            },
            upload: false,
            via: None,
        })]
    );
    assert_eq!(app.prompt().text(), "", "the input is cleared after submit");
    assert_eq!(
        app.jobs().rows.len(),
        1,
        "the job shows in the timeline at once"
    );

    wait(&mut app, 5.0); // someone typing the next prompt
    type_text(&mut app, "second");
    let second = press(&mut app, KeyCode::Enter);
    let [Effect::Engine(Command::Generate { key, .. })] = second.as_slice() else {
        panic!("expected one Generate, got {second:?}");
    };
    assert_eq!(*key, JobKey(2), "each submit gets a new key");
}

#[test]
fn auto_upload_setting_is_passed_to_generate() {
    let mut settings = settings();
    settings.auto_upload = true;
    let mut app = sora_tui::app::App::new(settings);
    type_text(&mut app, "waves");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(matches!(
        commands.as_slice(),
        [Effect::Engine(Command::Generate { upload: true, .. })]
    ));
}

#[test]
fn empty_prompt_submits_nothing_and_says_why() {
    let mut app = app();
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    type_text(&mut app, "   ");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    let notice = app.notice().expect("a message explains the refusal");
    assert_eq!(notice.level, NoticeLevel::Error);
    assert!(notice.text.contains("empty"), "{}", notice.text);
    assert!(app.jobs().rows.is_empty());
}

#[test]
fn parameter_keys_step_through_allowed_values_and_reach_the_request() {
    let mut app = app();
    let allowed = settings().allowed_sizes();
    press_with(&mut app, KeyCode::Char('s'), KeyModifiers::ALT);
    assert_eq!(app.prompt().size, allowed[1]);
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, allowed[2]);
    for _ in 0..allowed.len() {
        press(&mut app, KeyCode::F(2));
        assert!(
            allowed.contains(&app.prompt().size),
            "sizes stay in the allowed list"
        );
    }
    assert_eq!(app.prompt().size, allowed[2], "a full cycle comes back");
    // Alt-S (terminals send it with or without Shift) goes back.
    press_with(
        &mut app,
        KeyCode::Char('S'),
        KeyModifiers::ALT | KeyModifiers::SHIFT,
    );
    assert_eq!(app.prompt().size, allowed[1]);

    press(&mut app, KeyCode::F(3));
    press_with(&mut app, KeyCode::Char('d'), KeyModifiers::ALT);
    assert_eq!(app.prompt().seconds, 7);
    press_with(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(app.prompt().seconds, 6);
    for _ in 0..40 {
        press(&mut app, KeyCode::F(3));
        assert!((1..=20).contains(&app.prompt().seconds));
    }
    // "Longer" stops at the longest and says so: a wrap to 1 s would read as a mistake.
    assert_eq!(app.prompt().seconds, 20);
    assert!(
        notice_text(&app).contains("20 s is the longest"),
        "{}",
        notice_text(&app)
    );

    assert_eq!(app.prompt().size, Size::new(480, 854));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 2);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    assert_eq!(app.prompt().variants, 4);
    press_with(&mut app, KeyCode::Char('v'), KeyModifiers::ALT);
    assert_eq!(
        app.prompt().variants,
        4,
        "stops at the size's limit (4 at 480x854)"
    );
    assert!(notice_text(&app).contains("4 variant(s) is the most at 480x854"));
    press_with(&mut app, KeyCode::Char('V'), KeyModifiers::ALT);
    assert_eq!(app.prompt().variants, 3);
    // Moving to a 1080p size, where one variant is the limit, pulls the count down, and says so.
    step_to_size(&mut app, Size::new(1080, 1080));
    assert_eq!(app.prompt().variants, 1);
    assert!(
        notice_text(&app).contains("1080x1080 takes at most 1 variant(s): variants 2 → 1"),
        "{}",
        notice_text(&app)
    );

    assert_eq!(app.prompt().text(), "", "parameter keys type nothing");
    step_to_size(&mut app, Size::new(480, 854));
    type_text(&mut app, "x");
    let commands = press(&mut app, KeyCode::Enter);
    let [Effect::Engine(Command::Generate { request, .. })] = commands.as_slice() else {
        panic!("expected one Generate, got {commands:?}");
    };
    assert_eq!(request.size, allowed[1]);
    assert_eq!(request.seconds, app.prompt().seconds);
}

/// Press the size key until `size` is selected (at most one full cycle).
fn step_to_size(app: &mut sora_tui::app::App, size: Size) {
    for _ in 0..20 {
        if app.prompt().size == size {
            return;
        }
        press(app, KeyCode::F(2));
    }
    panic!("{size} is not reachable with the size key");
}

#[test]
fn a_sora_2_profile_steps_through_its_own_lengths_and_sizes() {
    let mut s = settings();
    s.profile =
        sora_core::providers::ModelProfile::sora_2(&sora_core::providers::Pricing::default());
    s.default_size = Size::new(720, 1280);
    s.default_seconds = 4;
    let mut app = sora_tui::app::App::new(s);
    let mut seen = vec![];
    for _ in 0..4 {
        press(&mut app, KeyCode::F(3));
        seen.push(app.prompt().seconds);
    }
    assert_eq!(seen, vec![8, 12, 12, 12], "4, 8, 12, and 12 is the longest");
    press_with(&mut app, KeyCode::F(3), KeyModifiers::SHIFT);
    assert_eq!(app.prompt().seconds, 8);
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, Size::new(1280, 720));
    press(&mut app, KeyCode::F(2));
    assert_eq!(app.prompt().size, Size::new(720, 1280));
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 1, "one video per job");
}

#[test]
fn tab_cycles_focus_and_back_tab_reverses() {
    let mut app = app();
    assert_eq!(app.focus(), Focus::Prompt);
    let mut seen = vec![];
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
        seen.push(app.focus());
    }
    assert_eq!(
        seen,
        vec![Focus::Jobs, Focus::Downloads, Focus::Buckets, Focus::Prompt]
    );
    press_with(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.focus(), Focus::Buckets);
}

#[test]
fn q_and_question_mark_are_text_in_the_prompt() {
    let mut app = app();
    type_text(&mut app, "q?");
    assert!(!app.should_quit());
    assert!(!app.help_visible());
    assert_eq!(app.prompt().text(), "q?");
}

#[test]
fn q_quits_outside_the_prompt() {
    let mut app = app();
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.focus(), Focus::Jobs, "Esc leaves the prompt");
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());
}

#[test]
fn ctrl_c_quits_even_while_typing() {
    let mut app = app();
    type_text(&mut app, "half a prom");
    press_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.should_quit());
}

#[test]
fn help_opens_with_question_mark_or_f1_and_closes_with_esc() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    assert!(app.help_visible(), "F1 opens help even in the prompt");
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        app.prompt().text(),
        "",
        "keys do not leak into the prompt under help"
    );
    press(&mut app, KeyCode::Esc);
    assert!(!app.help_visible());
    assert_eq!(app.focus(), Focus::Prompt, "closing help keeps the focus");
    press(&mut app, KeyCode::Tab);
    press_with(&mut app, KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert!(app.help_visible());
    press(&mut app, KeyCode::Char('q'));
    assert!(
        !app.help_visible() && !app.should_quit(),
        "q closes help first"
    );
}

#[test]
fn u_uploads_only_downloaded_files_not_yet_uploaded() {
    let mut app = app();
    type_text(&mut app, "clouds");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Tab);
    assert!(
        press(&mut app, KeyCode::Char('u')).is_empty(),
        "nothing downloaded yet"
    );
    assert!(
        notice_text(&app).contains("no downloaded file"),
        "{}",
        notice_text(&app)
    );

    finished(&mut app, video(1), "/tmp/out/job1_v0.mp4", 3_000_000);
    finished(&mut app, thumbnail(1), "/tmp/out/job1_v0.jpg", 20_000);
    feed(
        &mut app,
        EngineEvent::UploadFinished {
            job: JobKey(1),
            path: PathBuf::from("/tmp/out/job1_v0.mp4"),
            bucket: "videos".to_string(),
            object_path: "job1_v0.mp4".to_string(),
            public_url: None,
            bytes: 3_000_000,
        },
    );
    let commands = press(&mut app, KeyCode::Char('u'));
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Upload {
            job: JobKey(1),
            path: PathBuf::from("/tmp/out/job1_v0.jpg"),
        })]
    );
    assert!(
        press(&mut app, KeyCode::Char('u')).is_empty(),
        "a second u does not upload the same file twice"
    );
    assert!(
        notice_text(&app).contains("already uploaded"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn a_failed_upload_can_be_retried_with_u() {
    let mut app = app();
    type_text(&mut app, "clouds");
    press(&mut app, KeyCode::Enter);
    finished(&mut app, video(1), "/tmp/out/a.mp4", 10);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab); // downloads panel: u works there too
    assert_eq!(press(&mut app, KeyCode::Char('u')).len(), 1);
    feed(
        &mut app,
        EngineEvent::UploadFailed {
            job: JobKey(1),
            path: PathBuf::from("/tmp/out/a.mp4"),
            message: "413 Payload too large".to_string(),
        },
    );
    assert_eq!(press(&mut app, KeyCode::Char('u')).len(), 1);
}

#[test]
fn bucket_listing_opens_the_output_bucket() {
    let mut app = app();
    app.init();
    let commands = feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    assert_eq!(
        without_generation(commands),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "videos".to_string(),
            query: first_page(),
            prefix: String::new(),
        })]
    );
    assert_eq!(app.buckets().selected_bucket_name(), Some("videos"));

    // A refresh keeps the place and asks for nothing more.
    let again = feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    assert!(again.is_empty());
}

#[test]
fn missing_output_bucket_falls_back_to_the_first_and_says_so() {
    let mut app = app();
    let commands = feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("media", false)])),
    );
    assert_eq!(
        without_generation(commands),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "media".to_string(),
            query: first_page(),
            prefix: String::new(),
        })]
    );
    assert!(
        notice_text(&app).contains("'videos' not found"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn finished_upload_lists_its_folder_so_the_object_shows() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    let commands = feed(
        &mut app,
        EngineEvent::UploadFinished {
            job: JobKey(3),
            path: PathBuf::from("/tmp/out/job3.mp4"),
            bucket: "videos".to_string(),
            object_path: "sora/2026-05-01/job3.mp4".to_string(),
            public_url: Some(
                "https://x.supabase.co/storage/v1/object/public/videos/sora/2026-05-01/job3.mp4"
                    .to_string(),
            ),
            bytes: 42,
        },
    );
    assert_eq!(
        without_generation(commands),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "videos".to_string(),
            query: first_page(),
            prefix: "sora/2026-05-01".to_string(),
        })]
    );
}

#[test]
fn stale_object_listings_are_dropped() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "thumbs".to_string(),
            prefix: String::new(),
            query: query.clone(),
            result: Ok(vec![object("old.jpg", 1, "2026-01-01T00:00:00Z")]),
        },
    );
    assert!(
        app.buckets().objects.loaded().is_none(),
        "thumbs was not asked for"
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".to_string(),
            prefix: String::new(),
            query: query.clone(),
            result: Ok(vec![object("cat.mp4", 1, "2026-01-01T00:00:00Z")]),
        },
    );
    assert_eq!(app.buckets().objects.loaded().map(Vec::len), Some(1));
}

#[test]
fn enter_lists_the_selected_bucket_and_r_refreshes() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("thumbs", false), bucket("videos", true)])),
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus(), Focus::Buckets);
    press(&mut app, KeyCode::Up);
    assert_eq!(
        without_generation(press(&mut app, KeyCode::Enter)),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "thumbs".to_string(),
            query: first_page(),
            prefix: String::new(),
        })]
    );
    assert_eq!(
        without_generation(press(&mut app, KeyCode::Char('r'))),
        vec![
            Effect::Engine(Command::ListBuckets),
            Effect::Engine(Command::ListObjects {
                bucket: "thumbs".to_string(),
                query: first_page(),
                prefix: String::new(),
            })
        ]
    );
}

#[test]
fn enter_on_a_folder_opens_it_and_backspace_goes_up() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".to_string(),
            prefix: String::new(),
            query: query.clone(),
            result: Ok(vec![folder("sora")]),
        },
    );
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    assert_eq!(
        without_generation(press(&mut app, KeyCode::Enter)),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "videos".to_string(),
            query: first_page(),
            prefix: "sora".to_string(),
        })]
    );
    assert_eq!(
        without_generation(press(&mut app, KeyCode::Backspace)),
        vec![Effect::Engine(Command::ListObjects {
            bucket: "videos".to_string(),
            query: first_page(),
            prefix: String::new(),
        })]
    );
}

#[test]
fn animation_runs_only_while_something_moves() {
    let mut app = app();
    assert!(!app.is_animating(), "an idle dashboard does not tick");
    job_through_all_statuses(&mut app, 1, "fox");
    assert!(app.is_animating(), "an active job has a live elapsed time");
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    assert!(!app.is_animating());

    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            sora_core::download::AttemptOutcome::WillRetry,
            0,
            0.0,
            Some(std::time::Duration::from_secs(2)),
            "not ready",
        ),
    );
    clock(&mut app, 1.0);
    assert!(app.is_animating(), "a retry countdown is running");
    clock(&mut app, 5.0);
    assert!(!app.is_animating(), "the countdown is over");
}

#[test]
fn m_on_a_finished_job_turns_the_prompt_into_a_remix_of_it() {
    let mut s = settings();
    s.supports_remix = true;
    let mut app = sora_tui::app::App::new(s);
    job_through_all_statuses(&mut app, 1, "a fox");
    let job_id = app.jobs().rows[0].job_id.clone().expect("job id");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Jobs);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.focus(), Focus::Prompt, "the prompt takes the change");
    assert_shows(&render(&app, 120, 40), &format!("remix of {job_id}"));
    type_text(&mut app, "now in the rain");
    let commands = press(&mut app, KeyCode::Enter);
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Remix {
            key: JobKey(1),
            source_id: job_id,
            prompt: "now in the rain".into(),
            upload: false,
        })]
    );
    // The next prompt is a new video again.
    wait(&mut app, 5.0);
    type_text(&mut app, "a cat");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Effect::Engine(Command::Generate { .. })]
        ),
        "{commands:?}"
    );
}

#[test]
fn remix_is_refused_where_the_provider_has_none_and_esc_cancels_it() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.focus(), Focus::Jobs);
    assert!(app.prompt().remix_of.is_none());
    assert_shows(&render(&app, 120, 40), "cannot remix");

    let mut s = settings();
    s.supports_remix = true;
    let mut app = sora_tui::app::App::new(s);
    job_through_all_statuses(&mut app, 1, "a fox");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Esc);
    assert!(app.prompt().remix_of.is_none());
    assert_eq!(app.focus(), Focus::Jobs);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "x");
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(
            commands.as_slice(),
            [Effect::Engine(Command::Generate { .. })]
        ),
        "{commands:?}"
    );
}

#[test]
fn c_in_the_downloads_panel_asks_then_cancels_the_newest_running_download() {
    let mut app = app();
    feed(&mut app, progress(video(1), 1000, Some(10_000)));
    feed(&mut app, progress(video(2), 500, Some(10_000)));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Focus::Downloads);

    // The first press names the download and sends nothing.
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    let asked = notice_text(&app);
    assert!(
        asked.contains("Press c again") && asked.contains(&format!("of {}?", JobKey(2))),
        "{asked}"
    );
    // The second cancels the newest one.
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(2) })]
    );
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(2) });
    assert!(
        notice_text(&app).contains("partial file is kept"),
        "{}",
        notice_text(&app)
    );

    // Now the other one is the newest: it needs its own confirmation.
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Engine(Command::CancelDownload { key: video(1) })]
    );
    feed(&mut app, EngineEvent::DownloadCancelled { key: video(1) });
    assert!(press(&mut app, KeyCode::Char('c')).is_empty());
    assert!(
        notice_text(&app).contains("nothing to cancel"),
        "{}",
        notice_text(&app)
    );
}

#[test]
fn c_in_the_prompt_is_text_not_a_cancel() {
    let mut app = app();
    feed(&mut app, progress(video(1), 1000, Some(10_000)));
    assert_eq!(app.focus(), Focus::Prompt);
    type_text(&mut app, "cc");
    assert_eq!(app.prompt().text(), "cc");
}

#[test]
fn a_pasted_multi_line_prompt_is_one_prompt_and_one_job() {
    let mut app = app();
    app.update(sora_tui::app::Msg::Paste(
        "a fox\r\nin the snow\nat dawn\n".into(),
    ));
    assert_eq!(
        app.prompt().text(),
        "a fox\nin the snow\nat dawn\n",
        "each line break (CRLF too) is a line of the prompt, not an Enter"
    );
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "a fox\nin the snow\nat dawn"),
        "{commands:?}"
    );
}

#[test]
fn lines_arriving_as_enter_presses_start_one_job_and_ask_before_the_next() {
    // A terminal without bracketed paste types pasted lines, each line break an Enter.
    let mut app = app();
    let mut sent = Vec::new();
    for line in ["a fox", "in the snow", "at dawn"] {
        for c in line.chars() {
            sent.extend(press(&mut app, KeyCode::Char(c)));
        }
        sent.extend(press(&mut app, KeyCode::Enter));
    }
    assert_eq!(sent.len(), 1, "one job, not one per line: {sent:?}");
    assert_shows(
        &render(&app, 160, 40),
        "Send \"in the snow\" as another paid job",
    );
    // Read, then decline: nothing more is sent, and the line waits in the prompt.
    assert!(answer(&mut app, KeyCode::Char('n')).is_empty());
    assert_eq!(app.prompt().text(), "in the snow");
    assert_eq!(app.jobs().rows.len(), 1);
    // A deliberate Enter later is a new job as usual.
    let commands = press(&mut app, KeyCode::Enter);
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.prompt == "in the snow"),
        "{commands:?}"
    );
}

#[test]
fn more_than_one_variant_asks_first_and_only_y_sends() {
    let mut app = app();
    press(&mut app, KeyCode::F(4));
    assert_eq!(app.prompt().variants, 2);
    type_text(&mut app, "two foxes");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "asks first");
    assert_shows(
        &render(&app, 160, 40),
        "Generate 2 paid videos (2 variants of 5 s at 480x480, estimated $1.00)?",
    );
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter is the safe answer"
    );
    assert_eq!(app.prompt().text(), "two foxes", "the prompt is kept");
    assert!(app.jobs().rows.is_empty(), "no job");

    press(&mut app, KeyCode::Enter);
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(commands.as_slice(), [Effect::Engine(Command::Generate { request, .. })] if request.variants == 2),
        "{commands:?}"
    );
    assert_eq!(app.prompt().text(), "", "sent: the prompt is cleared");
}

#[test]
fn x_on_a_job_asks_then_only_y_cancels_and_deletes_it_on_its_service() {
    use sora_core::engine::Command;
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a red fox");
    press(&mut app, KeyCode::Tab); // the jobs panel
    assert!(
        press(&mut app, KeyCode::Char('x')).is_empty(),
        "nothing before the answer"
    );
    let question = render(&app, 120, 40);
    assert!(
        question.contains("delete job task_01jv8example"),
        "{question}"
    );
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter is the safe answer"
    );
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::DeleteJob {
            key: sora_core::engine::JobKey(1)
        })]
    );
}
