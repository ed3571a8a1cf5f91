//! The `:` command line: the headless verbs in the dashboard (no journal lock in the way), with
//! Tab completion, and the same question before anything is deleted.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, JobKey, StorageOp};
use sora_core::providers::ContentVariant;
use sora_tui::app::{App, Effect, Modal};
use support::*;

fn command_line(app: &mut App, text: &str) -> Vec<Effect> {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Char(':'));
    type_text(app, text);
    press(app, KeyCode::Enter)
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
        notice.contains(":dowload is no command") && notice.contains("download, rm, upload"),
        "{notice}"
    );
    assert!(command_line(&mut app, "download").is_empty());
    let notice = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(notice.contains(":download takes ID"), "{notice}");
}
