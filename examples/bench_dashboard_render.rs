//! Dashboard frame benchmark (docs/BENCHMARKS.md, "Dashboard frame"): the whole dashboard drawn
//! into a 200x60 `TestBackend` with 10 / 1,000 / 10,000 jobs in the timeline, 10 / 10,000
//! attempt-log lines and 100,000 listed objects; median and p99 of the draws. The cost must stay
//! flat in list length (only the visible window is drawn).
//!
//! `cargo run --release --example bench_dashboard_render`

use std::time::{Duration, Instant, SystemTime};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sora_core::download::{Attempt, AttemptOutcome, Report};
use sora_core::engine::{DownloadKey, EngineEvent, JobKey};
use sora_core::providers::{ContentVariant, JobStatus};
use sora_core::storage::{Bucket, ObjectEntry, ObjectMetadata};
use sora_tui::app::{App, AppSettings, Msg};
use sora_tui::ui::{self, Theme};

const DRAWS: usize = 300;

fn feed(app: &mut App, event: EngineEvent) {
    app.update(Msg::Engine(event));
}

fn jobs(app: &mut App, n: u64) {
    let at = SystemTime::now();
    for i in 1..=n {
        let key = JobKey(i);
        feed(
            app,
            EngineEvent::JobSubmitting {
                key,
                prompt: format!("a red fox number {i} in the snow at dawn"),
                at,
            },
        );
        feed(
            app,
            EngineEvent::JobCreated {
                key,
                job_id: format!("task_{i:08}"),
                at,
            },
        );
        for (status, text) in [
            (JobStatus::Queued, "queued"),
            (JobStatus::Running, "running"),
        ] {
            feed(
                app,
                EngineEvent::JobStatusChanged {
                    key,
                    status,
                    status_text: text.into(),
                    progress: Some(40),
                    at,
                    expires_at: None,
                    notes: vec!["queue position 3 (0 is next)".into()],
                },
            );
        }
    }
}

fn attempts(app: &mut App, n: u32) {
    let key = DownloadKey {
        job: JobKey(1),
        output_id: "gen_00000001".into(),
        variant: ContentVariant::Video,
    };
    for number in 1..=n {
        feed(
            app,
            EngineEvent::Download {
                key: key.clone(),
                report: Report::Attempt(Attempt {
                    number,
                    method: "GET",
                    url: "https://res.openai.azure.com/openai/v1/video/generations/gen_1/content/video".into(),
                    status: Some(404),
                    bytes: 0,
                    started_at: SystemTime::now(),
                    duration: Duration::from_millis(12),
                    outcome: AttemptOutcome::WillRetry,
                    detail: "content not ready yet".into(),
                    next_retry_in: Some(Duration::from_secs(5)),
                    request_id: Some(format!("req-{number}")),
                    headers: Vec::new(),
                }),
            },
        );
    }
}

fn objects(app: &mut App, n: usize) {
    feed(
        app,
        EngineEvent::BucketsListed(Ok(vec![Bucket {
            id: "videos".into(),
            name: "videos".into(),
            public: true,
            ..Default::default()
        }])),
    );
    let query = app.buckets().query.clone();
    let entries = (0..n)
        .map(|i| ObjectEntry {
            name: format!("obj-{i:06}.mp4"),
            id: Some(format!("id-{i}")),
            updated_at: Some("2026-05-01T12:00:00.000Z".into()),
            metadata: Some(ObjectMetadata {
                size: Some(1000 + i as u64),
                mimetype: Some("video/mp4".into()),
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    feed(
        app,
        EngineEvent::ObjectsListed {
            bucket: "videos".into(),
            prefix: String::new(),
            query,
            result: Ok(entries),
        },
    );
}

/// Median and p99 of `DRAWS` draws of the whole dashboard at 200x60.
fn frame_times(app: &App) -> (Duration, Duration) {
    let theme = Theme::default();
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("terminal");
    let mut times = Vec::with_capacity(DRAWS);
    for _ in 0..DRAWS {
        let start = Instant::now();
        terminal
            .draw(|frame| ui::render(app, &theme, frame))
            .expect("draw");
        times.push(start.elapsed());
    }
    times.sort();
    (times[DRAWS / 2], times[DRAWS * 99 / 100])
}

fn main() {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("200x60, {DRAWS} draws each; load average {}", load.trim());
    println!("| jobs | attempt-log lines | objects | median | p99 |");
    println!("|---:|---:|---:|---:|---:|");
    for (n_jobs, n_attempts, n_objects) in [
        (10, 10, 100),
        (1_000, 10, 100),
        (10_000, 10, 100),
        (10, 10_000, 100),
        (10, 10, 100_000),
        (10_000, 10_000, 100_000),
    ] {
        let mut app = App::new(AppSettings::azure_sora_defaults("bench"));
        jobs(&mut app, n_jobs);
        attempts(&mut app, n_attempts);
        objects(&mut app, n_objects);
        let (median, p99) = frame_times(&app);
        println!(
            "| {n_jobs} | {n_attempts} | {n_objects} | {:.0} µs | {:.0} µs |",
            median.as_secs_f64() * 1e6,
            p99.as_secs_f64() * 1e6
        );
    }
}
