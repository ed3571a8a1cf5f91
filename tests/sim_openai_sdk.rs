//! The simulator's Videos API (OpenAI and Azure bases) as the official `openai` Python SDK sees
//! it: runs `tests/python/test_openai_sdk.py` with `.venv-test/bin/python` against an in-process
//! simulator. `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sora_tui::sim::{self, SimConfig};

const TIME_LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_both_bases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv-test/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-python.sh first (it installs the pinned openai SDK)",
        python.display()
    );
    let config = SimConfig {
        status_step: Duration::from_millis(100),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    };
    let handle = sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");

    let mut child = Command::new(&python)
        .arg(root.join("tests/python/test_openai_sdk.py"))
        .env("SIM_BASE_URL", handle.base_url())
        .env("SIM_OPENAI_KEY", &config.openai_api_key)
        .env("SIM_AZURE_KEY", &config.azure_api_key)
        .env("SIM_ASSET_MP4", root.join("assets/sample.mp4"))
        .env("SIM_ASSET_WEBP", root.join("assets/thumbnail.webp"))
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

    // What the SDK sent, as the simulator recorded it.
    let create = requests
        .iter()
        .find(|r| r.method == "POST" && r.path == "/v1/videos")
        .expect("a create on the OpenAI base");
    assert!(
        create
            .header("content-type")
            .is_some_and(|t| t.starts_with("multipart/form-data; boundary=")),
        "the SDK creates with multipart: {:?}",
        create.header("content-type")
    );
    assert_eq!(
        create.header("authorization"),
        Some(format!("Bearer {}", config.openai_api_key).as_str())
    );
    let download = requests
        .iter()
        .find(|r| r.path.ends_with("/content"))
        .expect("a content download");
    assert_eq!(download.header("accept"), Some("application/binary"));
    assert!(requests.iter().any(|r| {
        r.path.starts_with("/v1/videos/") && r.header("x-stainless-poll-helper") == Some("true")
    }));
    assert!(
        requests
            .iter()
            .any(|r| r.path.starts_with("/openai/v1/videos")
                && r.header("authorization")
                    == Some(format!("Bearer {}", config.azure_api_key).as_str()))
    );
}
