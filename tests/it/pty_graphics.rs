//! The start-up graphics query in a real pseudo-terminal: the test's terminal answers as kitty
//! does, and the dashboard then draws the demo's thumbnail in kitty graphics (a transmission,
//! then placeholder cells); a terminal that answers as plain xterm gets half-blocks.

use std::time::{Duration, Instant};

use crate::pty_demo::{Answers, Demo, occurrences};

/// Kitty's placeholder character (U+10EEEE) in UTF-8.
const PLACEHOLDER: &[u8] = "\u{10EEEE}".as_bytes();

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    occurrences(haystack, needle) > 0
}

/// Wait (at most `limit`) until the program's output satisfies `ok`.
fn wait_for_output(demo: &Demo, what: &str, limit: Duration, ok: impl Fn(&[u8]) -> bool) {
    let deadline = Instant::now() + limit;
    loop {
        if ok(&demo.screen.raw.lock().expect("raw lock")) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}; screen:\n{}",
            demo.screen.text()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Type a prompt, wait for the job and its files, open its details (where the thumbnail is).
fn finish_a_job_and_open_its_details(demo: &mut Demo) {
    demo.wait_for_dashboard();
    demo.type_keys(b"a red fox in the snow\r");
    demo.screen.wait_for(
        "the job to succeed and both files to be saved",
        Duration::from_secs(40),
        |s| s.contains("succeeded") && s.contains("downloaded 2 files"),
    );
    demo.type_keys(b"\t");
    std::thread::sleep(Duration::from_millis(200));
    demo.type_keys(b"\r");
    demo.screen
        .wait_for("the details view", Duration::from_secs(10), |s| {
            s.contains("details")
        });
}

#[test]
fn a_terminal_answering_as_kitty_gets_the_thumbnail_in_kitty_graphics() {
    let mut demo = Demo::start_answering("", Answers::Kitty);
    finish_a_job_and_open_its_details(&mut demo);
    wait_for_output(
        &demo,
        "the thumbnail's kitty transmission and placeholders",
        Duration::from_secs(10),
        |out| {
            contains(out, b"\x1b_Gq=2,i=")
                && contains(out, b"a=T,U=1")
                && contains(out, PLACEHOLDER)
        },
    );
    let out = demo.screen.raw.lock().expect("raw lock").clone();
    assert!(
        contains(&out, b"\x1b_Gi=31,s=1,v=1,a=q"),
        "the dashboard asked for kitty graphics"
    );
    // The keys still reach the dashboard after the query: q closes the details, q quits.
    demo.type_keys(b"q");
    std::thread::sleep(Duration::from_millis(300));
    demo.type_keys(b"q");
    let status = demo.wait_exit("q");
    assert!(status.success(), "exit status {status:?}");
    demo.assert_terminal_restored("q");
}

#[test]
fn a_terminal_without_graphics_gets_half_blocks() {
    let mut demo = Demo::start_answering("", Answers::Plain);
    finish_a_job_and_open_its_details(&mut demo);
    let details =
        demo.screen
            .wait_for("half-blocks in the details", Duration::from_secs(10), |s| {
                s.matches(['▀', '▄']).count() >= 40
            });
    let out = demo.screen.raw.lock().expect("raw lock").clone();
    assert!(!contains(&out, b"\x1b_Gq=2,"), "no kitty transmission");
    assert!(!contains(&out, PLACEHOLDER), "no placeholders\n{details}");
    demo.type_keys(b"q");
    std::thread::sleep(Duration::from_millis(300));
    demo.type_keys(b"q");
    assert!(demo.wait_exit("q").success());
}
