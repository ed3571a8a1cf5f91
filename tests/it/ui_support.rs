//! Builders shared by the dashboard tests: a pinned clock, key
//! presses, engine events, and a TestBackend render to plain text.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sora_core::download::{Attempt, AttemptOutcome, Report};
use sora_core::engine::{Command, DownloadKey, EngineEvent, JobKey};
use sora_core::providers::{ContentVariant, JobStatus};
use sora_core::storage::{Bucket, ObjectEntry, ObjectMetadata};
use sora_tui::app::{App, AppSettings, Effect, Msg};
use sora_tui::ui::{self, Theme};

pub const VIDEO_URL: &str = "https://sora-test.openai.azure.com/openai/v1/video/generations/gen_01abc/content/video?api-version=preview";

/// `seconds` after a fixed instant (2026-05-01T12:00:00Z).
pub fn at(seconds: f64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_777_636_800) + Duration::from_secs_f64(seconds)
}

pub fn settings() -> AppSettings {
    let mut settings = AppSettings::azure_sora_defaults("Azure OpenAI sora @ eastus2");
    settings.demo = true;
    settings.output_bucket = "videos".to_string();
    settings
}

pub fn app() -> App {
    let mut app = App::new(settings());
    app.update(Msg::Clock(at(0.0)));
    app
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn press_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, modifiers)))
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(
            press(app, KeyCode::Char(c)).is_empty(),
            "typing sends nothing"
        );
    }
}

pub fn feed(app: &mut App, event: EngineEvent) -> Vec<Effect> {
    app.update(Msg::Engine(event))
}

pub fn clock(app: &mut App, seconds: f64) {
    app.update(Msg::Clock(at(seconds)));
}

/// Let `seconds` pass on the app's clock (someone reading a question, typing the next prompt).
pub fn wait(app: &mut App, seconds: f64) {
    let now = app.now() + Duration::from_secs_f64(seconds);
    app.update(Msg::Clock(now));
}

/// Read the open question for a while, then press `code` to answer it.
pub fn answer(app: &mut App, code: KeyCode) -> Vec<Effect> {
    wait(app, 2.0);
    press(app, code)
}

pub fn video(job: u64) -> DownloadKey {
    DownloadKey {
        job: JobKey(job),
        output_id: format!("gen_{job:02}"),
        variant: ContentVariant::Video,
    }
}

pub fn thumbnail(job: u64) -> DownloadKey {
    DownloadKey {
        variant: ContentVariant::Thumbnail,
        ..video(job)
    }
}

pub fn status(key: u64, status: JobStatus, text: &str, seconds: f64) -> EngineEvent {
    EngineEvent::JobStatusChanged {
        key: JobKey(key),
        status,
        status_text: text.to_string(),
        progress: None,
        at: at(seconds),
        expires_at: None,
        notes: Vec::new(),
    }
}

/// A job submitted at 0 s going through every status of the Azure preview API.
pub fn job_through_all_statuses(app: &mut App, key: u64, prompt: &str) {
    feed(
        app,
        EngineEvent::JobSubmitting {
            key: JobKey(key),
            prompt: prompt.to_string(),
            at: at(0.0),
        },
    );
    feed(
        app,
        EngineEvent::JobCreated {
            key: JobKey(key),
            job_id: "task_01jv8example".to_string(),
            at: at(0.3),
        },
    );
    for (s, text, t) in [
        (JobStatus::Preprocessing, "preprocessing", 0.4),
        (JobStatus::Queued, "queued", 1.4),
        (JobStatus::Running, "running", 2.4),
        (JobStatus::Processing, "processing", 3.4),
        (JobStatus::Succeeded, "succeeded", 4.5),
    ] {
        feed(app, status(key, s, text, t));
    }
}

/// An attempt at job #1's video.
pub fn attempt(
    number: u32,
    http_status: Option<u16>,
    outcome: AttemptOutcome,
    bytes: u64,
    started: f64,
    next_retry_in: Option<Duration>,
    detail: &str,
) -> EngineEvent {
    let mut event = attempt_lasting(
        number,
        http_status,
        outcome,
        bytes,
        started,
        Duration::from_millis(120),
        detail,
    );
    if let EngineEvent::Download {
        report: Report::Attempt(a),
        ..
    } = &mut event
    {
        a.next_retry_in = next_retry_in;
    }
    event
}

/// An attempt of the video of job 1 that took `duration` (start and end in different
/// seconds when it is long).
pub fn attempt_lasting(
    number: u32,
    http_status: Option<u16>,
    outcome: AttemptOutcome,
    bytes: u64,
    started: f64,
    duration: Duration,
    detail: &str,
) -> EngineEvent {
    let attempt = Attempt {
        number,
        method: "GET",
        url: VIDEO_URL.to_string(),
        status: http_status,
        bytes,
        started_at: at(started),
        duration,
        outcome,
        detail: detail.to_string(),
        next_retry_in: None,
        request_id: Some("req-1".to_string()),
        headers: Vec::new(),
    };
    EngineEvent::Download {
        key: video(1),
        report: Report::Attempt(attempt),
    }
}

/// `bytes` of `total` of a download are on disk.
pub fn progress(key: DownloadKey, bytes: u64, total: Option<u64>) -> EngineEvent {
    EngineEvent::Download {
        key,
        report: Report::Progress { bytes, total },
    }
}

pub fn finished(app: &mut App, key: DownloadKey, path: &str, bytes: u64) {
    feed(
        app,
        EngineEvent::DownloadFinished {
            key,
            path: PathBuf::from(path),
            bytes,
        },
    );
}

pub fn bucket(name: &str, public: bool) -> Bucket {
    Bucket {
        id: name.to_string(),
        name: name.to_string(),
        public,
        file_size_limit: None,
        allowed_mime_types: None,
        created_at: None,
        updated_at: None,
        ..Default::default()
    }
}

pub fn object(name: &str, size: u64, updated_at: &str) -> ObjectEntry {
    ObjectEntry {
        name: name.to_string(),
        id: Some(format!("id-{name}")),
        updated_at: Some(updated_at.to_string()),
        created_at: None,
        last_accessed_at: None,
        metadata: Some(ObjectMetadata {
            e_tag: None,
            size: Some(size),
            mimetype: Some("video/mp4".to_string()),
            cache_control: None,
            last_modified: None,
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn folder(name: &str) -> ObjectEntry {
    ObjectEntry {
        name: name.to_string(),
        id: None,
        updated_at: None,
        created_at: None,
        last_accessed_at: None,
        metadata: None,
        ..Default::default()
    }
}

/// `objects` as the root of `bucket`, answered to the listing the app asked for.
pub fn objects_listed(app: &mut App, bucket: &str, objects: Vec<ObjectEntry>) {
    let query = app.buckets().query.clone();
    feed(
        app,
        EngineEvent::ObjectsListed {
            bucket: bucket.into(),
            prefix: String::new(),
            query,
            result: Ok(objects),
        },
    );
}

/// The screen as text, one line per terminal row.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| ui::render(app, &Theme::default(), frame))
        .expect("draw");
    screen_text(&terminal)
}

/// [`render`] as the runtime draws: what the frame measured goes back to the state
/// (`Msg::Drawn`), so scrolling keeps within what the views can show.
pub fn draw(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut limits = sora_tui::app::ScrollLimits::default();
    terminal
        .draw(|frame| limits = ui::render_measured(app, &Theme::default(), frame))
        .expect("draw");
    app.update(sora_tui::app::Msg::Drawn(limits));
    screen_text(&terminal)
}

fn screen_text(terminal: &Terminal<TestBackend>) -> String {
    let buffer = terminal.backend().buffer();
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer.cell((x, y)).map_or(" ", |cell| cell.symbol()));
        }
        text.push('\n');
    }
    text
}

/// The notice line's text (empty when there is none).
pub fn notice_text(app: &App) -> String {
    app.notice().map(|n| n.text.clone()).unwrap_or_default()
}

pub fn assert_shows(screen: &str, expected: &str) {
    assert!(
        screen.contains(expected),
        "expected {expected:?} on screen:\n{screen}"
    );
}

pub fn assert_hides(screen: &str, unexpected: &str) {
    assert!(
        !screen.contains(unexpected),
        "did not expect {unexpected:?} on screen:\n{screen}"
    );
}

/// The query of a first page, as tests compare commands (see [`without_generation`]).
pub fn first_page() -> sora_core::engine::ListQuery {
    sora_core::engine::ListQuery::default()
}

/// Listing commands with their generation zeroed: it is a counter, not part of what is asked.
pub fn without_generation(effects: Vec<Effect>) -> Vec<Effect> {
    effects
        .into_iter()
        .map(|e| match e {
            Effect::Engine(Command::ListObjects {
                bucket,
                prefix,
                mut query,
            }) => {
                query.generation = 0;
                Effect::Engine(Command::ListObjects {
                    bucket,
                    prefix,
                    query,
                })
            }
            other => other,
        })
        .collect()
}
