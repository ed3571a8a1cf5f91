//! Inputs that must not steer the commands: ids that would change the URL, special files as the
//! image or the config, escape sequences from the service and journal, dates past the year 9999.

use super::*;

#[test]
fn escape_sequences_from_the_service_and_journal_are_shown_not_obeyed() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let prompt = "a fox\u{1b}[2J\u{1b}]0;owned\u{7} in snow\u{9b}31m";
    let generated = ok(&run(
        &sandbox,
        &sim,
        "azure-sora",
        &["generate", prompt, "--out", out.to_str().expect("utf-8")],
    ));
    let listed = ok(&run(&sandbox, &sim, "azure-sora", &["jobs"]));
    let history = ok(&run(&sandbox, &sim, "azure-sora", &["history"]));
    for (what, text) in [
        ("generate", &generated),
        ("jobs", &listed),
        ("history", &history),
    ] {
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{what} printed a raw control character:\n{text:?}"
        );
        assert!(
            text.contains(r"a fox\x1b[2J\x1b]0;owned\x07 in snow\x9b31m"),
            "{what} shows the prompt with its escapes visible:\n{text}"
        );
    }
}

#[test]
fn history_shows_an_entry_dated_after_the_year_9999_instead_of_panicking() {
    let sandbox = Sandbox::new();
    let data = sandbox.path().join("data-dir");
    std::fs::create_dir_all(&data).expect("data dir");
    // 10000-01-01T00:00:00Z in milliseconds, as a damaged or hand-edited journal may hold.
    let at: u64 = 253_402_300_800_000;
    let journal = format!(
        "{{\"format\":\"sora-tui-journal\",\"version\":1}}\n\
         {{\"seq\":1,\"at\":{at},\"id\":\"j1\",\"kind\":\"intent\",\"family\":\"azure-sora\",\"provider\":\"Azure Sora\",\"request\":{{\"prompt\":\"a fox\",\"size\":\"480x480\",\"seconds\":5,\"variants\":1}},\"upload\":false}}\n\
         {{\"seq\":2,\"at\":{at},\"id\":\"j1\",\"kind\":\"created\",\"job_id\":\"task_1\"}}\n"
    );
    std::fs::write(data.join("journal.jsonl"), journal).expect("journal");
    let output = sandbox
        .command()
        .env("SORA_TUI_DATA_DIR", &data)
        .arg("history")
        .output()
        .expect("run history");
    let stdout = ok(&output);
    assert!(
        stdout.contains("unix time 253402300800") && stdout.contains("task_1"),
        "{stdout}"
    );
}

/// A port where no service lives: each connection is counted and closed at once, so a test can
/// prove that a command sent nothing.
struct Tripwire {
    url: String,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Tripwire {
    fn start() -> Self {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let hits = std::sync::Arc::new(AtomicUsize::new(0));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (h, s) = (hits.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
            while !s.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
                match listener.accept() {
                    Ok(_) => {
                        h.fetch_add(1, Ordering::SeqCst);
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(10)),
                }
            }
        });
        Self {
            url,
            hits,
            stop,
            thread: Some(thread),
        }
    }

    fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for Tripwire {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A command pointed at the tripwire as its Azure Sora endpoint, with a key.
fn tripwire_command(sandbox: &Sandbox, wire: &Tripwire, args: &[&str]) -> std::process::Command {
    let mut cmd = sandbox.command();
    cmd.env("AZURE_OPENAI_ENDPOINT", &wire.url)
        .env("AZURE_OPENAI_API_KEY", "test-key-not-secret-0000")
        .env("SORA_TUI_DATA_DIR", sandbox.path().join("data-dir"))
        .args(args);
    cmd
}

#[test]
fn ids_that_would_change_the_url_are_refused_before_any_request() {
    let sandbox = Sandbox::new();
    let wire = Tripwire::start();
    let out = sandbox.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    for (provider, args) in [
        ("azure-sora", vec!["status", ""]),
        ("azure-sora", vec!["status", ".."]),
        ("azure-sora", vec!["status", "task_1/../.."]),
        ("azure-sora", vec!["delete", ".."]),
        ("azure-sora", vec!["download", "..", "--out", out_arg]),
        (
            "azure-sora2",
            vec!["remix", "..", "now in the rain", "--out", out_arg],
        ),
        ("azure-sora2", vec!["status", "video_1\u{1b}[2J"]),
    ] {
        let mut cmd = tripwire_command(&sandbox, &wire, &args);
        cmd.env("SORA_TUI_PROVIDER", provider);
        let output = run_bounded(cmd, std::time::Duration::from_secs(30));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} must fail");
        assert!(
            stderr.contains("is not a job or video id") && stderr.contains("nothing was sent"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains('\u{1b}'), "{args:?}: {stderr}");
        assert_eq!(wire.hits(), 0, "{args:?} sent a request");
    }
}

#[test]
fn special_files_given_as_the_image_are_refused_at_once() {
    let sandbox = Sandbox::new();
    let wire = Tripwire::start();
    let fifo = sandbox.path().join("image.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let dir = sandbox.path().join("a-directory");
    std::fs::create_dir_all(&dir).expect("dir");
    for (image, kind) in [
        (fifo.to_str().expect("utf-8"), "named pipe"),
        (dir.to_str().expect("utf-8"), "directory"),
        ("/dev/zero", "character device"),
    ] {
        let cmd = tripwire_command(
            &sandbox,
            &wire,
            &["generate", "a red fox", "--image", image],
        );
        let started = std::time::Instant::now();
        let output = run_bounded(cmd, std::time::Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{image}: {stderr}");
        assert!(
            stderr.contains(kind) && stderr.contains("not a regular file"),
            "{image}: {stderr}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{image}"
        );
        assert_eq!(wire.hits(), 0, "{image}: nothing may be sent");
    }
}

#[test]
fn a_special_or_huge_config_file_is_refused_at_once() {
    let sandbox = Sandbox::new();
    let fifo = sandbox.path().join("config.fifo");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let huge = sandbox.path().join("huge.toml");
    std::fs::write(&huge, "#".repeat(2 * 1024 * 1024)).expect("write");
    for (config, says) in [
        ("/dev/zero", "is a character device, not a regular file"),
        (
            fifo.to_str().expect("utf-8"),
            "is a named pipe (FIFO), not a regular file",
        ),
        (huge.to_str().expect("utf-8"), "is larger than 1 MiB"),
    ] {
        let mut cmd = sandbox.command();
        cmd.args(["--config", config, "history"]);
        let output = run_bounded(cmd, std::time::Duration::from_secs(20));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{config}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.contains(config),
            "{config}: {stderr}"
        );
    }
}
