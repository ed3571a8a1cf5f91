//! The simulator's fal queue as the official `fal-client` sees it, over the simulator's TLS
//! listener: runs `tests/python/test_fal_client.py` with `.venv-test/bin/python`.
//! `scripts/setup-python.sh` makes the venv; without it this test fails (no skip).

use crate::common;

use std::path::Path;
use std::time::Duration;

use sora_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_fal_client_submits_polls_fetches_and_cancels_over_tls() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = SimConfig {
        status_step: Duration::from_millis(300),
        tls: true,
        ..SimConfig::default()
    };
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    let host = handle.tls_host().expect("TLS is on");
    let cert = handle.tls_cert_file().expect("a certificate file");
    assert!(cert.exists(), "the certificate is written at start");
    let lines = sora_sim::env_lines(&handle, &config);
    assert!(lines.contains(&format!("export FAL_QUEUE_RUN_HOST={host}")));
    assert!(lines.contains(&format!("export SSL_CERT_FILE={}", cert.display())));
    common::python::run_script(
        "test_fal_client.py",
        &[
            ("FAL_KEY", config.fal_key.clone()),
            ("FAL_QUEUE_RUN_HOST", host),
            ("SSL_CERT_FILE", cert.display().to_string()),
            (
                "SIM_ASSET_MP4",
                root.join("assets/sample.mp4").display().to_string(),
            ),
        ],
    )
    .await;
    let requests = handle.requests();
    handle.shutdown().await;

    let submit = requests
        .iter()
        .find(|r| r.method == "POST" && r.path == "/fal-ai/veo3.1")
        .expect("a submit");
    assert_eq!(
        submit.header("authorization"),
        Some(format!("Key {}", config.fal_key).as_str())
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path.starts_with("/fal-ai/veo3.1/requests/") && r.path.ends_with("/status")),
        "status polled under owner/app"
    );
    let media: Vec<_> = requests.iter().filter(|r| r.origin == "media").collect();
    assert!(!media.is_empty(), "the video came from the media origin");
    assert!(
        media.iter().all(|r| r.header("authorization").is_none()),
        "no key reaches the media origin"
    );
}
