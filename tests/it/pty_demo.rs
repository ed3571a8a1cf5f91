//! End to end in a real pseudo-terminal: start `sora-tui --demo`, type a prompt, watch the job
//! finish and the video land on disk, upload it with `u`, see it in the bucket view, quit, and
//! find the terminal restored.

use crate::common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 45;
const COLS: u16 = 130;

struct Screen {
    parser: Arc<Mutex<vt100::Parser>>,
}

impl Screen {
    fn text(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// Wait (at most `limit`) until the screen satisfies `ok`; on time-out, fail with the screen.
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let text = self.text();
            if ok(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn demo_generates_downloads_and_uploads_in_a_real_terminal() {
    let sandbox = common::Sandbox::new();
    let config = sandbox.fast_config();
    let downloads = sandbox.path().join("downloads");

    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(common::bin());
    cmd.env_clear();
    cmd.env("HOME", sandbox.path());
    cmd.env("XDG_CONFIG_HOME", sandbox.path().join("config"));
    cmd.env("XDG_DATA_HOME", sandbox.path().join("data"));
    cmd.env("TERM", "xterm-256color");
    cmd.env("NO_PROXY", "127.0.0.1,localhost");
    cmd.args(["--demo", "--config"]);
    cmd.arg(&config);
    cmd.arg("--download-dir");
    cmd.arg(&downloads);
    let mut child = pty.slave.spawn_command(cmd).expect("spawn sora-tui --demo");
    drop(pty.slave);

    let parser = Arc::new(Mutex::new(vt100::Parser::new(
        std::num::NonZeroU16::new(ROWS).expect("rows"),
        std::num::NonZeroU16::new(COLS).expect("cols"),
        0,
    )));
    let mut reader = pty.master.try_clone_reader().expect("pty reader");
    let feed = Arc::clone(&parser);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            feed.lock().expect("parser lock").process(&buf[..n]);
        }
    });
    let mut keys = pty.master.take_writer().expect("pty writer");
    let screen = Screen { parser };

    screen.wait_for("the dashboard", Duration::from_secs(20), |s| {
        s.contains("DEMO (simulator)") && s.contains("output-videos")
    });
    assert!(
        screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .alternate_screen(),
        "the dashboard uses the alternate screen"
    );

    keys.write_all(b"a red fox in the snow\r")
        .expect("type the prompt");
    let done = screen.wait_for(
        "the job to succeed and both files to be saved",
        Duration::from_secs(40),
        |s| s.contains("succeeded") && s.contains("downloaded 2 files"),
    );
    assert!(
        done.contains("queued") && done.contains("running") && done.contains("processing"),
        "{done}"
    );
    assert!(
        done.contains(" 404 "),
        "the lagging content's 404 is in the attempt log:\n{done}"
    );
    assert!(
        done.contains(" 200 "),
        "the saving 200 is in the attempt log:\n{done}"
    );
    assert!(!done.contains("sim-azure-key"), "no key on screen");

    // The video on disk is the simulator's asset, byte for byte, with no partial left.
    let files: Vec<_> = std::fs::read_dir(&downloads)
        .expect("download dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    let video = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .unwrap_or_else(|| panic!("an mp4 in {files:?}"));
    assert_eq!(
        std::fs::read(video).expect("read video"),
        common::SAMPLE_MP4
    );
    assert!(
        files
            .iter()
            .all(|p| !p.to_string_lossy().ends_with(".partial")),
        "{files:?}"
    );
    let video_name = video
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();

    // Tab to the jobs panel, upload; the bucket view lists the object in the job's folder.
    keys.write_all(b"\t").expect("tab");
    std::thread::sleep(Duration::from_millis(200));
    keys.write_all(b"u").expect("upload key");
    let listed = screen.wait_for(
        "the bucket view to list the upload",
        Duration::from_secs(20),
        |s| {
            s.contains("output-videos/task_")
                && s.lines().filter(|l| l.contains(&video_name)).count() >= 2
        },
    );
    assert!(listed.contains("uploaded output-videos/task_"), "{listed}");

    keys.write_all(b"q").expect("quit key");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "sora-tui did not quit on q");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    std::thread::sleep(Duration::from_millis(200));
    let parser = screen.parser.lock().expect("lock");
    assert!(
        !parser.screen().alternate_screen(),
        "the terminal left the alternate screen"
    );
    assert!(
        !parser.screen().hide_cursor(),
        "the cursor is visible again"
    );
}
