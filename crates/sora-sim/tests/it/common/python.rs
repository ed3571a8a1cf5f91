//! Running a script of `tests/python/` with the venv that `scripts/setup-python.sh` makes, for
//! the tests that prove the simulator speaks the real protocols to the official clients.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// Run `tests/python/<script>` with `env`, without blocking the runtime that serves the
/// simulator; kill it after [`TIME_LIMIT`]. Fails (never skips) when the venv is missing.
/// Returns stdout once the script succeeded; panics with both outputs otherwise.
pub async fn run_script(script: &str, env: &[(&str, String)]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh first (it installs the pinned official clients)",
        python.display()
    );
    let mut command = Command::new(&python);
    command
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/python")
                .join(script),
        )
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONUNBUFFERED", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("the venv's python starts");
    // Drained while the script runs, so a chatty script cannot fill a pipe and hang.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut text);
            }
            text
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("child status") {
            break Some(status);
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    match status {
        None => {
            panic!("{script} ran over {TIME_LIMIT:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}")
        }
        Some(s) if !s.success() => {
            panic!("{script} failed ({s})\n--- stdout\n{stdout}\n--- stderr\n{stderr}")
        }
        Some(_) => stdout,
    }
}
