//! `StorageClient` against the in-process simulator, beyond single objects: a resumable upload
//! whose URL comes back on `https://` from behind a TLS-terminating gateway, a move onto an
//! existing object, walking a folder tree with its totals, copy and move of a folder across
//! buckets, and the recursive delete's batches.

use sora_core::secret::Secret;
use sora_core::storage::{Route, StorageClient, StorageError, Transfer};
use sora_sim::{SimConfig, SimHandle};

async fn start() -> (SimHandle, SimConfig) {
    start_with(SimConfig::default()).await
}

async fn start_with(config: SimConfig) -> (SimHandle, SimConfig) {
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    (handle, config)
}

fn client(handle: &SimHandle, config: &SimConfig) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&handle.base_url()).expect("base"),
        Secret::new(&config.supabase_key),
    )
}

/// Storage behind a gateway that terminates TLS: it forwards `X-Forwarded-Proto: https`.
async fn behind_tls_gateway() -> (SimHandle, SimConfig) {
    start_with(SimConfig {
        gateway_forwarded_proto: Some("https".into()),
        ..SimConfig::default()
    })
    .await
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 17 % 251) as u8).collect()
}

#[tokio::test]
async fn an_https_upload_url_for_an_http_server_falls_back_to_a_standard_upload() {
    let (handle, config) = behind_tls_gateway().await;
    let storage = client(&handle, &config).with_resumable_threshold(1024);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("clip.mp4");
    let bytes = pattern(20 * 1024);
    std::fs::write(&file, &bytes).expect("write");

    let answer = storage
        .upload(
            "output-videos",
            "gw/clip.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
        .await
        .expect("stored through the standard endpoint");
    let note = answer.note.expect("says why it was not resumable");
    assert!(
        note.contains("standard upload") && note.contains("https://"),
        "{note}"
    );
    let requests = handle.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "POST" && r.path == "/storage/v1/object/output-videos/gw/clip.mp4"),
        "{requests:?}"
    );
    assert!(
        !requests.iter().any(|r| r.method == "PATCH"),
        "no chunk was sent anywhere"
    );
    let out = dir.path().join("back.mp4");
    storage
        .download_to("output-videos", "gw/clip.mp4", &out)
        .await
        .expect("download");
    assert_eq!(std::fs::read(&out).expect("read"), bytes);
    assert!(
        !dir.path().join("clip.mp4.sora-tus").exists(),
        "no sidecar for an upload that never started"
    );
}

#[tokio::test]
async fn an_https_upload_url_for_a_file_too_big_for_a_standard_upload_says_what_to_do() {
    let (handle, config) = behind_tls_gateway().await;
    let storage = client(&handle, &config).with_resumable_threshold(1024);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("huge.mp4");
    let handle_file = std::fs::File::create(&file).expect("create");
    handle_file
        .set_len(sora_core::storage::STANDARD_UPLOAD_LIMIT + 1)
        .expect("sparse file");
    let error = storage
        .upload(
            "output-videos",
            "huge.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
        .await
        .expect_err("neither path can take it");
    assert!(
        matches!(error, StorageError::ResumableScheme { .. }),
        "{error}"
    );
    let text = error.to_string();
    assert!(
        text.contains("SUPABASE_URL") && text.contains("https://"),
        "{text}"
    );
    assert!(
        !handle.requests().iter().any(|r| r.method == "PATCH"),
        "the key went nowhere else"
    );
}

#[tokio::test]
async fn a_move_onto_an_existing_object_says_a_move_cannot_overwrite() {
    let (handle, config) = start().await;
    let storage = client(&handle, &config);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("a.mp4");
    std::fs::write(&file, pattern(100)).expect("write");
    for path in ["a.mp4", "b.mp4"] {
        storage
            .upload_file("output-videos", path, &file, "video/mp4", false)
            .await
            .expect("upload");
    }
    let text = storage
        .move_object("output-videos", "a.mp4", "b.mp4")
        .await
        .expect_err("refused")
        .to_string();
    assert!(text.contains("a move never overwrites"), "{text}");
    assert!(
        !text.contains("--upsert") && !text.contains("confirm overwrite"),
        "no option a move does not have: {text}"
    );
}

#[tokio::test]
async fn a_folder_walks_counts_and_moves_across_buckets_with_its_markers() {
    let (handle, config) = start().await;
    let storage = client(&handle, &config);
    handle.seed_objects("output-videos", "job/a", 1200);
    handle.seed_objects("output-videos", "job/a/b", 30);
    handle.seed_objects("output-videos", "jobs-other", 5);
    let dir = tempfile::tempdir().expect("tmp");
    let marker = dir.path().join(".emptyFolderPlaceholder");
    std::fs::write(&marker, b"").expect("write");
    storage
        .upload_file(
            "output-videos",
            "job/empty/.emptyFolderPlaceholder",
            &marker,
            "application/octet-stream",
            false,
        )
        .await
        .expect("marker");

    let mut progress = Vec::new();
    let tree = storage
        .walk("output-videos", "job", &mut |t| progress.push(t.objects))
        .await
        .expect("walk");
    assert_eq!(
        tree.totals.objects, 1230,
        "the marker is no object of the user's"
    );
    assert_eq!(tree.totals.folders, 3, "a, a/b and empty");
    assert_eq!(tree.placeholders, vec!["job/empty/.emptyFolderPlaceholder"]);
    assert!(
        progress.len() >= 2,
        "progress after each page: {progress:?}"
    );
    assert!(tree.objects.iter().all(|o| o.path.starts_with("job/")));

    let route = Route {
        kind: Transfer::Move,
        bucket: "output-videos",
        from: "job",
        to_bucket: "input-images",
        to: "archive/job",
        upsert: false,
    };
    let results = storage.transfer_tree(&route, &tree, 8).await;
    assert_eq!(results.len(), 1231);
    assert!(results.iter().all(|(_, r)| r.is_ok()), "every object moved");
    let left = storage
        .walk("output-videos", "job", &mut |_| {})
        .await
        .expect("walk");
    assert!(left.is_empty(), "nothing left behind");
    let moved = storage
        .walk("input-images", "archive/job", &mut |_| {})
        .await
        .expect("walk");
    assert_eq!(moved.totals, tree.totals);
    assert_eq!(
        moved.placeholders,
        vec!["archive/job/empty/.emptyFolderPlaceholder"]
    );
    let other = storage
        .walk("output-videos", "jobs-other", &mut |_| {})
        .await
        .expect("walk");
    assert_eq!(
        other.totals.objects, 5,
        "a neighbour whose name starts the same stays"
    );
}
