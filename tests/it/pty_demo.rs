//! End to end in a real pseudo-terminal: start `sora-tui --demo`, type a prompt, watch the job
//! finish and the video land on disk, upload it with `u`, see it in the bucket view, quit, and
//! find the terminal restored.

use crate::common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

pub(crate) const ROWS: u16 = 45;
pub(crate) const COLS: u16 = 130;

pub(crate) struct Screen {
    pub(crate) parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote (up to RAW_LIMIT), for what the parser does not keep: the
    /// keyboard protocol pushed and popped.
    pub(crate) raw: Arc<Mutex<Vec<u8>>>,
}

const RAW_LIMIT: usize = 16 * 1024 * 1024;

/// Times `needle` occurs in `haystack`.
pub(crate) fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

impl Screen {
    pub(crate) fn text(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// Wait (at most `limit`) until the screen satisfies `ok`; on time-out, fail with the screen.
    pub(crate) fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        ok: impl Fn(&str) -> bool,
    ) -> String {
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

/// How the test's terminal answers the dashboard's start-up graphics query.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answers {
    /// As xterm without sixel: the device attributes and the status report.
    Plain,
    /// As kitty: its graphics query, a 10x20-pixel cell, the status report.
    Kitty,
}

impl Answers {
    fn bytes(self) -> &'static [u8] {
        match self {
            Answers::Plain => b"\x1b[?62;22c\x1b[0n",
            Answers::Kitty => b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c\x1b[6;20;10t\x1b[0n",
        }
    }
}

/// `sora-tui --demo` in a pseudo-terminal of ROWS x COLS, its screen parsed as it draws.
pub(crate) struct Demo {
    sandbox: common::Sandbox,
    pub(crate) master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    pub(crate) screen: Screen,
}

impl Demo {
    /// Start the demo with the sandbox's fast config; the demo's temp dir goes inside the sandbox.
    pub(crate) fn start() -> Self {
        Self::start_with_config("")
    }

    /// Start the demo with `extra` TOML added to the sandbox's fast config.
    pub(crate) fn start_with_config(extra: &str) -> Self {
        Self::start_in(common::Sandbox::new(), extra, &[])
    }

    /// Start the demo with `extra` config in a terminal that answers its query as `answers`.
    pub(crate) fn start_answering(extra: &str, answers: Answers) -> Self {
        Self::start_answering_in(common::Sandbox::new(), extra, &[], answers)
    }

    /// Start the demo in `sandbox`, with `extra` TOML added to its fast config and `env` set.
    pub(crate) fn start_in(sandbox: common::Sandbox, extra: &str, env: &[(&str, &str)]) -> Self {
        Self::start_answering_in(sandbox, extra, env, Answers::Plain)
    }

    /// [`Demo::start_in`], the terminal answering the start-up graphics query as `answers`.
    pub(crate) fn start_answering_in(
        sandbox: common::Sandbox,
        extra: &str,
        env: &[(&str, &str)],
        answers: Answers,
    ) -> Self {
        let config = sandbox.fast_config();
        if !extra.is_empty() {
            let mut text = std::fs::read_to_string(&config).expect("read config");
            text.push('\n');
            text.push_str(extra);
            std::fs::write(&config, text).expect("write config");
        }
        let downloads = sandbox.path().join("downloads");
        let tmp = sandbox.path().join("tmp");
        std::fs::create_dir_all(&tmp).expect("tmp dir");

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
        cmd.env("XDG_STATE_HOME", sandbox.path().join("state"));
        cmd.env("TMPDIR", &tmp);
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_PROXY", "127.0.0.1,localhost");
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd.args(["--demo", "--config"]);
        cmd.arg(&config);
        cmd.arg("--download-dir");
        cmd.arg(&downloads);
        let child = pty.slave.spawn_command(cmd).expect("spawn sora-tui --demo");
        // Only the child holds the terminal side.
        drop(pty.slave);
        let master = pty.master;

        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(ROWS).expect("rows"),
            std::num::NonZeroU16::new(COLS).expect("cols"),
            0,
        )));
        let mut reader = master.try_clone_reader().expect("pty reader");
        let keys = Arc::new(Mutex::new(master.take_writer().expect("pty writer")));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (feed, answer, record) = (Arc::clone(&parser), Arc::clone(&keys), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut answered = false;
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut recorded = record.lock().expect("raw lock");
                let from = recorded.len().saturating_sub(8);
                let room = RAW_LIMIT.saturating_sub(recorded.len());
                recorded.extend_from_slice(&buf[..n.min(room)]);
                // The query ends with a status request (CSI 5 n): answer it as a terminal does.
                let asked = recorded[from..].windows(4).any(|w| w == b"\x1b[5n");
                drop(recorded);
                feed.lock().expect("parser lock").process(&buf[..n]);
                if !answered && asked {
                    answered = true;
                    let mut keys = answer.lock().expect("keys lock");
                    let _ = keys.write_all(answers.bytes());
                    let _ = keys.flush();
                }
            }
        });
        Self {
            sandbox,
            master,
            child,
            keys,
            screen: Screen { parser, raw },
        }
    }

    pub(crate) fn downloads(&self) -> std::path::PathBuf {
        self.sandbox.path().join("downloads")
    }

    /// Where the demo keeps its journal while it runs (`$TMPDIR/sora-tui-demo-<pid>`).
    pub(crate) fn demo_dir(&self) -> std::path::PathBuf {
        let pid = self.child.process_id().expect("pid");
        self.sandbox
            .path()
            .join("tmp")
            .join(format!("sora-tui-demo-{pid}"))
    }

    pub(crate) fn wait_for_dashboard(&self) -> String {
        self.screen
            .wait_for("the dashboard", Duration::from_secs(20), |s| {
                s.contains("DEMO (simulator)") && s.contains("output-videos")
            })
    }

    pub(crate) fn type_keys(&mut self, bytes: &[u8]) {
        let mut keys = self.keys.lock().expect("keys lock");
        keys.write_all(bytes).expect("write to the pty");
        keys.flush().expect("flush the pty");
    }

    /// Paste `text` as a terminal does: wrapped in bracketed-paste markers when the program
    /// asked for them (DECSET 2004), else as plain typed bytes (each newline an Enter).
    pub(crate) fn paste(&mut self, text: &str) {
        let bracketed = self
            .screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .bracketed_paste();
        let text = text.replace('\n', "\r");
        if bracketed {
            self.type_keys(format!("\x1b[200~{text}\x1b[201~").as_bytes());
        } else {
            self.type_keys(text.as_bytes());
        }
    }

    /// Wait (at most 10 s) for the process to end.
    pub(crate) fn wait_exit(&mut self, what: &str) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                // Let the reader thread take in the last bytes the program wrote.
                std::thread::sleep(Duration::from_millis(200));
                return status;
            }
            assert!(Instant::now() < deadline, "sora-tui did not end on {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Line discipline flags of the terminal: raw mode clears ICANON and ECHO.
    pub(crate) fn canonical_and_echo(&self) -> bool {
        let fd = self.master.as_raw_fd().expect("master fd");
        // SAFETY: `fd` is the open pty master (owned by `self.master`); tcgetattr only fills the
        // zeroed struct it is given.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        let got = unsafe { libc::tcgetattr(fd, &mut termios) };
        assert_eq!(got, 0, "tcgetattr on the pty");
        termios.c_lflag & libc::ICANON != 0 && termios.c_lflag & libc::ECHO != 0
    }

    /// The terminal as the dashboard found it: main screen, cursor shown, no bracketed paste,
    /// line editing and echo back on.
    pub(crate) fn assert_terminal_restored(&self, after: &str) {
        let parser = self.screen.parser.lock().expect("lock");
        let screen = parser.screen();
        assert!(
            !screen.alternate_screen(),
            "after {after}: the terminal left the alternate screen"
        );
        assert!(
            !screen.hide_cursor(),
            "after {after}: the cursor is visible again"
        );
        assert!(
            !screen.bracketed_paste(),
            "after {after}: bracketed paste is off again"
        );
        drop(parser);
        let raw = self.screen.raw.lock().expect("raw lock");
        assert_eq!(
            occurrences(&raw, b"\x1b[>1u"),
            occurrences(&raw, b"\x1b[<1u"),
            "after {after}: every keyboard protocol pushed was popped"
        );
        drop(raw);
        assert!(
            self.canonical_and_echo(),
            "after {after}: raw mode is off (line editing and echo back)"
        );
    }
}

#[test]
fn demo_generates_downloads_and_uploads_in_a_real_terminal() {
    let mut demo = Demo::start();
    let downloads = demo.downloads();

    demo.wait_for_dashboard();
    assert!(
        demo.screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .alternate_screen(),
        "the dashboard uses the alternate screen"
    );

    demo.type_keys(b"a red fox in the snow\r");
    let done = demo.screen.wait_for(
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
    demo.type_keys(b"\t");
    std::thread::sleep(Duration::from_millis(200));
    demo.type_keys(b"u");
    let listed = demo.screen.wait_for(
        "the bucket view to list the upload",
        Duration::from_secs(20),
        |s| {
            s.contains("uploaded output-videos/task_")
                && s.lines().filter(|l| l.contains(&video_name)).count() >= 2
        },
    );
    assert!(listed.contains("uploaded output-videos/task_"), "{listed}");

    demo.type_keys(b"q");
    let status = demo.wait_exit("q");
    assert!(status.success(), "exit status {status:?}");
    demo.assert_terminal_restored("q");
}

#[test]
fn a_three_line_paste_is_one_prompt_and_one_job() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    demo.paste("a fox\nin the snow\nat dawn");
    std::thread::sleep(Duration::from_millis(300));
    demo.type_keys(b"\r");
    demo.screen
        .wait_for("the job to be created", Duration::from_secs(20), |s| {
            s.contains("queued")
        });
    // Time for any further job to show up, had the lines been sent one by one.
    std::thread::sleep(Duration::from_millis(1500));
    let screen = demo.screen.text();
    assert!(screen.contains("Jobs (1)"), "exactly one job:\n{screen}");
    assert!(!screen.contains("#2"), "no second job:\n{screen}");
    assert!(
        screen.contains("a fox in the snow at dawn"),
        "the three lines are one prompt:\n{screen}"
    );
    assert!(
        demo.screen
            .parser
            .lock()
            .expect("lock")
            .screen()
            .bracketed_paste(),
        "the dashboard asked the terminal for bracketed paste"
    );

    demo.type_keys(b"\x03"); // Ctrl-C
    let status = demo.wait_exit("Ctrl-C");
    assert!(status.success(), "exit status {status:?}");
    demo.assert_terminal_restored("Ctrl-C");
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_remove_the_demo_dir() {
    for (signal, name, code) in [
        (libc::SIGTERM, "SIGTERM", 143),
        (libc::SIGHUP, "SIGHUP", 129),
    ] {
        let mut demo = Demo::start();
        demo.wait_for_dashboard();
        demo.type_keys(b"a fox in the snow\r");
        demo.screen
            .wait_for("the job to be created", Duration::from_secs(20), |s| {
                s.contains("queued")
            });
        let dir = demo.demo_dir();
        assert!(dir.is_dir(), "the demo keeps its journal in {dir:?}");
        assert!(
            !demo.canonical_and_echo(),
            "the dashboard runs the terminal in raw mode"
        );

        let pid = demo.child.process_id().expect("pid");
        let pid = i32::try_from(pid).expect("pid fits");
        // SAFETY: kill(2) on the child this test spawned; it has not been waited for yet.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0, "send {name}");
        let status = demo.wait_exit(name);
        demo.assert_terminal_restored(name);
        assert!(
            !dir.exists(),
            "after {name}: the demo's dir {dir:?} is gone"
        );
        assert_eq!(
            status.exit_code(),
            code,
            "{name} ends the dashboard with 128 + {signal}: {status:?}"
        );
    }
}

#[test]
fn a_rate_limited_create_shows_in_the_timeline_while_it_waits() {
    let mut demo = Demo::start();
    demo.wait_for_dashboard();
    // [429]: the simulator refuses the create once, with Retry-After: 2.
    demo.type_keys(b"a fox [429]\r");
    let screen = demo.screen.wait_for(
        "the refused create in the timeline",
        Duration::from_secs(10),
        |s| s.contains("⟳ create 429 · Retry-After 2.0s"),
    );
    assert!(screen.contains("create refused: HTTP 429"), "{screen}");
    demo.screen.wait_for(
        "the job, created by the retry",
        Duration::from_secs(20),
        |s| s.contains("⟳ create 429 · Retry-After 2.0s · retried") && s.contains("queued"),
    );
    demo.type_keys(b"\x03"); // Ctrl-C
    demo.wait_exit("Ctrl-C");
}

/// The percentage on job #1's summary line, if it shows one (`… "a red fox"  Runway gen4.5  42%`).
fn job_percent(screen: &str) -> Option<u8> {
    let line = screen.lines().find(|l| l.contains("#1 "))?;
    line.split_whitespace()
        .rev()
        .find_map(|word| word.strip_suffix('%')?.parse().ok())
}

#[test]
fn demo_switches_to_runway_shows_progress_as_a_percentage_and_saves_the_video() {
    let mut demo = Demo::start();
    let downloads = demo.downloads();
    demo.wait_for_dashboard();
    demo.screen.wait_for(
        "the Runway balance in the header",
        Duration::from_secs(20),
        |s| {
            s.lines()
                .next()
                .is_some_and(|h| h.contains("Runway: 5000 credits"))
        },
    );

    // Alt-p until the header names Runway's model as the active service (at most once round).
    let header_on_runway = |s: &str| s.lines().next().is_some_and(|h| h.contains("· gen4.5 ("));
    for _ in 0..5 {
        if header_on_runway(&demo.screen.text()) {
            break;
        }
        demo.type_keys(b"\x1bp");
        std::thread::sleep(Duration::from_millis(300));
    }
    let switched = demo.screen.wait_for(
        "Runway as the active service",
        Duration::from_secs(5),
        |s| header_on_runway(s),
    );
    assert!(
        switched.contains("ratio 1280:720") && switched.contains("60 credits ($0.60)"),
        "the prompt panel shows gen4.5's parameters and estimate:\n{switched}"
    );

    demo.type_keys(b"a red fox in the snow\r");
    // Watch the job to its end, noting every percentage the timeline shows while RUNNING.
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut seen: Vec<u8> = Vec::new();
    let done = loop {
        let screen = demo.screen.text();
        if let Some(p) = job_percent(&screen).filter(|_| screen.contains("RUNNING"))
            && seen.last() != Some(&p)
        {
            seen.push(p);
        }
        if screen.contains("✓ downloaded 1 file") {
            break screen;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for the Runway job to be saved (percentages seen: {seen:?}); screen:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        !seen.is_empty(),
        "RUNNING showed its progress as a percentage:\n{done}"
    );
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "the percentage rises: {seen:?}"
    );
    assert!(
        done.contains("SUCCEEDED") && done.contains("Runway gen4.5"),
        "{done}"
    );
    assert!(!done.contains("key_0000"), "no Runway key on screen");

    let video = std::fs::read_dir(&downloads)
        .expect("download dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .unwrap_or_else(|| panic!("an mp4 in {downloads:?}"));
    assert!(
        std::fs::metadata(&video).expect("video").len() > 0,
        "{video:?} is the saved video"
    );

    demo.type_keys(b"\x03"); // Ctrl-C
    let status = demo.wait_exit("Ctrl-C");
    assert!(status.success(), "exit status {status:?}");
}

#[test]
fn a_key_remapped_in_the_config_does_its_action_and_the_old_key_does_not() {
    let mut demo = Demo::start_with_config("[keys]\n\"browse.show_history\" = [\"Y\"]\n");
    demo.wait_for_dashboard();
    demo.type_keys(b"\x1b"); // Esc: out of the prompt, where letters are text
    std::thread::sleep(Duration::from_millis(300));
    demo.type_keys(b"H");
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !demo.screen.text().contains(" History "),
        "H is no longer the history key:\n{}",
        demo.screen.text()
    );
    demo.type_keys(b"Y");
    let page = demo
        .screen
        .wait_for("the history page", Duration::from_secs(10), |s| {
            s.contains(" History ")
        });
    assert!(page.contains("History"), "{page}");
    demo.type_keys(b"\x03");
    let status = demo.wait_exit("Ctrl-C");
    assert!(status.success(), "exit status {status:?}");
}
