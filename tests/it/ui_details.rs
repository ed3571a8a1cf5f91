//! Reading what happened in full: the details view of a job, the message log (shown, saved by
//! the runtime 0600), the notice bar that says where a cut message is, and the notice when a
//! job ends while the user looks elsewhere.

use crate::ui_support as support;

use std::path::PathBuf;

use crossterm::event::KeyCode;
use sora_core::config::Notify;
use sora_core::engine::{EngineEvent, JobKey};
use sora_core::providers::JobStatus;
use sora_tui::app::{App, Effect, Msg};
use support::*;

const W: u16 = 80;
const H: u16 = 24;

/// 120 distinct words of five characters (with the space): a 600-character reason.
fn long_reason() -> String {
    let words: Vec<String> = (1..=120).map(|i| format!("w{i:03}")).collect();
    words.join(" ")
}

fn failed_job(app: &mut App, reason: &str) {
    feed(
        app,
        EngineEvent::JobSubmitting {
            key: JobKey(1),
            prompt: "a fox in the snow".into(),
            at: at(0.0),
        },
    );
    feed(
        app,
        EngineEvent::JobCreated {
            key: JobKey(1),
            job_id: "task_01moderated".into(),
            at: at(0.3),
        },
    );
    feed(app, status(1, JobStatus::Failed, "failed", 2.0));
    feed(
        app,
        EngineEvent::JobFailed {
            key: JobKey(1),
            message: reason.to_string(),
            at: at(2.0),
        },
    );
}

/// Leave the prompt for the jobs panel and open the selected job's details.
fn open_details(app: &mut App) {
    press(app, KeyCode::Esc);
    press(app, KeyCode::Enter);
}

#[test]
fn a_600_character_moderation_reason_is_shown_whole_in_the_details_view_at_80x24() {
    let mut app = app();
    let reason = format!("moderation_blocked: {}", long_reason());
    assert!(reason.len() > 600);
    failed_job(&mut app, &reason);
    open_details(&mut app);
    let mut seen = render(&app, W, H);
    assert_shows(&seen, "Job #1 — details");
    assert_shows(&seen, "task_01moderated");
    // Page down until the end: every word of the reason was on screen at some point.
    for _ in 0..10 {
        press(&mut app, KeyCode::PageDown);
        seen.push_str(&render(&app, W, H));
    }
    for i in 1..=120 {
        assert_shows(&seen, &format!("w{i:03}"));
    }
    assert_shows(&seen, "moderation_blocked:");
    // End lands on the last line, Home back on the first, Esc closes.
    press(&mut app, KeyCode::End);
    assert_shows(&render(&app, W, H), "w120");
    press(&mut app, KeyCode::Home);
    assert_shows(&render(&app, W, H), "journal id");
    press(&mut app, KeyCode::Esc);
    assert_hides(&render(&app, W, H), "Job #1 — details");
}

#[test]
fn the_details_view_shows_every_status_with_its_time() {
    let mut app = app();
    job_through_all_statuses(&mut app, 1, "a fox in the snow");
    open_details(&mut app);
    let screen = render(&app, W, H);
    for (offset, status, clock) in [
        ("+0.4s", "preprocessing", "12:00:00"),
        ("+1.4s", "queued", "12:00:01"),
        ("+2.4s", "running", "12:00:02"),
        ("+3.4s", "processing", "12:00:03"),
        ("+4.5s", "succeeded", "12:00:04"),
    ] {
        assert_shows(&screen, &format!("2026-05-01 {clock} {offset} {status}"));
    }
}

#[test]
fn the_message_log_keeps_every_notice_in_order_and_the_overlay_shows_them() {
    let mut app = app();
    feed(&mut app, EngineEvent::Info("first: buckets listed".into()));
    feed(&mut app, EngineEvent::Info("second: doctor passed".into()));
    feed(
        &mut app,
        EngineEvent::Warning {
            key: None,
            message: "third: the journal could not be written".into(),
        },
    );
    let texts: Vec<&str> = app.messages().entries().map(|m| m.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "first: buckets listed",
            "second: doctor passed",
            "third: the journal could not be written"
        ]
    );
    // F10 opens it from the prompt too; newest at the bottom.
    press(&mut app, KeyCode::F(10));
    let screen = render(&app, W, H);
    let first = screen.find("first: buckets").expect("first shown");
    let second = screen.find("second: doctor").expect("second shown");
    let third = screen.find("third: the journal").expect("third shown");
    assert!(first < second && second < third, "{screen}");
    press(&mut app, KeyCode::Esc);
    // `L` outside the prompt.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('L'));
    assert_shows(&render(&app, W, H), "third: the journal");
}

#[test]
fn saving_the_log_asks_the_runtime_which_writes_it_0600_with_every_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings();
    settings.data_dir = PathBuf::from("/nonexistent/data");
    // The saved log goes beside the program's log.
    let log_file = dir.path().join("logs/sora-tui.log");
    settings.log_file = Some(log_file.clone());
    let mut app = App::new(settings);
    app.update(Msg::Clock(at(0.0)));
    for text in ["one", "two", "three"] {
        feed(&mut app, EngineEvent::Info(format!("message {text}")));
    }
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('L'));
    let effects = press(&mut app, KeyCode::Char('s'));
    let [Effect::SaveMessages { path, text }] = effects.as_slice() else {
        panic!("one save effect, got {effects:?}");
    };
    assert!(path.starts_with(dir.path().join("logs")), "{path:?}");
    assert!(
        text.contains(&format!("program log: {}", log_file.display())),
        "{text}"
    );

    sora_tui::effects::save_private(path, text).expect("saved");
    let written = std::fs::read_to_string(path).expect("read back");
    let lines: Vec<&str> = written.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 3, "{written}");
    for (line, word) in lines.iter().zip(["one", "two", "three"]) {
        assert!(line.starts_with("2026-05-01T12:00:00Z"), "{line}");
        assert!(line.ends_with(&format!("info   message {word}")), "{line}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Never over an existing file: a second save in the same second goes next to it.
    assert!(sora_tui::effects::save_private(path, "again").is_err());
    let second = sora_tui::effects::save_new(path, "again").expect("saved beside");
    assert_ne!(&second, path);
    assert_eq!(std::fs::read_to_string(path).expect("first kept"), written);

    app.update(Msg::MessagesSaved(Ok(path.clone())));
    let notice = app.notice().expect("a notice").text.clone();
    assert!(notice.contains(&path.display().to_string()), "{notice}");
}

#[test]
fn a_cut_notice_says_where_the_whole_message_is() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::Warning {
            key: None,
            message: format!("HTTP 409 Conflict: {}", long_reason()),
        },
    );
    let screen = render(&app, W, H);
    assert_shows(&screen, "HTTP 409 Conflict");
    assert_shows(&screen, "L: all messages");
}

fn app_notifying(notify: Notify) -> App {
    let mut settings = settings();
    settings.notify = notify;
    let mut app = App::new(settings);
    app.update(Msg::Clock(at(0.0)));
    app
}

fn job_done(app: &mut App) -> Vec<Effect> {
    job_through_all_statuses(app, 1, "a fox");
    feed(
        app,
        EngineEvent::JobComplete {
            key: JobKey(1),
            ok: true,
        },
    )
}

#[test]
fn a_job_ending_while_the_buckets_panel_has_the_focus_rings_the_bell_when_asked() {
    let mut app = app_notifying(Notify::Bell);
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus(), sora_tui::app::Focus::Buckets);
    assert_eq!(
        job_done(&mut app),
        vec![Effect::Notify {
            bell: true,
            osc9: None
        }]
    );
    assert_shows(&render(&app, W, H), "ended: ✓#1");
    // Looking at the jobs panel again settles it.
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    assert_hides(&render(&app, W, H), "ended: ✓#1");

    // Off: the status line only.
    let mut app = app_notifying(Notify::Off);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert!(job_done(&mut app).is_empty());
    assert_shows(&render(&app, W, H), "ended: ✓#1");

    // Watching the jobs panel: nothing to notice.
    let mut app = app_notifying(Notify::Both);
    press(&mut app, KeyCode::Esc);
    assert!(job_done(&mut app).is_empty());
    assert_hides(&render(&app, W, H), "ended:");
}

#[test]
fn the_details_view_names_the_journal_entry_and_every_request_id() {
    let mut app = app();
    feed(
        &mut app,
        EngineEvent::JobSubmitting {
            key: JobKey(1),
            prompt: "a fox".into(),
            at: at(0.0),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobJournaled {
            key: JobKey(1),
            journal_id: "j-20260501-0001".into(),
        },
    );
    feed(
        &mut app,
        EngineEvent::JobRetrying(sora_core::engine::Retry {
            key: JobKey(1),
            step: sora_core::engine::RetryStep::Create,
            status: Some(429),
            reason: "HTTP 429: Rate limit is exceeded. (request id req-create-7)".into(),
            retry_after: Some(std::time::Duration::from_secs(2)),
            request_id: Some("req-create-7".into()),
            next_try_in: std::time::Duration::from_secs(2),
            retry: 1,
            max: 4,
            at: at(0.1),
        }),
    );
    open_details(&mut app);
    let screen = render(&app, W, H);
    assert_shows(&screen, "j-20260501-0001");
    assert_shows(&screen, "req-create-7 (create retry 1)");
    assert_shows(&screen, "Rate limit is exceeded.");
}

#[tokio::test]
async fn the_runtime_writes_the_saved_log_and_the_notice_prints_where() {
    use crossterm::event::{Event, KeyEvent, KeyModifiers};
    use futures_util::{StreamExt, stream};

    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = settings();
    settings.data_dir = dir.path().to_path_buf();
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    sender
        .send(EngineEvent::Info("the one message".into()))
        .expect("send");
    let key = |code, modifiers| Ok(Event::Key(KeyEvent::new(code, modifiers)));
    let keys = [
        key(KeyCode::F(10), KeyModifiers::NONE),
        key(KeyCode::Char('s'), KeyModifiers::NONE),
        key(KeyCode::Char('c'), KeyModifiers::CONTROL),
    ];
    // Ctrl-C ends the loop; the input never ends by itself.
    let input = stream::iter(keys).chain(stream::pending());
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 40)).expect("terminal");
    let mut dispatched = Vec::new();
    let theme = sora_tui::ui::Theme::default();
    let run = sora_tui::tui::drive(
        &mut terminal,
        input,
        receiver,
        App::new(settings),
        &theme,
        |effect| dispatched.push(effect),
    );
    tokio::time::timeout(std::time::Duration::from_secs(5), run)
        .await
        .expect("Ctrl-C ends the loop")
        .expect("runs");
    assert!(
        !dispatched
            .iter()
            .any(|e| matches!(e, Effect::SaveMessages { .. })),
        "the runtime writes the file itself: {dispatched:?}"
    );
    let saved: Vec<PathBuf> = std::fs::read_dir(dir.path().join("logs"))
        .expect("logs folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    let [file] = saved.as_slice() else {
        panic!("one saved log: {saved:?}");
    };
    let text = std::fs::read_to_string(file).expect("read");
    assert!(text.contains("info   the one message"), "{text}");
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|cell| cell.symbol())
        .collect();
    assert!(screen.contains("Message log saved to"), "{screen}");
}

#[test]
fn the_details_view_shows_what_the_job_was_sent_with() {
    let mut app = app();
    type_text(&mut app, "a lighthouse at dusk");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects.len(), 1, "one job sent: {effects:?}");
    open_details(&mut app);
    let screen = render(&app, W, H);
    assert_shows(&screen, "a lighthouse at dusk");
    assert_shows(&screen, "480x480 5s x1");
}

#[test]
fn over_the_details_a_click_acts_on_nothing_below_and_the_wheel_scrolls_them() {
    use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
    let mut app = app();
    app.update(Msg::Resize {
        width: W,
        height: H,
    });
    failed_job(&mut app, &format!("moderation_blocked: {}", long_reason()));
    open_details(&mut app);
    let mouse = |kind, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column: 10,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    // The buckets panel sits near the bottom of the screen, under the overlay.
    app.update(mouse(MouseEventKind::Down(MouseButton::Left), 18));
    assert_eq!(app.focus(), sora_tui::app::Focus::Jobs);
    assert_shows(&render(&app, W, H), "Job #1 — details lines 1–");
    app.update(mouse(MouseEventKind::ScrollDown, 10));
    assert_shows(&render(&app, W, H), "Job #1 — details lines 4–");
}
