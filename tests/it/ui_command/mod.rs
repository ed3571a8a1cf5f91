//! The `:` command line: the headless verbs in the dashboard (no journal lock in the way), with
//! Tab completion, and the same question before anything is deleted or paid for. The verbs on
//! jobs are in `jobs`, those on storage in `storage`.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey, StorageOp};
use sora_core::providers::ContentVariant;
use sora_tui::app::{App, Effect, Modal};
use support::*;

mod jobs;
mod storage;

/// `:` from the jobs panel, `text`, Enter: what the line sends.
fn command_line(app: &mut App, text: &str) -> Vec<Effect> {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char(':'));
    type_text(app, text);
    press(app, KeyCode::Enter)
}

/// `:` and `text`, then Tab: the field as completed.
fn complete(app: &mut App, text: &str) -> String {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char(':'));
    type_text(app, text);
    press(app, KeyCode::Tab);
    field(app)
}

fn field(app: &App) -> String {
    match app.modal() {
        Some(Modal::Input { input, .. }) => input.value().to_string(),
        other => panic!("no text field open: {other:?}"),
    }
}

#[test]
fn download_id_fetches_the_jobs_video_in_a_row_of_its_own() {
    let mut app = app();
    let effects = command_line(&mut app, "download task_42");
    let [
        Effect::Engine(Command::Fetch {
            key,
            job_id,
            variants,
            ..
        }),
    ] = effects.as_slice()
    else {
        panic!("one fetch: {effects:?}");
    };
    assert_eq!(
        (job_id.as_str(), variants.as_slice()),
        ("task_42", &[ContentVariant::Video][..])
    );
    assert_eq!(*key, JobKey(1));
    let screen = render(&app, 120, 40);
    assert!(screen.contains("download task_42"), "{screen}");
    assert!(screen.contains("nothing new is generated"), "{screen}");
}

#[test]
fn tab_completes_the_verb_and_then_the_bucket() {
    let mut app = app();
    app.init();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![
            bucket("output-videos", true),
            bucket("input-images", false),
        ])),
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "dow");
    press(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), "download ");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "rm ou");
    press(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), "rm output-videos/");
}

#[test]
fn rm_asks_and_only_y_deletes() {
    let mut app = app();
    assert!(
        command_line(&mut app, "rm videos/fox.mp4").is_empty(),
        "nothing before the answer"
    );
    assert!(render(&app, 120, 40).contains("Delete videos/fox.mp4?"));
    assert!(answer(&mut app, KeyCode::Enter).is_empty(), "Enter says no");
    command_line(&mut app, "rm videos/fox.mp4");
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(StorageOp::DeleteObjects {
            bucket: "videos".into(),
            paths: vec!["fox.mp4".into()],
        }))]
    );
}

#[test]
fn upload_goes_to_the_output_bucket_under_the_files_name_or_where_it_is_told() {
    let mut app = app();
    let upload = |bucket: &str, object_path: &str| {
        vec![Effect::Engine(Command::Storage(StorageOp::UploadFile {
            path: PathBuf::from("/tmp/clip.mp4"),
            bucket: bucket.into(),
            object_path: object_path.into(),
            upsert: false,
        }))]
    };
    assert_eq!(
        command_line(&mut app, "upload /tmp/clip.mp4"),
        upload("videos", "clip.mp4")
    );
    assert_eq!(
        command_line(&mut app, "upload /tmp/clip.mp4 archive/2026/"),
        upload("archive", "2026/clip.mp4")
    );
    assert_eq!(
        command_line(&mut app, "upload /tmp/clip.mp4 archive/best.mp4"),
        upload("archive", "best.mp4")
    );
}

#[test]
fn a_wrong_command_says_what_exists_and_sends_nothing() {
    let mut app = app();
    assert!(command_line(&mut app, "dowload task_1").is_empty());
    let notice = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(
        notice.contains(":dowload is no command")
            && notice.contains("generate, jobs, status, download, delete, remix"),
        "{notice}"
    );
    assert!(command_line(&mut app, "download").is_empty());
    let notice = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains("Usage: :download ID"), "{notice}");
}

#[test]
fn too_few_or_too_many_words_name_the_usage_and_send_nothing() {
    let mut app = app();
    for (line, usage) in [
        ("ls", "Usage: :ls BUCKET[/PREFIX]"),
        ("cp videos/fox.mp4", "Usage: :cp SRC DST"),
        ("status", "Usage: :status ID"),
        ("generate", "Usage: :generate PROMPT"),
        ("remix task_1", "Usage: :remix ID PROMPT"),
        ("jobs now", "Usage: :jobs"),
        (
            "url videos/fox.mp4 60 more",
            "Usage: :url BUCKET/PATH [SECONDS]",
        ),
    ] {
        assert!(
            command_line(&mut app, line).is_empty(),
            "{line}: nothing sent"
        );
        assert!(app.notice_is_error(), "{line}: an error");
        let notice = notice_text(&app);
        assert!(
            notice.contains(usage) && !notice.contains('\n'),
            "{line}: {notice}"
        );
    }
}

#[test]
fn help_lists_every_verb_with_its_usage_first() {
    let mut app = app();
    assert!(command_line(&mut app, "help").is_empty());
    assert!(app.help_visible() && app.help_commands_first());
    let screen = render(&app, 100, 50);
    assert_shows(&screen, "Command line (: opens it, Tab completes)");
    for verb in sora_tui::app::command_line::VERBS {
        assert_shows(&screen, &verb.usage());
        assert_shows(&screen, verb.what);
    }
}

#[test]
fn the_help_key_lists_the_verbs_too_after_the_keys() {
    let mut app = app();
    press(&mut app, KeyCode::F(1));
    assert!(app.help_visible() && !app.help_commands_first());
    // Scrolled to the end, page by page: the command line's section is in the overlay.
    let mut seen = String::new();
    for _ in 0..40 {
        seen.push_str(&render(&app, 100, 30));
        press(&mut app, KeyCode::PageDown);
    }
    assert_shows(&seen, "Command line (: opens it, Tab completes)");
    assert_shows(&seen, ":cp SRC DST");
}

#[test]
fn the_fields_title_shows_the_usage_of_the_verb_being_typed() {
    let mut app = app();
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    assert_shows(&render(&app, 120, 30), ":help lists every verb");
    type_text(&mut app, "ur");
    assert_shows(&render(&app, 120, 30), ":url BUCKET/PATH [SECONDS]");
    type_text(&mut app, "l videos/");
    assert_shows(&render(&app, 120, 30), ":url BUCKET/PATH [SECONDS]");
}
