//! Bucket view benchmark (docs/BENCHMARKS.md, "Bucket view"):
//! 1. the draw of the dashboard with 100 / 10,000 / 100,000 objects loaded in the open folder
//!    (median of N `TestBackend` draws, selection near the end): the cost must not grow with the
//!    number loaded;
//! 2. "folder opened" → "first page drawn" against the simulator with 100,000 objects in one
//!    folder (median of runs): the engine lists the first page, the app takes the event, one draw.
//!
//! `cargo run --release --example bench_bucket_render`

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sora_core::download::RetrySchedule;
use sora_core::engine::{Command, Engine, EngineEvent, EngineSettings, Services};
use sora_core::storage::{Bucket, ObjectEntry, ObjectMetadata, StorageClient};
use sora_tui::app::{App, AppSettings, Effect, Msg};
use sora_tui::ui::{self, Theme};

const DRAWS: usize = 200;

fn bucket(name: &str) -> Bucket {
    Bucket {
        id: name.into(),
        name: name.into(),
        public: true,
        file_size_limit: None,
        allowed_mime_types: None,
        created_at: None,
        updated_at: None,
        ..Default::default()
    }
}

fn entry(i: usize) -> ObjectEntry {
    ObjectEntry {
        name: format!("obj-{i:06}.mp4"),
        id: Some(format!("id-{i}")),
        updated_at: Some("2026-05-01T12:00:00.000Z".into()),
        created_at: None,
        last_accessed_at: None,
        metadata: Some(ObjectMetadata {
            e_tag: Some("\"abc\"".into()),
            size: Some(1000 + i as u64),
            mimetype: Some("video/mp4".into()),
            cache_control: None,
            last_modified: None,
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn app_with(n: usize) -> App {
    app_with_entries((0..n).map(entry).collect())
}

fn app_with_entries(entries: Vec<ObjectEntry>) -> App {
    let mut settings = AppSettings::azure_sora_defaults("bench");
    settings.output_bucket = "videos".into();
    settings.supabase_url = Some(url::Url::parse("http://127.0.0.1:1").expect("url"));
    let mut app = App::new(settings);
    app.update(Msg::Engine(EngineEvent::BucketsListed(Ok(vec![bucket(
        "videos",
    )]))));
    let query = app.buckets().query.clone();
    app.update(Msg::Engine(EngineEvent::ObjectsListed {
        bucket: "videos".into(),
        prefix: String::new(),
        query,
        result: Ok(entries),
    }));
    // Focus the objects and go near the end, as a user scrolling would.
    for _ in 0..3 {
        app.update(Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Tab,
        )));
    }
    app.update(Msg::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Right,
    )));
    app.update(Msg::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::End,
    )));
    app
}

fn draw_median(app: &App) -> Duration {
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    let mut times = Vec::with_capacity(DRAWS);
    for _ in 0..DRAWS {
        let start = Instant::now();
        terminal.draw(|f| ui::render(app, &theme, f)).expect("draw");
        times.push(start.elapsed());
    }
    median(times)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("## draw of the dashboard, 160x50, median of {DRAWS}");
    let mut base = None;
    for n in [100usize, 10_000, 100_000] {
        let app = app_with(n);
        let m = draw_median(&app);
        let ratio = base.map_or(1.0, |b: Duration| m.as_secs_f64() / b.as_secs_f64());
        base.get_or_insert(m);
        println!("{n:>7} objects loaded: {m:?} (ratio to 100: {ratio:.2})");
    }

    println!("## folder of 100,000 objects: opened -> first page drawn (simulator)");
    let config = sora_sim::SimConfig::default();
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim");
    handle.seed_objects("videos", "big", 100_000);
    let storage = StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&handle.base_url()).expect("url"),
        sora_core::secret::Secret::new(config.supabase_key.clone()),
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let engine = Engine::new(
        Services {
            provider: None,
            storage: Some(storage),
            others: Vec::new(),
        },
        EngineSettings {
            download_dir: std::env::temp_dir(),
            poll_interval: Duration::from_secs(1),
            retry_schedule: RetrySchedule::default(),
            output_bucket: "videos".into(),
            input_bucket: "input-images".into(),
            thumbnails: false,
        },
        tx,
    );
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    let mut times = Vec::new();
    for _ in 0..15 {
        let folder = ObjectEntry {
            name: "big".into(),
            id: None,
            updated_at: None,
            created_at: None,
            last_accessed_at: None,
            metadata: None,
            ..Default::default()
        };
        let mut app = app_with_entries(vec![folder]);
        // Open the folder `big` the way a user does: Enter on it.
        let start = Instant::now();
        let commands = app.update(Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )));
        assert!(
            matches!(&commands[..], [Effect::Engine(Command::ListObjects { .. })]),
            "{commands:?}"
        );
        for effect in commands {
            if let Effect::Engine(command) = effect {
                engine.dispatch(command);
            }
        }
        let event = rx.recv().await.expect("event");
        app.update(Msg::Engine(event));
        terminal
            .draw(|f| ui::render(&app, &theme, f))
            .expect("draw");
        let elapsed = start.elapsed();
        assert_eq!(app.buckets().loaded_len(), 100, "first page shown");
        times.push(elapsed);
    }
    println!(
        "first page drawn: median {:?}, max {:?}",
        median(times.clone()),
        times.iter().max().copied().unwrap_or_default()
    );
    handle.shutdown().await;
}
