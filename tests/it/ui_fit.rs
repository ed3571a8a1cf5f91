//! At 80x24 every panel keeps what matters in sight (the newest status, the outcome, the cost,
//! how to quit and where the keys are), the help lists every key whole and scrolls to its end,
//! and no scrolled view owes keys back after being scrolled past its end.

use crossterm::event::KeyCode;
use sora_core::engine::EngineEvent;
use sora_tui::app::Msg;

use crate::ui_support::*;

const W: u16 = 80;
const H: u16 = 24;

fn last_line(screen: &str) -> String {
    screen.lines().last().unwrap_or_default().to_string()
}

#[test]
fn at_80x24_every_panel_keeps_the_newest_status_the_outcome_the_cost_and_how_to_quit() {
    let mut app = app();
    job_through_all_statuses(
        &mut app,
        1,
        "a red fox running through snow at dawn, slow motion",
    );
    finished(
        &mut app,
        video(1),
        "/videos/task_01jv8example/gen_01.mp4",
        3 << 20,
    );
    feed(
        &mut app,
        EngineEvent::JobComplete {
            key: sora_core::engine::JobKey(1),
            ok: true,
        },
    );
    // The prompt, then each panel in turn.
    for (panel, quit) in [
        ("prompt", "F1 help"),
        ("jobs", "q quit"),
        ("downloads", "q quit"),
        ("buckets", "q quit"),
    ] {
        let screen = draw(&mut app, W, H);
        assert_shows(&screen, "succeeded");
        assert_shows(&screen, "✓ downloaded 1 file");
        assert_shows(&screen, "≈ $");
        let hints = last_line(&screen);
        assert!(
            hints.contains(quit),
            "{panel}: `{quit}` in the hints: {hints}"
        );
        if panel != "prompt" {
            assert!(hints.contains("? help"), "{panel}: the help key: {hints}");
        }
        press(&mut app, KeyCode::Tab);
    }
}

/// The text of the help popup (72 columns, centred) on every screen of it, scrolling a page at a
/// time as the runtime does (bounded).
fn help_text(app: &mut sora_tui::app::App, width: u16) -> String {
    let left = usize::from(width.saturating_sub(72) / 2 + 1);
    let inner = |screen: &str| -> Vec<String> {
        screen
            .lines()
            .map(|line| line.chars().skip(left).take(70).collect::<String>())
            .collect()
    };
    let mut text = inner(&draw(app, width, H));
    for _ in 0..60 {
        let before = draw(app, width, H);
        press(app, KeyCode::PageDown);
        let after = draw(app, width, H);
        if after == before {
            break;
        }
        // A page (shorter than the popup) down: every line is on some screen.
        text.extend(inner(&after));
    }
    text.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_help_lists_every_key_of_every_part_whole_at_80x24_and_at_200x50() {
    for width in [W, 200] {
        let mut app = app();
        press(&mut app, KeyCode::Tab); // the jobs panel
        press(&mut app, KeyCode::Char('?'));
        let text = help_text(&mut app, width);
        let keymap = app.keymap().clone();
        for scope in app.help_scopes() {
            assert!(text.contains(scope.title()), "{width}: {}", scope.title());
            for binding in keymap.bindings_in(scope) {
                let description = binding.action.description();
                let description = description.split_whitespace().collect::<Vec<_>>().join(" ");
                assert!(
                    text.contains(&description),
                    "{width} columns: `{description}` ({scope:?}) whole in the help:\n{text}"
                );
            }
        }
        // The text fields' own editing keys are listed too.
        assert!(text.contains("delete the word before the cursor"), "{text}");
    }
}

#[test]
fn scrolling_past_the_end_of_the_help_owes_no_key_on_the_way_back() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Esc); // the prompt takes `?` as text: leave it first
    press(&mut app, KeyCode::Char('?'));
    for _ in 0..300 {
        press(&mut app, KeyCode::Down);
    }
    let end = draw(&mut app, W, H);
    press(&mut app, KeyCode::End);
    assert_eq!(draw(&mut app, W, H), end, "End: the same last screen");
    press(&mut app, KeyCode::Char('k'));
    assert_ne!(draw(&mut app, W, H), end, "one k moves up at once");
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(draw(&mut app, W, H), end, "G: the last screen");
}

#[test]
fn the_job_details_and_the_message_log_scroll_back_at_once_after_an_end() {
    let mut app = app();
    let long_prompt = "a red fox running through deep snow at dawn ".repeat(20);
    job_through_all_statuses(&mut app, 1, &long_prompt);
    press(&mut app, KeyCode::Tab); // the jobs panel
    press(&mut app, KeyCode::Enter); // the details
    assert!(app.overlay().is_some());
    let top = draw(&mut app, W, H);
    for _ in 0..50 {
        press(&mut app, KeyCode::PageDown);
    }
    let end = draw(&mut app, W, H);
    assert_ne!(end, top, "the details are longer than 80x24");
    press(&mut app, KeyCode::Up);
    assert_ne!(draw(&mut app, W, H), end, "one Up moves at once");
    press(&mut app, KeyCode::Esc);

    for i in 0..40 {
        app.update(Msg::Engine(EngineEvent::Info(format!(
            "message number {i}"
        ))));
    }
    press(&mut app, KeyCode::Char('L'));
    let newest = draw(&mut app, W, H);
    assert_shows(&newest, "message number 39");
    for _ in 0..50 {
        press(&mut app, KeyCode::PageUp);
    }
    let oldest = draw(&mut app, W, H);
    assert_shows(&oldest, "message number 0 ");
    press(&mut app, KeyCode::Down);
    assert_ne!(draw(&mut app, W, H), oldest, "one Down moves at once");
}

#[test]
fn the_doctor_page_goes_to_its_last_line_with_g_even_when_lines_wrap() {
    use sora_core::doctor::report::{Check, Mark, Report};
    let mut app = app();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('D'));
    let checks = (0..12)
        .map(|i| Check {
            name: format!("check {i:02}"),
            mark: Mark::Warn,
            detail: "a detail".into(),
            // Three rows each at 80 columns.
            fix: Some(format!("{} end-of-fix-{i:02}", "word ".repeat(40))),
        })
        .collect();
    feed(
        &mut app,
        EngineEvent::Doctor(Report {
            settings: vec![],
            checks,
        }),
    );
    press(&mut app, KeyCode::Char('G'));
    let end = draw(&mut app, W, H);
    assert_shows(&end, "end-of-fix-11");
    press(&mut app, KeyCode::Char('k'));
    assert_ne!(draw(&mut app, W, H), end, "one k moves up at once");
}

#[test]
fn a_question_that_comes_up_while_the_help_is_open_closes_the_help_so_it_is_seen() {
    use sora_core::engine::{StorageFailure, StorageOp};
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help_visible());
    // An upload's 409 asks whether to overwrite.
    feed(
        &mut app,
        EngineEvent::Storage {
            op: StorageOp::UploadFile {
                path: "/tmp/a.mp4".into(),
                bucket: "videos".into(),
                object_path: "a.mp4".into(),
                upsert: false,
            },
            result: Err(StorageFailure {
                conflict: true,
                ..StorageFailure::plain("409 KeyAlreadyExists: The resource already exists")
            }),
        },
    );
    assert!(app.modal().is_some(), "the overwrite question is up");
    assert!(!app.help_visible(), "the help gave way to it");
    let screen = draw(&mut app, W, H);
    assert_hides(&screen, "Help —");
    assert_shows(&screen, "a.mp4");
}

#[test]
fn at_80x24_the_focused_list_grows_and_the_others_keep_two_lines() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a red fox");
    feed(
        &mut app,
        EngineEvent::BucketsListed(Ok(vec![bucket("videos", true)])),
    );
    let objects = (0..12)
        .map(|i| object(&format!("clip-{i:02}.mp4"), 1000, "2026-12-01T12:00:00Z"))
        .collect();
    objects_listed(&mut app, "videos", objects);
    press(&mut app, KeyCode::BackTab); // the buckets panel
    let screen = draw(&mut app, W, H);
    let shown = (0..12)
        .filter(|i| screen.contains(&format!("clip-{i:02}.mp4")))
        .count();
    // Three rows in all before (two of them the folder's heading): one object.
    assert!(shown >= 4, "{shown} objects in sight:\n{screen}");
    // The jobs panel still shows the job and its newest status.
    assert_shows(&screen, "#1");
    assert_shows(&screen, "succeeded");
}

#[test]
fn at_80x24_the_demo_badge_and_the_prompt_of_a_job_with_its_service_stay_readable() {
    let mut app = crate::ui_services::two_services();
    job_through_all_statuses(&mut app, 1, "a red fox running through snow");
    feed(
        &mut app,
        EngineEvent::JobService {
            key: sora_core::engine::JobKey(1),
            service: "Azure Sora · sora · 127.0.0.1".into(),
            estimate: None,
        },
    );
    // A service's id as long as real ones are.
    feed(
        &mut app,
        EngineEvent::JobCreated {
            key: sora_core::engine::JobKey(1),
            job_id: "task_01m8vhxfbvvmsmje3aq7w2nd9x".into(),
            at: at(0.2),
        },
    );
    let wide = draw(&mut app, 200, 50);
    assert_shows(&wide, "(1/2, Alt-p/F7)");
    assert_shows(&wide, "Azure Sora 127.0.0.1");
    let screen = draw(&mut app, W, H);
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("DEMO (simulator)"), "{header}");
    // The prompt, not a stub of it: the service gives way (the details line names it).
    assert_shows(&screen, "\"a red fox running through snow\"");
    // The Sora family's retirement keeps its date in sight, its asides dropped.
    let date: String = screen
        .split("retiring no earlier than ")
        .nth(1)
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    assert!(
        date.len() == 10 && date.chars().filter(|c| c.is_ascii_digit()).count() == 8,
        "a whole date: {date:?}\n{screen}"
    );
}
