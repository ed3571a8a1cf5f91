//! The dashboard's questions and layout in a real pseudo-terminal: Enter never says yes to a
//! delete, keys typed before a question could be read are dropped, and a resize mid-job redraws
//! the whole layout while the job goes on.

use crate::pty_demo::{COLS, Demo, ROWS};

use std::time::Duration;

/// Jobs listed in the jobs panel's title (`Jobs (N)`).
fn jobs_count(screen: &str) -> Option<usize> {
    let start = screen.find("Jobs (")? + "Jobs (".len();
    let end = screen[start..].find(')')? + start;
    screen[start..end].parse().ok()
}

#[test]
fn enter_on_a_delete_question_deletes_nothing() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    demo.type_keys(b"a fox\r");
    demo.screen
        .wait_for("the job to be done", Duration::from_secs(40), |s| {
            s.contains("downloaded 2 files")
        });
    demo.type_keys(b"\t"); // the jobs panel
    std::thread::sleep(Duration::from_millis(200));
    demo.type_keys(b"x");
    demo.screen
        .wait_for("the delete question", Duration::from_secs(10), |s| {
            s.contains("Delete job task_")
        });
    // Long enough to have read the question: Enter is an answer now, and it is no.
    std::thread::sleep(Duration::from_millis(1500));
    demo.type_keys(b"\r");
    let after = demo
        .screen
        .wait_for("the cancelled question", Duration::from_secs(10), |s| {
            s.contains("nothing was changed")
        });
    assert!(
        !after.contains("Delete job task_"),
        "the question is gone:\n{after}"
    );
    // Time for a delete to have been sent and answered, had Enter said yes.
    std::thread::sleep(Duration::from_millis(1000));
    let screen = demo.screen.text();
    assert!(!screen.contains("deleted"), "nothing deleted:\n{screen}");
    assert_eq!(jobs_count(&screen), Some(1), "{screen}");
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
}

#[test]
fn keys_typed_before_a_question_appears_are_dropped() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    // A second prompt right after the first raises a question by itself (lines pasted without
    // bracketed paste look like this); the `y` typed straight after it must not answer it.
    demo.type_keys(b"one\r");
    demo.type_keys(b"two\ry");
    let asked = demo
        .screen
        .wait_for("the question", Duration::from_secs(10), |s| {
            s.contains("as another paid job")
        });
    assert!(asked.contains("two"), "{asked}");
    std::thread::sleep(Duration::from_millis(1500));
    let screen = demo.screen.text();
    assert!(
        screen.contains("as another paid job"),
        "the early y did not answer:\n{screen}"
    );
    assert_eq!(jobs_count(&screen), Some(1), "one job only:\n{screen}");
    demo.type_keys(b"n");
    demo.screen
        .wait_for("the question answered", Duration::from_secs(10), |s| {
            !s.contains("as another paid job")
        });
    assert_eq!(jobs_count(&demo.screen.text()), Some(1));
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
}

#[test]
fn a_resize_mid_job_redraws_the_layout_and_the_job_finishes() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    demo.type_keys(b"a resized fox\r");
    demo.screen
        .wait_for("the job to run", Duration::from_secs(20), |s| {
            s.contains("queued")
        });
    let (rows, cols) = (30, 90);
    demo.master
        .resize(portable_pty::PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("resize the pty");
    demo.screen
        .parser
        .lock()
        .expect("lock")
        .screen_mut()
        .set_size(
            std::num::NonZeroU16::new(rows).expect("rows"),
            std::num::NonZeroU16::new(cols).expect("cols"),
        );
    let done = demo.screen.wait_for(
        "the job to finish in the smaller terminal",
        Duration::from_secs(40),
        |s| s.contains("✓ #1") && s.contains("succeeded"),
    );
    let lines: Vec<&str> = done.lines().collect();
    assert!(lines.len() <= usize::from(rows), "{done}");
    assert!(
        lines.iter().all(|l| l.chars().count() <= usize::from(cols)),
        "{done}"
    );
    // Every panel is still drawn, with its bottom border inside the new height.
    for title in ["Prompt", "Jobs (1)", "Downloads", "Buckets"] {
        assert!(done.contains(title), "{title} after the resize:\n{done}");
    }
    assert!(COLS > cols && ROWS > rows, "the terminal shrank");
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
}

#[test]
fn a_mouse_click_focuses_the_panel_and_selects_the_row_under_it() {
    let mut demo = Demo::start();
    let first = demo.wait_for_dashboard();
    assert!(first.contains("▸ output-videos"), "{first}");
    assert_ne!(
        demo.screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the dashboard asked the terminal for the mouse"
    );
    let areas = sora_tui::app::layout::dashboard(ratatui::layout::Rect::new(0, 0, COLS, ROWS));
    let [list, _] =
        sora_tui::app::layout::buckets_split(sora_tui::app::layout::inner(areas.buckets));
    // The first bucket row (input-images), as xterm's SGR mouse reports a left press and release.
    let (x, y) = (list.x + 3 + 1, list.y + 1);
    demo.type_keys(format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").as_bytes());
    let clicked = demo.screen.wait_for(
        "the click to select input-images",
        Duration::from_secs(10),
        |s| s.contains("▸ input-images"),
    );
    assert!(
        clicked.contains("┏ Buckets"),
        "the buckets panel has the focus:\n{clicked}"
    );
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
    demo.assert_terminal_restored("Ctrl-C");
    assert_eq!(
        demo.screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "the mouse is the terminal's again"
    );
}
