//! Uploads and the bucket browser: `u` and its retry, which bucket opens, listings after an upload,
//! stale listings dropped, folders opened and left.

use super::*;

#[test]
fn init_asks_for_the_bucket_list() {
    let mut app = app();
    assert_eq!(app.init(), vec![Effect::Engine(Command::ListBuckets)]);
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
