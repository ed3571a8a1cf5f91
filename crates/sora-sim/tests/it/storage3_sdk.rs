//! The simulator's Storage API as the official `storage3` Python client sees it: runs
//! `tests/python/test_storage3.py` with `.venv-test/bin/python` against an in-process
//! simulator. `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use crate::common;

use sora_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_storage3_client_speaks_to_the_simulator() {
    let config = SimConfig::default();
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    common::python::run_script(
        "test_storage3.py",
        &[
            ("SIM_BASE_URL", handle.base_url()),
            ("SIM_SUPABASE_KEY", config.supabase_key.clone()),
            ("SIM_SUPABASE_ANON_KEY", config.supabase_anon_key.clone()),
        ],
    )
    .await;
    let requests = handle.requests();
    handle.shutdown().await;

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
