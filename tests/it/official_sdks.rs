//! The official `runwayml` 5.24.0 and `fal-client` 1.0.3 Python clients against `sora-tui sim`
//! run as a user runs it: a separate process, configured only by the env lines it prints
//! (`RUNWAYML_BASE_URL`, `RUNWAYML_API_SECRET`, `FAL_KEY`, `FAL_QUEUE_RUN_HOST`, `SSL_CERT_FILE`).
//! The scripts are the simulator's own (crates/sora-sim/tests/python/); the venv is made by
//! `scripts/setup-python.sh`, and without it these tests fail, never skip.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{Sandbox, SimProcess};

fn run_script(sim: &SimProcess, script: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh (it installs the pinned official clients)",
        python.display()
    );
    let mut cmd = Command::new(python);
    cmd.arg(root.join("crates/sora-sim/tests/python").join(script))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("PYTHONUNBUFFERED", "1")
        .env("SIM_ASSET_MP4", root.join("assets/sample.mp4"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in &sim.env {
        cmd.env(k, v);
    }
    let child = cmd.spawn().expect("python starts");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = rx
        .recv_timeout(Duration::from_secs(180))
        .expect("the script ended in time")
        .expect("output");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{script} against sora-tui sim:\n{text}"
    );
    text
}

#[test]
fn the_official_runway_sdk_works_against_sora_tui_sim() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.3"]);
    let out = run_script(&sim, "test_runway_sdk.py");
    assert!(out.contains("wait_for_task_output: ok"), "{out}");
}

#[test]
fn the_official_fal_client_works_over_the_sims_tls_against_sora_tui_sim() {
    let sandbox = Sandbox::new();
    let sim = SimProcess::start(&sandbox, &["--status-step", "0.3"]);
    assert!(sim.var("SSL_CERT_FILE").ends_with(".pem"));
    run_script(&sim, "test_fal_client.py");
}
