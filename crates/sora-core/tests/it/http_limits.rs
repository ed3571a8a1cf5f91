//! The request policy's limits against servers that misbehave: one that accepts and never
//! answers, one that trickles a byte every 2 s, one that sends a 300 MB error body, one that
//! stops taking an upload. Each call ends in bounded time and memory with a clear message.
//! Small configured timeouts keep each case to a few seconds.

use crate::common::{
    self,
    http_server::{Reply, Server},
};

use std::time::{Duration, Instant};

use sora_core::download::{self, DownloadOptions, RetrySchedule};
use sora_core::http::{Http, HttpPolicy};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::{ModelProfile, Pricing};
use sora_core::secret::Secret;
use sora_core::storage::StorageClient;

const KEY: &str = "azure-key-never-shown-1234";
const MB: u64 = 1024 * 1024;

/// Limits small enough for tests: a stall is 5 s (so a byte every 2 s is a trickle, not a
/// stall), the minimum rate 64 bytes/s over 3 s, the first byte due within 1 s.
fn quick() -> HttpPolicy {
    HttpPolicy {
        first_byte_timeout: Duration::from_secs(1),
        stall_timeout: Duration::from_secs(5),
        min_rate: 64,
        rate_window: Duration::from_secs(3),
        json_deadline: Duration::from_secs(4),
        ..HttpPolicy::default()
    }
}

fn http(policy: HttpPolicy) -> Http {
    Http::new(policy).expect("http")
}

fn azure(http: Http, server: &Server) -> AzureSoraClient {
    AzureSoraClient::new(
        http,
        server.base(),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(KEY)),
        ModelProfile::azure_sora(&Pricing::default()),
    )
}

fn storage(http: Http, server: &Server) -> StorageClient {
    StorageClient::new(http, server.base(), Secret::new("storage-key-never-shown"))
}

/// Run `call` with a generous outer bound; the error text and how long it took.
async fn ends<T: std::fmt::Debug, E: std::fmt::Display>(
    what: &str,
    call: impl std::future::Future<Output = Result<T, E>>,
) -> (String, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .unwrap_or_else(|_| panic!("{what}: still running after 30 s"));
    let text = match result {
        Ok(v) => panic!("{what}: succeeded against a broken server: {v:?}"),
        Err(e) => e.to_string(),
    };
    (text, started.elapsed())
}

/// One attempt at a content download of a video from `server` to `target`, under `policy`.
async fn content_download(
    policy: HttpPolicy,
    server: &Server,
    target: &std::path::Path,
) -> Result<download::Downloaded, download::DownloadError> {
    let request = azure(http(quick()), server)
        .content_request("gen_1", sora_core::providers::ContentVariant::Video)
        .await
        .expect("request");
    let spec = common::azure::video_spec("gen_1", request, target.to_path_buf());
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let options = DownloadOptions {
        stall_timeout: Duration::from_secs(5),
        ..DownloadOptions::default()
    };
    let once = RetrySchedule(Vec::new());
    let cancel = Default::default();
    download::download_with(&http(policy), &spec, &once, &options, &tx, &cancel).await
}

#[tokio::test]
async fn a_server_that_never_answers_ends_each_call() {
    let server = Server::start(|_| Reply::Silent).await;
    let (text, took) = ends("job poll", azure(http(quick()), &server).get_job("task_1")).await;
    assert!(text.contains("no answer within 1 s"), "{text}");
    assert!(took < Duration::from_secs(4), "{took:?}");

    let (text, took) = ends(
        "bucket list",
        storage(http(quick()), &server).list_buckets(),
    )
    .await;
    assert!(text.contains("no answer within 1 s"), "{text}");
    assert!(text.contains("http.first_byte_timeout_secs"), "{text}");
    assert!(took < Duration::from_secs(4), "{took:?}");

    let dir = tempfile::tempdir().expect("tmp");
    let download = storage(http(quick()), &server);
    let (text, took) = ends(
        "object download",
        download.download_to("b", "v.mp4", &dir.path().join("v.mp4")),
    )
    .await;
    assert!(text.contains("no answer within 1 s"), "{text}");
    assert!(took < Duration::from_secs(4), "{took:?}");

    let target = dir.path().join("video.mp4");
    let (text, took) = ends(
        "content download",
        content_download(quick(), &server, &target),
    )
    .await;
    assert!(text.contains("no answer within 1 s"), "{text}");
    assert!(took < Duration::from_secs(4), "{took:?}");
}

#[tokio::test]
async fn a_trickle_of_a_byte_every_2_s_ends_with_a_clear_error() {
    let every = Duration::from_secs(2);
    let server = Server::start(move |seen| Reply::Trickle {
        status: if seen.target.contains("/bucket") {
            500
        } else {
            200
        },
        every,
        len: 10_000,
    })
    .await;
    let (text, took) = ends("job poll", azure(http(quick()), &server).get_job("task_1")).await;
    assert!(
        text.contains("too slow") && text.contains("http.min_rate_bytes_per_sec"),
        "{text}"
    );
    assert!(took < Duration::from_secs(8), "{took:?}");

    let dir = tempfile::tempdir().expect("tmp");
    let client = storage(http(quick()), &server);
    let out = dir.path().join("v.mp4");
    let (text, took) = ends("object download", client.download_to("b", "v.mp4", &out)).await;
    assert!(text.contains("too slow"), "{text}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert!(!out.exists(), "nothing at the final path");

    let target = dir.path().join("video.mp4");
    let (text, took) = ends(
        "content download",
        content_download(quick(), &server, &target),
    )
    .await;
    assert!(text.contains("too slow"), "{text}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert!(!target.exists(), "nothing at the final path");

    // An error answer that trickles: the error is reported with what arrived, in bounded time.
    let (text, took) = ends("bucket list", client.list_buckets()).await;
    assert!(text.contains("Supabase Storage answered 500"), "{text}");
    assert!(took < Duration::from_secs(8), "{took:?}");
}

#[tokio::test]
async fn a_300_mb_error_body_is_read_only_up_to_the_cap() {
    for status in [500, 200] {
        let server = Server::start(move |_| Reply::Huge {
            status,
            len: 300 * MB,
        })
        .await;
        let (text, took) = ends("job poll", azure(http(quick()), &server).get_job("task_1")).await;
        assert!(took < Duration::from_secs(10), "{took:?}");
        assert!(
            text.chars().count() < 1000,
            "{} chars",
            text.chars().count()
        );
        if status == 200 {
            assert!(text.contains("http.max_json_body_mib"), "{text}");
        } else {
            assert!(text.contains("HTTP 500"), "{text}");
        }
        let (text, _) = ends(
            "bucket list",
            storage(http(quick()), &server).list_buckets(),
        )
        .await;
        assert!(
            text.chars().count() < 1000,
            "{} chars",
            text.chars().count()
        );
        // The client hung up at the cap: the server could hand over no more than the cap plus
        // what the sockets buffer, far from 300 MB.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let sent = server.body_bytes_sent();
        assert!(sent < 2 * 32 * MB, "{status}: the server sent {sent} bytes");
    }
}

#[tokio::test]
async fn an_upload_the_server_stops_taking_ends_with_a_stall() {
    let server = Server::start(|_| Reply::NeverRead).await;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("big.mp4");
    std::fs::write(&file, vec![0u8; 48 * MB as usize]).expect("file");
    let policy = HttpPolicy {
        stall_timeout: Duration::from_secs(1),
        ..quick()
    };
    let client = storage(http(policy), &server);
    let (text, took) = ends(
        "upload",
        client.upload_file("b", "big.mp4", &file, "video/mp4", false),
    )
    .await;
    assert!(
        text.contains("the upload stalled") && text.contains("http.stall_timeout_secs"),
        "{text}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn a_long_error_message_is_shortened_and_an_echoed_key_is_masked() {
    let long = "x".repeat(50_000);
    let body = format!(r#"{{"error":{{"code":"bad","message":"{KEY} is wrong: {long}"}}}}"#);
    let server = Server::start(move |_| Reply::json(400, &body)).await;
    let (text, _) = ends("job poll", azure(http(quick()), &server).get_job("task_1")).await;
    assert!(text.chars().count() < 800, "{} chars", text.chars().count());
    assert!(text.contains("*** is wrong: xxx"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}
