//! The bucket browser in the dashboard: `App::update` with keys and engine events (paging as the
//! selection nears the end, stale pages dropped, confirmation before destroying, the start-up
//! bucket check, overwrite offer on 409), and `TestBackend` renders (breadcrumb, details, modal).

use crate::ui_support as support;

use crossterm::event::KeyCode;
use sora_core::engine::{Command, EngineEvent, ListQuery, StorageFailure, StorageOp};
use sora_tui::app::{Effect, Focus};
use support::*;

fn open_big_folder(count: usize) -> sora_tui::app::App {
    open_big_folder_in(app(), count)
}

fn open_big_folder_in(mut app: sora_tui::app::App, count: usize) -> sora_tui::app::App {
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    let page: Vec<_> = (0..count)
        .map(|i| {
            object(
                &format!("obj-{i:06}.mp4"),
                1000 + i as u64,
                "2026-05-01T12:00:00Z",
            )
        })
        .collect();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(page),
        },
    );
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    app
}

#[test]
fn scrolling_near_the_end_asks_for_the_next_page_once() {
    let mut app = open_big_folder(100);
    assert!(app.buckets().more, "a full page means more may follow");
    assert!(
        press(&mut app, KeyCode::Down).is_empty(),
        "far from the end"
    );
    let commands = press(&mut app, KeyCode::PageDown);
    let commands = [commands, press(&mut app, KeyCode::PageDown)].concat();
    let commands = [commands, press(&mut app, KeyCode::PageDown)].concat();
    let commands = [commands, press(&mut app, KeyCode::PageDown)].concat();
    let pages: Vec<&ListQuery> = commands
        .iter()
        .filter_map(|c| match c {
            Effect::Engine(Command::ListObjects { query, .. }) => Some(query),
            _ => None,
        })
        .collect();
    assert_eq!(pages.len(), 1, "{commands:?}");
    assert_eq!(pages[0].offset, 100);
    // The answer appends; a repeat of it (stale) is dropped.
    let query = pages[0].clone();
    let next: Vec<_> = (100..150)
        .map(|i| object(&format!("obj-{i:06}.mp4"), 1, "2026-05-01T12:00:00Z"))
        .collect();
    let event = EngineEvent::ObjectsListed {
        bucket: "videos".into(),
        prefix: String::new(),
        query,
        result: Ok(next),
    };
    feed(&mut app, event.clone());
    assert_eq!(app.buckets().loaded_len(), 150);
    assert!(!app.buckets().more, "a short page is the last");
    feed(&mut app, event);
    assert_eq!(
        app.buckets().loaded_len(),
        150,
        "a repeated page is not appended twice"
    );
}

#[test]
fn a_page_of_a_left_listing_is_dropped() {
    let mut app = open_big_folder(100);
    let old = app.buckets().query.clone();
    press(&mut app, KeyCode::Char('s')); // sort by updated: a new listing
    assert_ne!(app.buckets().query.generation, old.generation);
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query: old,
            result: Ok(vec![object("late.mp4", 1, "2026-05-01T12:00:00Z")]),
        },
    );
    assert!(
        app.buckets().objects.loaded().is_none(),
        "still loading the new listing"
    );
}

#[test]
fn deleting_asks_first_and_only_yes_sends() {
    let mut app = open_big_folder(3);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    assert!(app.modal().is_some(), "a question is shown");
    assert!(answer(&mut app, KeyCode::Char('n')).is_empty());
    assert!(app.modal().is_none());
    press(&mut app, KeyCode::Char('x'));
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert_eq!(
        commands,
        vec![Effect::Engine(Command::Storage(StorageOp::DeleteObjects {
            bucket: "videos".into(),
            paths: vec!["obj-000000.mp4".into()],
        }))]
    );
}

#[test]
fn copied_urls_go_to_the_clipboard_and_never_to_the_engine() {
    let mut settings = support::settings();
    settings.supabase_url = Some(url::Url::parse("https://proj.supabase.co").expect("url"));
    let mut start = sora_tui::app::App::new(settings);
    start.update(sora_tui::app::Msg::Clock(at(0.0)));
    let mut app = open_big_folder_in(start, 3);
    let url = "https://proj.supabase.co/storage/v1/object/public/videos/obj-000000.mp4";
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Clipboard(url.into())]
    );
    // A signed URL the engine made is copied when it arrives.
    let op = StorageOp::SignUrl {
        bucket: "videos".into(),
        object_path: "obj-000000.mp4".into(),
        expires_in: 3600,
    };
    let signed = "https://proj.supabase.co/storage/v1/object/sign/videos/obj-000000.mp4?token=t";
    let effects = feed(
        &mut app,
        EngineEvent::Storage {
            op,
            result: Ok(sora_core::engine::StorageDone {
                message: "signed".into(),
                url: Some(signed.into()),
                totals: None,
            }),
        },
    );
    assert_eq!(effects, vec![Effect::Clipboard(signed.into())]);
}

#[test]
fn server_search_and_rename_use_a_text_field() {
    let mut app = open_big_folder(3);
    press(&mut app, KeyCode::Char('S'));
    press(&mut app, KeyCode::Char('o'));
    let commands = without_generation(press(&mut app, KeyCode::Enter));
    assert!(
        matches!(&commands[..], [Effect::Engine(Command::ListObjects { query, .. })] if query.search == "o")
    );

    let mut app = open_big_folder(3);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    for c in ".bin".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::Engine(Command::Storage(StorageOp::MoveObject {
            bucket: "videos".into(),
            from: "obj-000000.mp4".into(),
            to: "obj-000000.bin".into(),
        }))]
    );
}

#[test]
fn missing_or_private_configured_buckets_are_reported_with_a_fix() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", false)])),
    );
    let text = app.notice().map(|n| n.text.clone()).unwrap_or_default();
    assert!(text.contains("'input-images' is missing"), "{text}");
    assert!(text.contains("'videos' is private"), "{text}");
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    let commands = press(&mut app, KeyCode::Char('f'));
    assert!(commands.is_empty(), "asks first");
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![
            Effect::Engine(Command::Storage(StorageOp::CreateBucket {
                name: "input-images".into(),
                public: true
            })),
            Effect::Engine(Command::Storage(StorageOp::SetBucketPublic {
                bucket: "videos".into(),
                public: true
            })),
        ]
    );
}

#[test]
fn a_bucket_made_private_later_is_fixable_with_f() {
    let mut app = app();
    let both = |videos_public| {
        EngineEvent::BucketsListed(Ok(vec![
            bucket("input-images", true),
            bucket("videos", videos_public),
        ]))
    };
    feed(&mut app, both(true));
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Char('f'));
    assert!(app.modal().is_none(), "all fine at first: nothing to ask");

    // Made private (from the dashboard or elsewhere), then the list is fetched again.
    feed(&mut app, both(false));
    assert_shows(&render(&app, 160, 50), "'videos' is private");
    assert!(press(&mut app, KeyCode::Char('f')).is_empty(), "asks first");
    assert_shows(&render(&app, 160, 50), "make videos public");
    assert!(answer(&mut app, KeyCode::Enter).is_empty(), "Enter is no");
    press(&mut app, KeyCode::Char('f'));
    assert_shows(&render(&app, 160, 50), "make videos public");
    assert_eq!(
        answer(&mut app, KeyCode::Char('y')),
        vec![Effect::Engine(Command::Storage(
            StorageOp::SetBucketPublic {
                bucket: "videos".into(),
                public: true
            }
        ))]
    );
}

#[test]
fn an_upload_conflict_offers_to_overwrite() {
    let mut app = open_big_folder(1);
    let op = StorageOp::UploadFile {
        path: "/tmp/a.mp4".into(),
        bucket: "videos".into(),
        object_path: "a.mp4".into(),
        upsert: false,
    };
    let failure = StorageFailure {
        conflict: true,
        ..StorageFailure::plain("409 KeyAlreadyExists: The resource already exists")
    };
    feed(
        &mut app,
        EngineEvent::Storage {
            op,
            result: Err(failure),
        },
    );
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(matches!(
        &commands[..],
        [Effect::Engine(Command::Storage(StorageOp::UploadFile {
            upsert: true,
            ..
        }))]
    ));
}

#[test]
fn the_view_shows_breadcrumb_details_and_modal() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![folder("sora")]),
        },
    );
    press(&mut app, KeyCode::Enter);
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: "sora".into(),
            query,
            result: Ok(vec![object(
                "fox.mp4",
                3 * 1024 * 1024,
                "2026-05-01T12:34:56.789Z",
            )]),
        },
    );
    let screen = render(&app, 160, 50);
    assert!(screen.contains("videos › sora"), "{screen}");
    assert!(screen.contains("fox.mp4"), "{screen}");
    assert!(screen.contains("eTag"), "details pane: {screen}");
    assert!(screen.contains("by name ↑"), "{screen}");
    press(&mut app, KeyCode::Char('x'));
    let screen = render(&app, 160, 50);
    assert!(screen.contains("Delete videos/sora/fox.mp4?"), "{screen}");
    assert!(screen.contains("keys are ignored for a moment"), "{screen}");
    wait(&mut app, 1.0);
    let screen = render(&app, 160, 50);
    assert!(
        screen.contains("y yes · n/Esc/Enter no (nothing changes)"),
        "{screen}"
    );
}

#[test]
fn enter_on_a_delete_question_deletes_nothing() {
    let mut app = open_big_folder(3);
    press(&mut app, KeyCode::Char('x'));
    assert!(
        answer(&mut app, KeyCode::Enter).is_empty(),
        "Enter is the safe answer"
    );
    assert!(app.modal().is_none(), "answered: no");
    assert_shows(&render(&app, 160, 50), "nothing was changed");
    // Other keys neither answer nor reach the objects below.
    press(&mut app, KeyCode::Char('x'));
    wait(&mut app, 1.0);
    assert!(press(&mut app, KeyCode::Down).is_empty());
    assert!(press(&mut app, KeyCode::Char('d')).is_empty());
    assert_eq!(
        app.buckets().selected_object,
        0,
        "the selection did not move"
    );
    assert!(app.modal().is_some(), "still asking");
}

fn upload_conflict() -> EngineEvent {
    EngineEvent::Storage {
        op: StorageOp::UploadFile {
            path: "/tmp/a.mp4".into(),
            bucket: "videos".into(),
            object_path: "obj-000000.mp4".into(),
            upsert: false,
        },
        result: Err(StorageFailure {
            conflict: true,
            ..StorageFailure::plain("409 KeyAlreadyExists: The resource already exists")
        }),
    }
}

#[test]
fn a_question_raised_by_a_server_answer_takes_no_key_typed_before_it_was_read() {
    let mut app = open_big_folder(1);
    // The user has moved on to the prompt; the upload's 409 arrives while they type.
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "a fox");
    feed(&mut app, upload_conflict());
    assert!(app.modal().is_some(), "the overwrite question is up");
    let mut sent = Vec::new();
    for code in [
        KeyCode::Char('y'),
        KeyCode::Char('e'),
        KeyCode::Char('s'),
        KeyCode::Enter,
    ] {
        wait(&mut app, 0.1);
        sent.extend(press(&mut app, code));
    }
    wait(&mut app, 0.1);
    sent.extend(app.update(sora_tui::app::Msg::Paste("y".into())));
    assert!(sent.is_empty(), "typing is no answer: {sent:?}");
    assert!(app.modal().is_some(), "the question is still open");
    assert_eq!(app.prompt().text(), "a fox", "no key reached the prompt");
    // Half a second after the last key is still typing, not reading.
    wait(&mut app, 0.5);
    assert!(press(&mut app, KeyCode::Char('y')).is_empty());
    // Once the keyboard rested, y answers.
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(
            &commands[..],
            [Effect::Engine(Command::Storage(StorageOp::UploadFile {
                upsert: true,
                ..
            }))]
        ),
        "{commands:?}"
    );
}

#[test]
fn a_question_that_comes_up_while_a_text_field_is_open_waits_its_turn() {
    let mut app = open_big_folder(1);
    press(&mut app, KeyCode::Char('m'));
    feed(&mut app, upload_conflict());
    assert!(
        matches!(app.modal(), Some(sora_tui::app::Modal::Input { .. })),
        "the rename field stays open"
    );
    press(&mut app, KeyCode::Esc);
    assert!(
        matches!(app.modal(), Some(sora_tui::app::Modal::Confirm(_))),
        "then the question shows"
    );
    let commands = answer(&mut app, KeyCode::Char('y'));
    assert!(matches!(
        &commands[..],
        [Effect::Engine(Command::Storage(StorageOp::UploadFile {
            upsert: true,
            ..
        }))]
    ));
}

#[test]
fn object_names_with_escape_sequences_show_them_in_the_table_and_the_question() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![object(
                "fox\u{1b}[2J.mp4",
                1024,
                "2026-05-01T12:00:00Z",
            )]),
        },
    );
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let screen = render(&app, 160, 50);
    assert!(screen.contains(r"fox\x1b[2J.mp4"), "{screen}");
    press(&mut app, KeyCode::Char('x'));
    let screen = render(&app, 160, 50);
    assert!(
        screen.contains(r"Delete videos/fox\x1b[2J.mp4?"),
        "{screen}"
    );
}

#[test]
fn long_names_keep_their_extension_folders_are_marked_and_a_url_stays_with_its_object() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", false)])),
    );
    while app.focus() != Focus::Buckets {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Right);
    let long = format!("a-very-long-video-name-{}-final.mp4", "x".repeat(80));
    let query = app.buckets().query.clone();
    feed(
        &mut app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(vec![
                folder("drafts"),
                object(&long, 1024, "2026-05-01T12:00:00Z"),
                object("short.mp4", 2048, "2026-05-01T12:00:00Z"),
            ]),
        },
    );
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("-final.mp4"),
        "the extension survives: {screen}"
    );
    assert!(
        screen.contains("a-very-long"),
        "and so does the start: {screen}"
    );
    assert!(screen.contains("drafts/"), "{screen}");

    // A signed URL made for the long-named file is shown beside it, not beside another object.
    press(&mut app, KeyCode::Down);
    feed(
        &mut app,
        EngineEvent::Storage {
            op: StorageOp::SignUrl {
                bucket: "videos".into(),
                object_path: long.clone(),
                expires_in: 60,
            },
            result: Ok(sora_core::engine::StorageDone {
                message: "signed".into(),
                url: Some("https://p.example/sign/long?token=t".into()),
                totals: None,
            }),
        },
    );
    let screen = render(&app, 160, 90);
    assert!(screen.contains("last URL"), "{screen}");
    press(&mut app, KeyCode::Down);
    let screen = render(&app, 160, 90);
    assert!(
        screen.contains("short.mp4") && !screen.contains("last URL"),
        "{screen}"
    );
}
