//! The bucket browser's folder actions and its notices, through `App::update`: a fresh
//! project's warnings, one notice for the two buckets `f` creates, a download onto an existing
//! file asked first, a folder counted before it is deleted, copy and move of files and folders
//! to another bucket with a question, folder totals, and Studio's folder marker hidden.

use crate::ui_support as support;

use crossterm::event::KeyCode;
use sora_core::engine::{AfterCount, Command, EngineEvent, StorageDone, StorageFailure, StorageOp};
use sora_core::storage::{ObjectEntry, Totals, Transfer};
use sora_tui::app::{App, Effect, Focus, Modal};
use support::*;

/// Buckets `videos` and `archive`, `videos` listed with a folder `sora` and a file, the
/// objects pane focused on the first entry (the folder).
fn browsing() -> App {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![
            bucket("input-images", true),
            bucket("videos", true),
            bucket("archive", false),
        ])),
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![
                folder("sora"),
                object("clip.mp4", 1000, "2026-05-01T12:00:00Z"),
            ]),
        },
    );
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    app
}

fn notice(app: &App) -> String {
    app.notice().map(|n| n.text.clone()).unwrap_or_default()
}

fn question(app: &App) -> String {
    match app.modal() {
        Some(Modal::Confirm(q)) => q.text.clone(),
        other => panic!("no question open: {other:?}"),
    }
}

/// Replace the open text field's value.
fn retype(app: &mut App, text: &str) {
    for _ in 0..80 {
        press(app, KeyCode::Backspace);
    }
    type_text(app, text);
}

fn counted(op: StorageOp, objects: u64, bytes: u64) -> EngineEvent {
    EngineEvent::Storage {
        op,
        result: Ok(StorageDone {
            message: "counted".into(),
            url: None,
            totals: Some(Totals {
                objects,
                bytes,
                folders: 1,
            }),
        }),
    }
}

#[test]
fn a_fresh_project_keeps_the_fix_in_sight() {
    let mut app = app();
    feed(&mut app, EngineEvent::BucketsListed(Ok(Vec::new())));
    let text = notice(&app);
    assert!(text.contains("Storage has no bucket yet"), "{text}");
    assert!(
        text.contains("'input-images' is missing")
            && text.contains("'videos' is missing")
            && text.contains("press f"),
        "the fix is still said: {text}"
    );
}

#[test]
fn the_two_buckets_f_creates_are_both_reported() {
    let mut app = app();
    feed(&mut app, EngineEvent::BucketsListed(Ok(Vec::new())));
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char('f'));
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert_eq!(commands.len(), 2, "{commands:?}");
    for command in commands {
        let Effect::Engine(Command::Storage(op)) = command else {
            panic!("{command:?}")
        };
        let StorageOp::CreateBucket { name, .. } = &op else {
            panic!("{op:?}")
        };
        let message = format!("created public bucket {name}");
        feed(
            &mut app,
            EngineEvent::Storage {
                op,
                result: Ok(StorageDone {
                    message,
                    url: None,
                    totals: None,
                }),
            },
        );
    }
    let text = notice(&app);
    assert!(
        text.contains("created public bucket input-images")
            && text.contains("created public bucket videos"),
        "{text}"
    );
}

#[test]
fn a_download_onto_an_existing_file_is_asked_and_needs_y() {
    let mut app = browsing();
    let op = StorageOp::DownloadObject {
        bucket: "videos".into(),
        object_path: "clip.mp4".into(),
        out: "/tmp/clip.mp4".into(),
        overwrite: false,
    };
    let exists = EngineEvent::Storage {
        op,
        result: Err(StorageFailure {
            conflict: true,
            ..StorageFailure::plain("/tmp/clip.mp4 exists and was left as it is")
        }),
    };
    feed(&mut app, exists.clone());
    assert!(
        question(&app).contains("/tmp/clip.mp4 exists"),
        "{}",
        question(&app)
    );
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter keeps the file"
    );
    assert!(app.modal().is_none());
    feed(&mut app, exists);
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(
            StorageOp::DownloadObject {
                bucket: "videos".into(),
                object_path: "clip.mp4".into(),
                out: "/tmp/clip.mp4".into(),
                overwrite: true,
            }
        ))]
    );
}

#[test]
fn a_folder_is_counted_then_asked_before_it_is_deleted() {
    let mut app = browsing();
    let commands = press(&mut app, KeyCode::Char('x'));
    let count = StorageOp::CountFolder {
        bucket: "videos".into(),
        prefix: "sora".into(),
        then: AfterCount::Delete,
    };
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Storage(count.clone()))]
    );
    assert!(app.modal().is_none(), "nothing to answer before the count");
    feed(&mut app, counted(count, 1204, 3_328_599_654));
    let text = question(&app);
    assert!(
        text.contains("Delete folder videos/sora") && text.contains("1,204 objects, 3.1 GiB"),
        "{text}"
    );
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(StorageOp::DeleteFolder {
            bucket: "videos".into(),
            prefix: "sora".into(),
        }))]
    );
}

#[test]
fn a_folder_moves_to_another_bucket_after_its_count_and_a_yes() {
    let mut app = browsing();
    press(&mut app, KeyCode::Char('m'));
    match app.modal() {
        Some(Modal::Input { input, .. }) => assert_eq!(input.value(), "videos/sora"),
        other => panic!("no text field: {other:?}"),
    }
    retype(&mut app, "archive/old");
    let commands = press(&mut app, KeyCode::Enter);
    let count = StorageOp::CountFolder {
        bucket: "videos".into(),
        prefix: "sora".into(),
        then: AfterCount::Transfer {
            kind: Transfer::Move,
            to_bucket: "archive".into(),
            to: "old".into(),
        },
    };
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Storage(count.clone()))]
    );
    feed(&mut app, counted(count, 3, 300));
    let text = question(&app);
    assert!(
        text.contains("Move folder videos/sora (3 objects, 300 B in 1 folder) to archive/old"),
        "{text}"
    );
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(StorageOp::Transfer {
            kind: Transfer::Move,
            bucket: "videos".into(),
            from: "sora".into(),
            to_bucket: "archive".into(),
            to: "old".into(),
            folder: true,
            upsert: false,
        }))]
    );
}

#[test]
fn a_file_copied_to_another_bucket_is_asked_and_a_conflict_offers_to_overwrite() {
    let mut app = browsing();
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Char('K'));
    retype(&mut app, "archive/");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "asked first");
    assert!(
        question(&app).contains("Copy videos/clip.mp4 to archive/clip.mp4"),
        "{}",
        question(&app)
    );
    let copy = StorageOp::Transfer {
        kind: Transfer::Copy,
        bucket: "videos".into(),
        from: "clip.mp4".into(),
        to_bucket: "archive".into(),
        to: "clip.mp4".into(),
        folder: false,
        upsert: false,
    };
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(copy.clone()))]
    );
    feed(
        &mut app,
        EngineEvent::Storage {
            op: copy,
            result: Err(StorageFailure {
                conflict: true,
                ..StorageFailure::plain("409 KeyAlreadyExists: The resource already exists")
            }),
        },
    );
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(
            &commands[..],
            [Effect::Engine(Command::Storage(StorageOp::Transfer {
                upsert: true,
                ..
            }))]
        ),
        "{commands:?}"
    );
    // A rename within the bucket stays one step.
    press(&mut app, KeyCode::Char('m'));
    retype(&mut app, "videos/renamed.mp4");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::Engine(Command::Storage(StorageOp::MoveObject {
            bucket: "videos".into(),
            from: "clip.mp4".into(),
            to: "renamed.mp4".into(),
        }))]
    );
}

#[test]
fn t_counts_the_selected_folder_or_the_one_on_screen() {
    let mut app = browsing();
    let count = StorageOp::CountFolder {
        bucket: "videos".into(),
        prefix: "sora".into(),
        then: AfterCount::Show,
    };
    assert_eq!(
        press(&mut app, KeyCode::Char('t')),
        vec![Effect::Engine(Command::Storage(count.clone()))]
    );
    feed(
        &mut app,
        EngineEvent::Storage {
            op: count,
            result: Ok(StorageDone {
                message: "videos/sora holds 12 objects, 1.0 MiB".into(),
                url: None,
                totals: None,
            }),
        },
    );
    assert_eq!(notice(&app), "videos/sora holds 12 objects, 1.0 MiB");
    press(&mut app, KeyCode::Down);
    assert!(matches!(
        &press(&mut app, KeyCode::Char('t'))[..],
        [Effect::Engine(Command::Storage(StorageOp::CountFolder { prefix, .. }))] if prefix.is_empty()
    ));
}

#[test]
fn studios_folder_marker_is_hidden_and_paging_stays_aligned() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    let marker = ObjectEntry {
        name: ".emptyFolderPlaceholder".into(),
        ..object("x", 0, "2026-05-01T12:00:00Z")
    };
    let mut page = vec![marker];
    page.extend((0..99).map(|i| object(&format!("obj-{i:03}.mp4"), 1, "2026-05-01T12:00:00Z")));
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(page),
        },
    );
    assert_eq!(app.buckets().loaded_len(), 99, "the marker is not listed");
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let pages: Vec<u32> = press(&mut app, KeyCode::End)
        .into_iter()
        .filter_map(|c| match c {
            Effect::Engine(Command::ListObjects { query, .. }) => Some(query.offset),
            _ => None,
        })
        .collect();
    assert_eq!(
        pages,
        vec![100],
        "the next page starts after the 100 entries the server sent"
    );
    let screen = render(&app, 160, 50);
    assert_hides(&screen, ".emptyFolderPlaceholder");
}
