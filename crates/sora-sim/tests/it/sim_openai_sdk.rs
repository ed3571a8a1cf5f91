//! The simulator's Videos API (OpenAI and Azure bases) as the official `openai` Python SDK sees
//! it: runs `tests/python/test_openai_sdk.py` with `.venv-test/bin/python` against an in-process
//! simulator. `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use crate::common;

use std::path::Path;
use std::time::Duration;

use sora_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_python_sdk_drives_both_bases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = SimConfig {
        status_step: Duration::from_millis(100),
        content_delay: Duration::ZERO,
        ..SimConfig::default()
    };
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    let asset = |name: &str| root.join("assets").join(name).display().to_string();
    common::python::run_script(
        "test_openai_sdk.py",
        &[
            ("SIM_BASE_URL", handle.base_url()),
            ("SIM_OPENAI_KEY", config.openai_api_key.clone()),
            ("SIM_AZURE_KEY", config.azure_api_key.clone()),
            ("SIM_ASSET_MP4", asset("sample.mp4")),
            ("SIM_ASSET_WEBP", asset("thumbnail.webp")),
        ],
    )
    .await;
    let requests = handle.requests();
    handle.shutdown().await;

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
