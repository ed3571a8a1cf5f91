//! The dashboard's questions and layout in a real pseudo-terminal: Enter never says yes to a
//! delete, keys typed before a question could be read are dropped, a resize mid-job redraws
//! the whole layout while the job goes on, and Ctrl-e lends the terminal to the user's editor.

use crate::common;
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
    let areas = sora_tui::app::layout::dashboard(ratatui::layout::Rect::new(0, 0, COLS, ROWS), 1);
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

#[test]
fn ctrl_e_lends_the_terminal_to_the_editor_and_its_text_becomes_the_prompt() {
    let sandbox = common::Sandbox::new();
    let editor = sandbox.path().join("editor.sh");
    let seen = sandbox.path().join("seen.txt");
    // An editor that reads a line from the terminal, a second after it starts: a line typed
    // meanwhile waits in the terminal, where a reader the dashboard left running would take
    // it first and the editor would never see it.
    std::fs::write(
        &editor,
        format!(
            "#!/bin/sh\ncp \"$1\" '{}'\nprintf 'editing> '\nsleep 1\nread -r line\nprintf 'a fox\\n%s\\n' \"$line\" > \"$1\"\n",
            seen.display()
        ),
    )
    .expect("write the editor");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755))
            .expect("make the editor executable");
    }
    let editor = editor.display().to_string();
    let mut demo = Demo::start_in(sandbox, "", &[("EDITOR", &editor)]);
    demo.wait_for_dashboard();
    demo.type_keys(b"a draft");
    std::thread::sleep(Duration::from_millis(300));
    demo.type_keys(b"\x05"); // Ctrl-e
    demo.screen
        .wait_for("the editor", Duration::from_secs(10), |s| {
            s.contains("editing>")
        });
    let alternate = |demo: &Demo| {
        demo.screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .alternate_screen()
    };
    assert!(!alternate(&demo), "the editor has the main screen");
    demo.type_keys(b"typed in the editor\r");
    let back = demo
        .screen
        .wait_for("the dashboard again", Duration::from_secs(10), |s| {
            s.contains("Prompt from the editor (2 lines)")
        });
    assert!(alternate(&demo), "the dashboard took the terminal back");
    assert!(back.contains("typed in the editor"), "{back}");
    assert_eq!(
        std::fs::read_to_string(&seen).expect("the editor's copy"),
        "a draft\n",
        "the editor was given the prompt"
    );

    demo.type_keys(b"\r");
    let sent = demo
        .screen
        .wait_for("the job", Duration::from_secs(20), |s| s.contains("queued"));
    assert!(sent.contains("a fox typed in the editor"), "{sent}");
    assert_eq!(jobs_count(&sent), Some(1), "one job:\n{sent}");
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
    demo.assert_terminal_restored("Ctrl-C");
}

#[test]
fn shift_enter_breaks_the_line_where_the_terminal_tells_it_from_enter() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    let raw = demo.screen.raw.lock().expect("raw lock").clone();
    assert!(
        crate::pty_demo::occurrences(&raw, b"\x1b[>1u") >= 1,
        "the dashboard asked the terminal to tell Shift-Enter from Enter"
    );
    // Shift-Enter as a terminal with the kitty keyboard protocol sends it, then Enter.
    demo.type_keys(b"a fox");
    demo.type_keys(b"\x1b[13;2u");
    demo.type_keys(b"at dawn");
    std::thread::sleep(Duration::from_millis(300));
    let typed = demo.screen.text();
    assert_eq!(
        jobs_count(&typed),
        Some(0),
        "Shift-Enter sent nothing:\n{typed}"
    );
    demo.type_keys(b"\r");
    let sent = demo
        .screen
        .wait_for("the job", Duration::from_secs(20), |s| s.contains("queued"));
    assert!(
        sent.contains("\"a fox at dawn\""),
        "one prompt of two lines:\n{sent}"
    );
    assert_eq!(jobs_count(&sent), Some(1), "{sent}");
    demo.type_keys(b"\x03");
    demo.wait_exit("Ctrl-C");
    demo.assert_terminal_restored("Ctrl-C");
}
