//! Redirects under the request policy, against two local servers (two origins): a redirect to
//! the other origin reaches it without any key (`api-key`, `apikey`, `Authorization`) and
//! without a `Referer`; a redirect within the origin keeps working, key included.

use crate::common::{
    self,
    http_server::{Reply, Seen, Server},
};

use sora_core::download::{self, RetrySchedule};
use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::videos_v1::VideosV1Client;
use sora_core::providers::{ContentRequest, ContentVariant, JobStatus, ModelProfile, Pricing};
use sora_core::secret::Secret;
use sora_core::storage::StorageClient;

const CODES: [u16; 5] = [301, 302, 303, 307, 308];
const AZURE_KEY: &str = "azure-key-must-stay-home";
const STORAGE_KEY: &str = "storage-key-must-stay-home";

fn azure(base: url::Url) -> AzureSoraClient {
    AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        base,
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(AZURE_KEY)),
        ModelProfile::azure_sora(&Pricing::default()),
    )
}

fn storage(base: url::Url) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        base,
        Secret::new(STORAGE_KEY),
    )
}

/// No key and no Referer reached this request, whatever the header's spelling.
fn assert_no_credentials(seen: &Seen, what: &str) {
    for name in ["api-key", "apikey", "authorization", "referer", "cookie"] {
        assert!(
            seen.header(name).is_none(),
            "{what}: the other origin received `{name}`: {:?}",
            seen.headers
        );
    }
    let all = format!("{:?}", seen.headers);
    assert!(
        !all.contains(AZURE_KEY) && !all.contains(STORAGE_KEY),
        "{what}: {all}"
    );
}

/// The first server redirects everything to the second, with `code`.
async fn two_origins(code: u16, second: Reply) -> (Server, Server) {
    let other = Server::start(move |_| second.clone()).await;
    let target = other.url("/elsewhere/object");
    let first = Server::start(move |_| Reply::redirect(code, &target)).await;
    (first, other)
}

#[tokio::test]
async fn a_job_poll_redirected_to_another_origin_carries_no_key() {
    for code in CODES {
        let job = r#"{"object":"video.generation.job","id":"task_1","status":"running"}"#;
        let (first, other) = two_origins(code, Reply::json(200, job)).await;
        let polled = azure(first.base()).get_job("task_1").await;
        let job = polled.unwrap_or_else(|e| panic!("{code}: the poll fails: {e}"));
        assert_eq!(job.status, JobStatus::Running, "{code}");
        assert_eq!(
            first.seen()[0].header("api-key"),
            Some(AZURE_KEY),
            "{code}: the configured host gets the key"
        );
        let reached = other.seen();
        assert_eq!(reached.len(), 1, "{code}: the redirect is followed once");
        assert_eq!(reached[0].method, "GET");
        assert_no_credentials(&reached[0], &format!("job poll, {code}"));
    }
}

/// The documented content requests of Sora 1 and Sora 2 on Azure, both with the `api-key`.
async fn content_requests(base: url::Url) -> Vec<(&'static str, ContentRequest)> {
    let sora2 = VideosV1Client::azure(
        sora_core::http::client().expect("http"),
        &base,
        "sora-2",
        Auth::ApiKey(Secret::new(AZURE_KEY)),
        ModelProfile::for_v1_model("sora-2", &Pricing::default()).expect("profile"),
    )
    .expect("client");
    vec![
        (
            "Sora 1",
            azure(base)
                .content_request("gen_1", ContentVariant::Video)
                .await
                .expect("request"),
        ),
        (
            "Sora 2",
            sora2
                .content_request("video_1", ContentVariant::Video)
                .await
                .expect("request"),
        ),
    ]
}

#[tokio::test]
async fn a_content_download_redirected_to_another_origin_carries_no_key() {
    for code in CODES {
        let video = Reply::bytes(200, "video/mp4", common::SAMPLE_MP4);
        let (first, other) = two_origins(code, video).await;
        for (family, request) in content_requests(first.base()).await {
            let dir = tempfile::tempdir().expect("tmp");
            let spec = common::azure::video_spec("gen_1", request, dir.path().join("v.mp4"));
            let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
            let http = sora_core::http::client().expect("http");
            let once = RetrySchedule(Vec::new());
            let saved = download::download(&http, &spec, &once, &tx, &Default::default()).await;
            let saved = saved.unwrap_or_else(|e| panic!("{family}, {code}: {e}"));
            assert_eq!(
                std::fs::read(&saved.path).expect("saved"),
                common::SAMPLE_MP4
            );
        }
        let home = first.seen();
        assert!(home.iter().all(|s| s.header("api-key") == Some(AZURE_KEY)));
        let reached = other.seen();
        assert_eq!(reached.len(), 2, "{code}: one download of each family");
        for seen in &reached {
            assert_no_credentials(seen, &format!("content download, {code}"));
        }
    }
}

#[tokio::test]
async fn a_storage_download_redirected_to_another_origin_carries_no_key() {
    for code in CODES {
        let (first, other) =
            two_origins(code, Reply::bytes(200, "video/mp4", b"object bytes")).await;
        let dir = tempfile::tempdir().expect("tmp");
        let out = dir.path().join("v.mp4");
        let got = storage(first.base())
            .download_to("output-videos", "task_1/v.mp4", &out)
            .await;
        let bytes = got.unwrap_or_else(|e| panic!("{code}: the download fails: {e}"));
        assert_eq!(bytes, 12, "{code}");
        assert_eq!(std::fs::read(&out).expect("saved"), b"object bytes");
        let home = &first.seen()[0];
        assert_eq!(home.header("apikey"), Some(STORAGE_KEY), "{code}");
        assert!(home.header("authorization").is_some(), "{code}");
        let reached = other.seen();
        assert_eq!(reached.len(), 1, "{code}");
        assert_no_credentials(&reached[0], &format!("storage download, {code}"));
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_keeps_working_with_its_key() {
    let job = r#"{"object":"video.generation.job","id":"task_1","status":"succeeded"}"#;
    let server = Server::start(move |seen| {
        if seen.target.starts_with("/moved/") {
            Reply::json(200, job)
        } else {
            Reply::redirect(307, "/moved/jobs/task_1?api-version=preview")
        }
    })
    .await;
    let polled = azure(server.base()).get_job("task_1").await.expect("poll");
    assert_eq!(polled.status, JobStatus::Succeeded);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].target, "/moved/jobs/task_1?api-version=preview");
    assert_eq!(seen[1].header("api-key"), Some(AZURE_KEY));
    assert!(seen[1].header("referer").is_none(), "{:?}", seen[1].headers);
}

#[tokio::test]
async fn a_json_post_redirected_with_307_or_308_is_sent_again_with_its_body() {
    for code in [307, 308] {
        let server = Server::start(move |seen| {
            if seen.target.starts_with("/again/") {
                Reply::json(200, "[]")
            } else {
                Reply::redirect(code, "/again/storage/v1/object/list/b")
            }
        })
        .await;
        let listed = storage(server.base())
            .list_objects("b", "folder/", 10, 0)
            .await
            .expect("listed");
        assert!(listed.is_empty());
        let seen = server.seen();
        assert_eq!(seen.len(), 2, "{code}");
        assert_eq!(seen[1].method, "POST", "{code}");
        assert_eq!(seen[1].body, seen[0].body, "{code}: the same body again");
        assert!(String::from_utf8_lossy(&seen[1].body).contains("folder/"));
    }
}

#[tokio::test]
async fn a_redirect_loop_ends_with_a_clear_error() {
    let server = Server::start(|_| Reply::redirect(302, "/again")).await;
    let err = azure(server.base())
        .get_job("task_1")
        .await
        .expect_err("a loop cannot succeed");
    let text = err.to_string();
    assert!(text.contains("http.max_redirects"), "{text}");
    assert_eq!(
        server.seen().len(),
        11,
        "the first request and 10 redirects"
    );
}
