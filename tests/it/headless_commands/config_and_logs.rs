//! The config file's `[http]` bounds, the warning about plain-HTTP endpoints off this machine, and
//! the log file (one that cannot be opened, `--log-level debug`).

use super::*;

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
fn a_log_that_cannot_be_opened_costs_the_log_not_the_command() {
    let sandbox = Sandbox::new();
    // The default place (a root-owned file left by a `sudo` run stands in as a directory, which
    // no one can open as the log either).
    let default_log = sandbox.path().join("state/sora-tui/logs/sora-tui.log");
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

#[test]
fn log_level_debug_fills_the_log_file_and_never_the_terminal() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &[]);
    let quiet = ok(&run(&sandbox, &sim, "azure-sora", &["jobs"]));
    let log = sandbox.path().join("state/sora-tui/logs/sora-tui.log");
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
