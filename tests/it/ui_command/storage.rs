//! The command line's verbs on storage: `:ls` opens the bucket browser there, `:du` counts,
//! `:get` downloads, `:url` signs and copies, `:cp`/`:mv` copy and move (asked as the browser
//! asks), `:rm` of a folder counts before asking; Tab on folders.

use super::{command_line, complete, support};

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::engine::{AfterCount, Command, EngineEvent, StorageDone, StorageOp};
use sora_core::storage::Transfer;
use sora_tui::app::{App, Effect, Focus, Modal};
use support::*;

/// A dashboard whose bucket list is loaded: `videos` and `archive`.
fn with_buckets() -> App {
    let mut app = app();
    app.init();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true), bucket("archive", false)])),
    );
    app
}

fn storage(op: StorageOp) -> Vec<Effect> {
    vec![Effect::Engine(Command::Storage(op))]
}

fn question(app: &App) -> String {
    match app.modal() {
        Some(Modal::Confirm(q)) => q.text.clone(),
        other => panic!("no question: {other:?}"),
    }
}

#[test]
fn ls_opens_the_bucket_browser_on_that_folder() {
    let mut app = with_buckets();
    let effects = without_generation(command_line(&mut app, "ls archive/2026/"));
    assert_eq!(
        effects,
        vec![Effect::Engine(Command::ListObjects {
            bucket: "archive".into(),
            prefix: "2026".into(),
            query: first_page(),
        })]
    );
    assert_eq!(app.focus(), Focus::Buckets);
    assert_eq!(app.buckets().selected_bucket_name(), Some("archive"));
    // A bucket that is not in the list is refused before anything is asked of the server.
    assert!(command_line(&mut app, "ls nowhere").is_empty());
    let notice = notice_text(&app);
    assert!(
        notice.contains("nowhere: no such bucket (there are videos, archive)"),
        "{notice}"
    );
}

#[test]
fn du_counts_the_folder_as_t_does() {
    let mut app = with_buckets();
    assert_eq!(
        command_line(&mut app, "du videos/2026"),
        storage(StorageOp::CountFolder {
            bucket: "videos".into(),
            prefix: "2026".into(),
            then: AfterCount::Show,
        })
    );
}

#[test]
fn get_downloads_the_object_to_the_download_folder_or_where_it_is_told() {
    let mut app = with_buckets();
    let download = |out: PathBuf| {
        storage(StorageOp::DownloadObject {
            bucket: "videos".into(),
            object_path: "2026/fox.mp4".into(),
            out,
            overwrite: false,
        })
    };
    let dir = app.settings().download_dir.clone();
    assert_eq!(
        command_line(&mut app, "get videos/2026/fox.mp4"),
        download(dir.join("fox.mp4"))
    );
    assert_eq!(
        command_line(&mut app, "get videos/2026/fox.mp4 /tmp/clips/"),
        download(PathBuf::from("/tmp/clips/fox.mp4"))
    );
    assert_eq!(
        command_line(&mut app, "get videos/2026/fox.mp4 /tmp/best.mp4"),
        download(PathBuf::from("/tmp/best.mp4"))
    );
    assert!(command_line(&mut app, "get videos/../etc/passwd").is_empty());
    assert!(command_line(&mut app, "get videos").is_empty());
    assert!(notice_text(&app).contains("usage: :get BUCKET/PATH [DEST]"));
}

#[test]
fn url_signs_and_copies_as_the_signed_url_key_does() {
    let mut app = with_buckets();
    let sign = |expires_in| {
        storage(StorageOp::SignUrl {
            bucket: "archive".into(),
            object_path: "fox.mp4".into(),
            expires_in,
        })
    };
    assert_eq!(command_line(&mut app, "url archive/fox.mp4"), sign(3600));
    assert_eq!(command_line(&mut app, "url archive/fox.mp4 60"), sign(60));
    let url = "https://example.supabase.co/storage/v1/object/sign/archive/fox.mp4?token=t";
    let effects = feed(
        &mut app,
        EngineEvent::Storage {
            op: StorageOp::SignUrl {
                bucket: "archive".into(),
                object_path: "fox.mp4".into(),
                expires_in: 60,
            },
            result: Ok(StorageDone {
                message: "signed".into(),
                url: Some(url.into()),
                totals: None,
            }),
        },
    );
    assert_eq!(effects, vec![Effect::Clipboard(url.into())]);
    assert!(command_line(&mut app, "url archive/fox.mp4 soon").is_empty());
    let notice = notice_text(&app);
    assert!(
        notice.contains("`soon` is not a number of seconds")
            && notice.contains("usage: :url BUCKET/PATH [SECONDS]"),
        "{notice}"
    );
}

#[test]
fn cp_asks_and_only_y_copies() {
    let mut app = with_buckets();
    assert!(command_line(&mut app, "cp videos/fox.mp4 archive/").is_empty());
    assert_eq!(question(&app), "Copy videos/fox.mp4 to archive/fox.mp4?");
    assert!(answer(&mut app, KeyCode::Enter).is_empty(), "Enter says no");
    command_line(&mut app, "cp videos/fox.mp4 archive/best.mp4");
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        storage(StorageOp::Transfer {
            kind: Transfer::Copy,
            bucket: "videos".into(),
            from: "fox.mp4".into(),
            to_bucket: "archive".into(),
            to: "best.mp4".into(),
            folder: false,
            upsert: false,
        })
    );
}

#[test]
fn mv_renames_within_a_bucket_and_counts_a_folder_before_asking() {
    let mut app = with_buckets();
    // A rename never overwrites: it goes at once, as the browser's rename does.
    assert_eq!(
        command_line(&mut app, "mv videos/fox.mp4 videos/old/fox.mp4"),
        storage(StorageOp::MoveObject {
            bucket: "videos".into(),
            from: "fox.mp4".into(),
            to: "old/fox.mp4".into(),
        })
    );
    assert_eq!(
        command_line(&mut app, "mv videos/2026/ archive"),
        storage(StorageOp::CountFolder {
            bucket: "videos".into(),
            prefix: "2026".into(),
            then: AfterCount::Transfer {
                kind: Transfer::Move,
                to_bucket: "archive".into(),
                to: "2026".into(),
            },
        })
    );
}

#[test]
fn rm_of_a_folder_counts_before_it_asks() {
    let mut app = with_buckets();
    assert_eq!(
        command_line(&mut app, "rm videos/2026/"),
        storage(StorageOp::CountFolder {
            bucket: "videos".into(),
            prefix: "2026".into(),
            then: AfterCount::Delete,
        })
    );
    assert!(app.modal().is_none(), "nothing asked before the count");
}

#[test]
fn tab_completes_folders_for_ls_and_objects_for_get() {
    let mut app = with_buckets();
    command_line(&mut app, "ls videos");
    let listing = app.buckets().shown.clone().map(|s| s.bucket);
    assert_eq!(listing.as_deref(), Some("videos"));
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![folder("2026"), object("fox.mp4", 10, "2026-05-01")]),
        },
    );
    assert_eq!(complete(&mut app, "ls videos/2"), "ls videos/2026/");
    assert_eq!(
        complete(&mut app, "ls videos/f"),
        "ls videos/f",
        "no files for ls"
    );
    assert_eq!(complete(&mut app, "get videos/f"), "get videos/fox.mp4");
    assert_eq!(
        complete(&mut app, "cp videos/fox.mp4 ar"),
        "cp videos/fox.mp4 archive/"
    );
}
