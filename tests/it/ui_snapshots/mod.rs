//! Snapshots (insta) of every panel, overlay, page and question, at 80x24 and 200x50, in the
//! dark and light themes and without colour. Each snapshot holds the screen's text and, below
//! it, every styled run (row, columns, colours, emphasis), so a change to what is drawn or how
//! it is drawn shows up as a diff to review. `cargo insta review` (or `INSTA_UPDATE=always`)
//! accepts an intended change.

mod more_screens;
mod questions;

use crate::ui_support as support;

use std::time::Duration;

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use sora_core::download::AttemptOutcome;
use sora_core::engine::{EngineEvent, JobKey};
use sora_core::providers::JobStatus;
use sora_tui::app::App;
use sora_tui::ui::{self, Theme};
use support::*;

const MIB: u64 = 1024 * 1024;
const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

fn themes() -> [(&'static str, Theme); 3] {
    [
        ("dark", Theme::dark()),
        ("light", Theme::light()),
        ("no_color", Theme::no_color()),
    ]
}

/// The screen's text, then its styled runs: `row 3 col 0-11: fg=Cyan bold`.
fn snapshot_text(buffer: &Buffer) -> String {
    let mut text = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer.cell((x, y)).map_or(" ", |c| c.symbol()));
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text.push_str("--- styles ---\n");
    for y in 0..buffer.area.height {
        let mut x = 0;
        while x < buffer.area.width {
            let style_of = |x: u16| {
                buffer
                    .cell((x, y))
                    .map(|c| (c.fg, c.bg, c.modifier))
                    .unwrap_or((Color::Reset, Color::Reset, Modifier::empty()))
            };
            let style = style_of(x);
            let start = x;
            while x < buffer.area.width && style_of(x) == style {
                x += 1;
            }
            let (fg, bg, modifier) = style;
            if (fg, bg, modifier) == (Color::Reset, Color::Reset, Modifier::empty()) {
                continue;
            }
            let mut parts = Vec::new();
            if fg != Color::Reset {
                parts.push(format!("fg={fg}"));
            }
            if bg != Color::Reset {
                parts.push(format!("bg={bg}"));
            }
            if !modifier.is_empty() {
                parts.push(format!("{modifier:?}").to_lowercase());
            }
            text.push_str(&format!(
                "row {y} col {start}-{}: {}\n",
                x - 1,
                parts.join(" ")
            ));
        }
    }
    text
}

/// Every size and theme of one screen.
fn snapshot_everywhere(name: &str, app: &App) {
    for (width, height) in SIZES {
        for (theme_name, theme) in themes() {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
            terminal
                .draw(|frame| ui::render(app, &theme, frame))
                .expect("draw");
            let text = snapshot_text(terminal.backend().buffer());
            assert_named(&format!("{name}_{width}x{height}_{theme_name}"), text);
        }
    }
}

/// One snapshot, named here so every file keeps this module's prefix wherever the test is.
fn assert_named(name: &str, text: String) {
    insta::assert_snapshot!(name.to_string(), text);
}

/// A session a minute in: a finished job whose first download answered 404 and the retry
/// saved it, a second job that failed on moderation, a third still running.
fn busy_app() -> App {
    let mut app = app();
    app.init();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![
            bucket("input-images", false),
            bucket("videos", true),
        ])),
    );
    job_through_all_statuses(&mut app, 1, "a red fox running through snow at dawn");
    feed(
        &mut app,
        attempt(
            1,
            Some(404),
            AttemptOutcome::WillRetry,
            0,
            5.0,
            Some(Duration::from_secs(3)),
            "404 Resource not found: content not ready yet?",
        ),
    );
    feed(
        &mut app,
        attempt(
            2,
            Some(200),
            AttemptOutcome::Saved,
            3 * MIB,
            8.2,
            None,
            "verified mp4",
        ),
    );
    finished(
        &mut app,
        video(1),
        "/videos/task_01jv8example/gen_01.mp4",
        3 * MIB,
    );
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    );
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key: JobKey(2),
            prompt: "a scene the service refuses".into(),
            at: at(20.0),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobFailed {
            key: JobKey(2),
            message: "Azure OpenAI answered HTTP 400 moderation_blocked: Your request was rejected by the safety system.".into(),
            at: at(22.0),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key: JobKey(3),
            prompt: "waves on a beach".into(),
            at: at(50.0),
        },
    );
    feed(&mut app, status(3, JobStatus::Running, "running", 52.0));
    clock(&mut app, 60.0);
    app
}

fn objects_listed(app: &mut App) {
    let query = app.buckets().query.clone();
    feed(
        app,
        EngineEvent::ObjectsListed {
            bucket: "videos".to_string(),
            prefix: String::new(),
            query,
            result: Ok(vec![
                folder("task_01jv8example"),
                object(
                    "a-very-long-object-name-that-must-keep-its-extension-when-cut.mp4",
                    157 * MIB,
                    "2026-12-01T12:34:56.789Z",
                ),
                object("fox.mp4", 3 * MIB, "2026-12-01T12:00:00.000Z"),
            ]),
        },
    );
}

#[test]
fn the_first_screen() {
    let mut app = app();
    app.init();
    snapshot_everywhere("first_screen", &app);
}

#[test]
fn the_prompt_with_text() {
    let mut app = busy_app();
    type_text(&mut app, "a lighthouse in a storm, cinematic");
    snapshot_everywhere("prompt", &app);
}

#[test]
fn the_prompt_with_several_lines() {
    let mut app = busy_app();
    type_text(&mut app, "a lighthouse in a storm");
    press_with(
        &mut app,
        KeyCode::Enter,
        crossterm::event::KeyModifiers::ALT,
    );
    type_text(
        &mut app,
        "waves breaking over the rocks, spray in the lamp's beam, slow push in",
    );
    press_with(
        &mut app,
        KeyCode::Enter,
        crossterm::event::KeyModifiers::ALT,
    );
    type_text(&mut app, "cinematic");
    snapshot_everywhere("prompt_lines", &app);
}

#[test]
fn the_jobs_panel() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    snapshot_everywhere("jobs", &app);
}

#[test]
fn the_downloads_panel() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    snapshot_everywhere("downloads", &app);
}

#[test]
fn the_buckets_panel() {
    let mut app = busy_app();
    objects_listed(&mut app);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    snapshot_everywhere("buckets", &app);
}

#[test]
fn the_help_overlay() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('?'));
    snapshot_everywhere("help", &app);
}

#[test]
fn the_help_of_the_command_line() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "help");
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("help_commands", &app);
}

#[test]
fn the_command_line_with_a_verb_typed() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "url vid");
    snapshot_everywhere("command_line", &app);
}

#[test]
fn a_question() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('x'));
    snapshot_everywhere("question", &app);
}

#[test]
fn a_text_field() {
    let mut app = busy_app();
    objects_listed(&mut app);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    // The server's name search is the bucket browser's text field (`/` filters live).
    press(&mut app, KeyCode::Char('S'));
    type_text(&mut app, "fox");
    snapshot_everywhere("text_field", &app);
}

#[test]
fn the_objects_filtered() {
    let mut app = busy_app();
    objects_listed(&mut app);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, ".MP4");
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("objects_filtered", &app);
}

/// The History page with two records: a finished one and one refused by moderation.
fn history_page() -> App {
    let mut app = busy_app();
    press(&mut app, KeyCode::F(5));
    use crate::ui_pages::record;
    use sora_core::journal::JobState;
    feed(
        &mut app,
        EngineEvent::History(Ok(vec![
            record("old", "an old fox", JobState::Succeeded, None),
            record(
                "new",
                "a blocked scene",
                JobState::Failed,
                Some("moderation_blocked: Your request was rejected by the safety system."),
            ),
        ])),
    );
    app
}

#[test]
fn the_history_page() {
    let app = history_page();
    snapshot_everywhere("history", &app);
}

#[test]
fn the_doctor_page() {
    let mut app = busy_app();
    press(&mut app, KeyCode::F(6));
    feed(
        &mut app,
        EngineEvent::Doctor(crate::ui_pages::doctor_report()),
    );
    snapshot_everywhere("doctor", &app);
}

#[test]
fn the_job_details() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::End);
    press(&mut app, KeyCode::Up);
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("details", &app);
}

/// The simulator's thumbnail (half-blocks), decoded as the runtime does, for job #1.
fn with_thumbnail(app: &mut App) {
    let thumbnail = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/thumbnail.jpg");
    let preview = sora_tui::preview::decode(&thumbnail).expect("the asset decodes");
    app.update(sora_tui::app::Msg::Preview {
        job: JobKey(1),
        preview,
    });
}

/// The finished job's details with its thumbnail (half-blocks) beside the text.
#[test]
fn the_job_details_with_the_thumbnail() {
    let mut app = busy_app();
    with_thumbnail(&mut app);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("details_thumbnail", &app);
}

#[test]
fn the_message_log() {
    let mut app = busy_app();
    press(&mut app, KeyCode::F(10));
    snapshot_everywhere("messages", &app);
}

#[test]
fn the_jobs_panel_filtered_while_typing() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fox");
    snapshot_everywhere("jobs_filter_typing", &app);
}

#[test]
fn the_jobs_panel_with_a_kept_filter() {
    let mut app = busy_app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fox");
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("jobs_filter_kept", &app);
}

#[test]
fn the_history_page_filtered() {
    let mut app = history_page();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "fox");
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("history_filtered", &app);
}

#[test]
fn the_parameter_form() {
    use crossterm::event::KeyModifiers;
    // Sora's size, length and variants, one of them refused on Enter.
    let mut app = busy_app();
    press_with(&mut app, KeyCode::Char('o'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Down);
    press_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "30");
    press(&mut app, KeyCode::Enter);
    snapshot_everywhere("param_form_sora", &app);

    // A Runway model's parameters, one changed, one typed.
    let mut settings = settings();
    settings.services = vec![crate::ui_services::runway_choice()];
    let mut app = App::new(settings);
    app.update(sora_tui::app::Msg::Clock(at(0.0)));
    press_with(&mut app, KeyCode::Char('o'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Down);
    press_with(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    type_text(&mut app, "8");
    press(&mut app, KeyCode::Down);
    type_text(&mut app, "42");
    snapshot_everywhere("param_form_runway", &app);
}
