//! The simulator's Runway API as the official `runwayml` Python SDK sees it: runs
//! `tests/python/test_runway_sdk.py` with `.venv-test/bin/python` against an in-process
//! simulator. `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use crate::common;

use std::path::Path;
use std::time::Duration;

use sora_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_runwayml_sdk_creates_polls_waits_and_deletes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = SimConfig {
        status_step: Duration::from_millis(300),
        ..SimConfig::default()
    };
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    common::python::run_script(
        "test_runway_sdk.py",
        &[
            ("RUNWAYML_BASE_URL", handle.base_url()),
            ("RUNWAYML_API_SECRET", config.runway_api_key.clone()),
            (
                "SIM_ASSET_MP4",
                root.join("assets/sample.mp4").display().to_string(),
            ),
        ],
    )
    .await;
    let requests = handle.requests();
    handle.shutdown().await;

    let create = requests
        .iter()
        .find(|r| r.method == "POST" && r.path == "/v1/text_to_video")
        .expect("a text_to_video create");
    assert_eq!(create.header("x-runway-version"), Some("2024-11-06"));
    let body: serde_json::Value = serde_json::from_slice(&create.body).expect("JSON body");
    assert_eq!(
        body["promptText"], "a red fox in the snow",
        "camelCase body"
    );
    let media: Vec<_> = requests.iter().filter(|r| r.origin == "media").collect();
    assert!(
        media.len() >= 2,
        "the outputs were fetched from the media origin"
    );
    assert!(
        media.iter().all(|r| r.header("authorization").is_none()
            && r.headers
                .iter()
                .all(|(_, v)| !v.contains(&config.runway_api_key))),
        "no key reaches the media origin"
    );
}
