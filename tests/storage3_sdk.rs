//! The simulator's Videos API (OpenAI and Azure bases) as the official `openai` Python SDK sees
//! it: runs `tests/python/test_storage3.py` with `.venv-test/bin/python` against an in-process
//! simulator. `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sora_tui::sim::{self, SimConfig};

const TIME_LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_storage3_client_speaks_to_the_simulator() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh first (it installs the pinned storage3 client)",
        python.display()
    );
    let config = SimConfig::default();
    let handle = sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");

    let mut child = Command::new(&python)
        .arg(root.join("tests/python/test_storage3.py"))
        .env("SIM_BASE_URL", handle.base_url())
        .env("SIM_SUPABASE_KEY", &config.supabase_key)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("PYTHONUNBUFFERED", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the venv's python starts");

    // Wait without blocking the runtime that serves the simulator; kill after the time limit.
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
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut stderr);
    }
    let requests = handle.requests();
    handle.shutdown().await;
    let Some(status) = status else {
        panic!(
            "the SDK script ran over {TIME_LIMIT:?}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        );
    };
    assert!(
        status.success(),
        "the SDK script failed ({status})\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );

    // What the client sent, as the simulator recorded it.
    assert!(
        requests
            .iter()
            .any(|r| r.method == "POST" && r.path == "/storage/v1/bucket")
    );
    assert!(requests.iter().any(|r| {
        r.method == "POST" && r.path == "/storage/v1/object/sdk-bucket/folder/clip.mp4"
    }));
    assert!(
        requests
            .iter()
            .any(|r| r.path.starts_with("/storage/v1/object/sign/") && r.status == 200)
    );
}
