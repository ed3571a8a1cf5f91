//! The headless subcommands against `sora-tui sim` in another process: `jobs`, `status`,
//! `download`, `delete` and `remix`, for the families that have them.

use crate::common;

use std::process::Output;
use std::time::{Duration, Instant};

use common::{SAMPLE_MP4, Sandbox, SimProcess, run_bounded};
use serde_json::Value;

fn run(sandbox: &Sandbox, sim: &SimProcess, provider: &str, args: &[&str]) -> Output {
    let config = sandbox.fast_config();
    let mut cmd = sandbox.command();
    cmd.arg("--config").arg(&config).args(args);
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    cmd.env("SORA_TUI_PROVIDER", provider);
    if provider == "openai" {
        cmd.env(
            "OPENAI_BASE_URL",
            format!("{}/v1", sim.var("AZURE_OPENAI_ENDPOINT")),
        );
    }
    cmd.output().expect("run sora-tui")
}

fn ok(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The job id from `generate`'s "created <id>" line.
fn created_id(stdout: &str) -> String {
    stdout
        .lines()
        .find_map(|l| l.split("created ").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no created line in:\n{stdout}"))
        .to_string()
}

fn cycle(provider: &str, size: &str, seconds: &str) {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.1", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    let generated = ok(&run(
        &sandbox,
        &sim,
        provider,
        &[
            "generate",
            "a red fox",
            "--size",
            size,
            "--seconds",
            seconds,
            "--out",
            out_arg,
        ],
    ));
    assert!(generated.contains("estimated cost $"), "{generated}");
    let id = created_id(&generated);

    let listed = ok(&run(&sandbox, &sim, provider, &["jobs", "--json"]));
    let jobs: serde_json::Value = serde_json::from_str(&listed).expect("jobs --json is JSON");
    let first = &jobs[0];
    assert_eq!(first["id"], id.as_str());
    assert!(
        first["status"] == "succeeded" || first["status"] == "completed",
        "{first}"
    );
    assert_eq!(first["size"], size);

    let status = ok(&run(&sandbox, &sim, provider, &["status", &id]));
    assert!(
        status.starts_with(&id) && status.contains("content expires in"),
        "{status}"
    );

    let again = sandbox.path().join("again");
    let fetched = ok(&run(
        &sandbox,
        &sim,
        provider,
        &[
            "download",
            &id,
            "--variant",
            "all",
            "--out",
            again.to_str().expect("utf-8"),
        ],
    ));
    assert!(fetched.contains("saved"), "{fetched}");
    let files: Vec<_> = std::fs::read_dir(&again)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    let video = files
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "mp4"))
        .expect("video");
    assert_eq!(std::fs::read(video).expect("read"), SAMPLE_MP4);
    let expected_files = if provider == "azure-sora" { 2 } else { 3 };
    assert_eq!(files.len(), expected_files, "every rendition: {files:?}");

    let deleted = ok(&run(&sandbox, &sim, provider, &["delete", &id]));
    assert!(deleted.contains(&format!("deleted {id}")));
    let gone = run(&sandbox, &sim, provider, &["status", &id]);
    assert!(!gone.status.success());
    let gone = String::from_utf8_lossy(&gone.stderr);
    assert!(gone.contains("404"), "{gone}");
    // An unknown id is the id's problem, not the endpoint's: the endpoint answered.
    assert!(
        gone.contains(&format!("No job or video `{id}` here")) && gone.contains("expired"),
        "{gone}"
    );
    assert!(
        !gone.contains("check the endpoint is the resource URL"),
        "{gone}"
    );
}

#[test]
fn azure_sora_jobs_status_download_delete() {
    cycle("azure-sora", "480x480", "5");
}

#[test]
fn azure_sora_2_jobs_status_download_delete() {
    cycle("azure-sora2", "1280x720", "4");
}

#[test]
fn openai_jobs_status_download_delete() {
    cycle("openai", "720x1280", "8");
}

#[test]
fn remix_makes_a_new_video_from_a_finished_one_and_sora_1_says_it_cannot() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.1", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let out_arg = out.to_str().expect("utf-8");
    let generated = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["generate", "a red fox", "--out", out_arg],
    ));
    let id = created_id(&generated);
    let remixed = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["remix", &id, "now in the rain", "--out", out_arg],
    ));
    let new_id = created_id(&remixed);
    assert_ne!(new_id, id);
    let status = ok(&run(
        &sandbox,
        &sim,
        "openai",
        &["status", &new_id, "--json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&status).expect("json");
    assert_eq!(v["remixed_from"], id.as_str());

    let refused = run(
        &sandbox,
        &sim,
        "azure-sora",
        &["remix", "task_x", "anything"],
    );
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("cannot remix"));
}

#[test]
fn jobs_pages_with_after() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05", "--content-delay", "0"]);
    let out = sandbox.path().join("out");
    let mut ids = Vec::new();
    for prompt in ["fox one", "fox two", "fox three"] {
        let generated = ok(&run(
            &sandbox,
            &sim,
            "azure-sora",
            &["generate", prompt, "--out", out.to_str().expect("utf-8")],
        ));
        ids.push(created_id(&generated));
    }
    let first = ok(&run(
        &sandbox,
        &sim,
        "azure-sora",
        &["jobs", "--limit", "2"],
    ));
    assert!(
        first.starts_with(&ids[2]) && first.contains(&ids[1]) && !first.contains(&ids[0]),
        "{first}"
    );
    let hint = format!("sora-tui jobs --after {}", ids[1]);
    assert!(first.contains(&hint), "{first}");
    let second = ok(&run(
        &sandbox,
        &sim,
        "azure-sora",
        &["jobs", "--limit", "2", "--after", &ids[1]],
    ));
    assert!(
        second.starts_with(&ids[0]) && !second.contains("--after"),
        "{second}"
    );
}

/// `[http]` in the config file is the policy every request follows: a service that accepts the
/// connection and never answers ends `status` after the configured time to first byte, with a
/// message that names the setting.
#[test]
fn the_config_files_http_section_bounds_a_silent_service() {
    let sandbox = Sandbox::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        // Accept and hold every connection; answer nothing.
        let mut held = Vec::new();
        for connection in listener.incoming() {
            held.push(connection);
        }
    });
    let config = sandbox.path().join("config.toml");
    std::fs::write(
        &config,
        "[http]\nfirst_byte_timeout_secs = 1\njson_deadline_secs = 2\n",
    )
    .expect("write config");
    let started = std::time::Instant::now();
    let output = sandbox
        .command()
        .arg("--config")
        .arg(&config)
        .args(["status", "task_1"])
        .env("AZURE_OPENAI_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .env("AZURE_OPENAI_API_KEY", "test-key-not-real")
        .output()
        .expect("run sora-tui");
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("no answer within 1 s (http.first_byte_timeout_secs)"),
        "{stderr}"
    );
    assert!(took < std::time::Duration::from_secs(10), "{took:?}");
}

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
fn a_log_that_cannot_be_opened_costs_the_log_not_the_command() {
    let sandbox = Sandbox::new();
    // The default place (a root-owned file left by a `sudo` run stands in as a directory, which
    // no one can open as the log either).
    let default_log = sandbox.path().join("data/sora-tui/logs/sora-tui.log");
    std::fs::create_dir_all(&default_log).expect("block the default log");
    let output = sandbox.command().arg("history").output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("running without a log file"))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning line: {stderr}");
    assert!(
        warnings[0].contains(&default_log.display().to_string()),
        "{stderr}"
    );

    // SORA_TUI_DATA_DIR moves the log with the journal: written there, and a blocked log there
    // is the same single warning.
    let data = sandbox.path().join("elsewhere");
    let output = sandbox
        .command()
        .env("SORA_TUI_DATA_DIR", &data)
        .arg("history")
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let log = data.join("logs/sora-tui.log");
    assert!(log.is_file(), "the log is under SORA_TUI_DATA_DIR");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&log).expect("log").permissions().mode();
        assert_eq!(mode & 0o077, 0, "the log is the owner's only: {mode:o}");
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

#[test]
fn a_plain_http_endpoint_off_this_machine_is_warned_about_once() {
    let sandbox = Sandbox::new();
    let data = sandbox.path().join("data-dir");
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = sandbox.command();
        cmd.env("SORA_TUI_DATA_DIR", &data).args(["status", ".."]);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        // `..` is refused before any request, so nothing goes to these hosts.
        let output = cmd.output().expect("run");
        assert_eq!(output.status.code(), Some(1));
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = run(&[
        ("SORA_TUI_PROVIDER", "openai"),
        ("OPENAI_API_KEY", "test-key-not-secret-0000"),
        (
            "OPENAI_BASE_URL",
            "http://gw-user:gw-pass-9f3a@gw.example.com/v1",
        ),
    ]);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("plain http://"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("openai.base_url")
            && warnings[0].contains("http://gw-user:***@gw.example.com/v1")
            && warnings[0].contains("use https://"),
        "{stderr}"
    );
    assert!(!stderr.contains("gw-pass-9f3a"), "{stderr}");

    let local = run(&[
        ("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9"),
        ("AZURE_OPENAI_API_KEY", "test-key-not-secret-0000"),
    ]);
    assert!(!local.contains("plain http"), "loopback is fine: {local}");
}

/// `sora-tui sim` behaves as the services do unless a fault is asked for: the official SDKs'
/// `create_and_poll` then `download_content` gets the video at once.
#[test]
fn sora_tui_sim_serves_content_as_soon_as_a_job_completes() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.05"]);
    let base = format!("{}/v1", sim.var("SUPABASE_URL"));
    let key = sim.var("OPENAI_API_KEY").to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let client = sora_core::http::client().expect("client");
        let created: Value = client
            .request(reqwest::Method::POST, format!("{base}/videos"))
            .bearer_auth(&key)
            .json(&serde_json::json!({"model": "sora-2", "prompt": "a fox", "seconds": "4"}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("JSON");
        let id = created["id"].as_str().expect("an id").to_string();
        // As the SDK's create_and_poll: poll until completed, then download at once.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let video: Value = client
                .get(format!("{base}/videos/{id}"))
                .bearer_auth(&key)
                .send()
                .await
                .expect("poll")
                .json()
                .await
                .expect("JSON");
            if video["status"] == "completed" {
                break;
            }
            assert!(Instant::now() < deadline, "never completed: {video}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let content = client
            .get(format!("{base}/videos/{id}/content"))
            .bearer_auth(&key)
            .send()
            .await
            .expect("content");
        assert_eq!(
            content.status(),
            200,
            "downloadable as soon as it completed"
        );
    });
}

#[test]
fn log_level_debug_fills_the_log_file_and_never_the_terminal() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let quiet = ok(&run(&sandbox, &sim, "azure-sora", &["jobs"]));
    let log = sandbox.path().join("data/sora-tui/logs/sora-tui.log");
    let info_only = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        !info_only.contains("DEBUG"),
        "info by default:\n{info_only}"
    );
    let output = run(
        &sandbox,
        &sim,
        "azure-sora",
        &["jobs", "--log-level", "debug"],
    );
    let loud = ok(&output);
    assert_eq!(loud, quiet, "the same output on the terminal");
    assert!(
        String::from_utf8_lossy(&output.stderr).is_empty(),
        "nothing logged to the terminal"
    );
    let debug = std::fs::read_to_string(&log).expect("log file");
    assert!(debug.contains("DEBUG"), "debug lines in the log:\n{debug}");
    assert!(!debug.contains("sim-azure-key"), "no key in the log");
}
