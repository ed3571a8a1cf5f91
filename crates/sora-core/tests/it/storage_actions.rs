//! Every bucket-browser action through `StorageClient` against the in-process simulator: bucket
//! create/public/private/delete, upload, download, public and signed URLs, move, delete, paging
//! through 10,000 objects, a resumable upload cut off and resumed to a byte-identical object,
//! persistence across a restart, and the error hints.

use std::time::Duration;

use sora_core::secret::Secret;
use sora_core::storage::{ListOptions, SortColumn, StorageClient, StorageError};
use sora_sim::{Fault, FaultRoute, FaultRule, FaultTarget, SimConfig, SimHandle};

async fn start(config: SimConfig) -> (SimHandle, StorageClient) {
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    let client = client_for(&handle, &config.supabase_key);
    (handle, client)
}

fn client_for(handle: &SimHandle, key: &str) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&handle.base_url()).expect("base"),
        Secret::new(key),
    )
}

fn api(e: &StorageError) -> &sora_core::storage::StorageApiError {
    e.api().unwrap_or_else(|| panic!("not an API error: {e}"))
}

fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("clip.mp4");
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[tokio::test]
async fn buckets_are_created_made_public_or_private_and_deleted_only_when_empty() {
    let (handle, s) = start(SimConfig::default()).await;
    s.create_bucket("pub", true).await.expect("create public");
    s.create_bucket("priv", false)
        .await
        .expect("create private");
    let list = s.list_buckets().await.expect("list");
    assert!(list.iter().any(|b| b.name == "pub" && b.public));
    assert!(list.iter().any(|b| b.name == "priv" && !b.public));

    let again = s.create_bucket("pub", true).await.expect_err("duplicate");
    assert_eq!(api(&again).code.as_deref(), Some("BucketAlreadyExists"));

    s.set_bucket_public("priv", true).await.expect("public");
    assert!(s.get_bucket("priv").await.expect("get").public);
    s.set_bucket_public("priv", false).await.expect("private");
    assert!(!s.get_bucket("priv").await.expect("get").public);

    let (_dir, file) = temp_file(b"x");
    s.upload_file("priv", "a.mp4", &file, "video/mp4", false)
        .await
        .expect("upload");
    let refused = s.delete_bucket("priv").await.expect_err("not empty");
    assert_eq!(api(&refused).code.as_deref(), Some("ResourceNotEmpty"));
    assert!(
        refused
            .to_string()
            .contains("delete the bucket's objects first")
    );
    s.delete_objects("priv", &["a.mp4".to_string()])
        .await
        .expect("rm");
    s.delete_bucket("priv").await.expect("delete empty");
    assert!(s.get_bucket("priv").await.is_err());
    handle.shutdown().await;
}

#[tokio::test]
async fn upload_download_urls_move_and_delete() {
    let (handle, s) = start(SimConfig::default()).await;
    let body = pattern(100_000);
    let (dir, file) = temp_file(&body);
    let answer = s
        .upload_file("output-videos", "job/v.mp4", &file, "video/mp4", false)
        .await
        .expect("upload");
    assert_eq!(answer.key, "output-videos/job/v.mp4");

    // 409 without upsert, with a hint to overwrite; upsert works.
    let conflict = s
        .upload_file("output-videos", "job/v.mp4", &file, "video/mp4", false)
        .await
        .expect_err("exists");
    assert!(api(&conflict).is_conflict());
    assert!(conflict.to_string().contains("overwrite"), "{conflict}");
    s.upload_file("output-videos", "job/v.mp4", &file, "video/mp4", true)
        .await
        .expect("upsert");

    let out = dir.path().join("back.mp4");
    let n = s
        .download_to("output-videos", "job/v.mp4", &out)
        .await
        .expect("download");
    assert_eq!(n, body.len() as u64);
    assert_eq!(std::fs::read(&out).expect("read"), body);

    let http = reqwest::Client::new();
    let public = s.public_url("output-videos", "job/v.mp4");
    let got = http.get(&public).send().await.expect("public get");
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), body.as_slice());

    let signed = s
        .signed_url("output-videos", "job/v.mp4", 60)
        .await
        .expect("sign");
    assert!(
        signed.contains("/storage/v1/object/sign/output-videos/job/v.mp4?token="),
        "{signed}"
    );
    let got = http.get(&signed).send().await.expect("signed get");
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.expect("bytes").as_ref(), body.as_slice());

    s.move_object("output-videos", "job/v.mp4", "job/renamed.mp4")
        .await
        .expect("move");
    let names: Vec<String> = s
        .list_objects("output-videos", "job", 100, 0)
        .await
        .expect("list")
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names, vec!["renamed.mp4"]);

    let deleted = s
        .delete_objects(
            "output-videos",
            &["job/renamed.mp4".to_string(), "job/none.mp4".to_string()],
        )
        .await
        .expect("delete");
    assert_eq!(deleted, vec!["job/renamed.mp4"]);
    assert!(
        s.list_objects("output-videos", "job", 100, 0)
            .await
            .expect("list")
            .is_empty()
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn paging_walks_a_folder_of_ten_thousand_objects() {
    let (handle, s) = start(SimConfig::default()).await;
    handle.seed_objects("big", "many", 10_000);
    let mut seen = Vec::new();
    let mut options = ListOptions::default();
    loop {
        let page = s
            .list_objects_with("big", "many", &options)
            .await
            .expect("page");
        let n = page.len();
        seen.extend(page.into_iter().map(|e| e.name));
        if n < options.limit as usize {
            break;
        }
        options.offset += options.limit;
    }
    assert_eq!(seen.len(), 10_000);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 10_000, "no duplicates across pages");
    assert_eq!(seen, sorted, "pages come in name order");

    // Search is starts-with; the date column is accepted.
    let options = ListOptions {
        search: "OBJ-00999".into(),
        sort: SortColumn::UpdatedAt,
        ..ListOptions::default()
    };
    let found = s
        .list_objects_with("big", "many", &options)
        .await
        .expect("search");
    assert_eq!(found.len(), 10, "obj-009990 … obj-009999, case-insensitive");
    handle.shutdown().await;
}

#[tokio::test]
async fn an_interrupted_resumable_upload_resumes_to_a_byte_identical_object() {
    let (handle, s) = start(SimConfig::default()).await;
    let s = s
        .with_tus_chunk(64 * 1024)
        .with_resumable_threshold(100 * 1024);
    let body = pattern(1_000_000);
    let (dir, file) = temp_file(&body);
    // Every chunk attempt is cut after 10 KiB: more cuts than the client retries, so the first
    // call gives up, leaving its sidecar.
    handle.inject(
        FaultRule::new(
            FaultTarget::new(FaultRoute::StorageResumable),
            Fault::CutUpload {
                after_bytes: 10_240,
            },
        )
        .times(4),
    );
    let first = s
        .upload(
            "output-videos",
            "big/clip.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
        .await;
    assert!(first.is_err(), "the first try is cut off");
    let sidecar = sora_core::storage::tus::sidecar_path(&file);
    assert!(sidecar.exists(), "the upload URL is kept for the next try");

    let progress = std::sync::Mutex::new(Vec::new());
    s.upload(
        "output-videos",
        "big/clip.mp4",
        &file,
        "video/mp4",
        false,
        &|sent, _| progress.lock().expect("lock").push(sent),
    )
    .await
    .expect("the second try resumes");
    let first_offset = progress.lock().expect("lock")[0];
    assert!(
        first_offset >= 4 * 10_240,
        "resumed at {first_offset}, not from 0"
    );
    assert!(
        !sidecar.exists(),
        "the sidecar is removed once the object exists"
    );

    let out = dir.path().join("back.mp4");
    s.download_to("output-videos", "big/clip.mp4", &out)
        .await
        .expect("download");
    assert_eq!(std::fs::read(&out).expect("read"), body, "byte-identical");

    // Only one create: the resume used the kept URL.
    let creates = handle
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path == "/storage/v1/upload/resumable")
        .count();
    assert_eq!(creates, 1);
    assert!(handle.requests().iter().any(|r| r.method == "HEAD"));
    handle.shutdown().await;
}

#[tokio::test]
async fn tus_errors_are_plain_text_with_real_status() {
    let (handle, s) = start(SimConfig::default()).await;
    let s = s.with_tus_chunk(1024).with_resumable_threshold(10);
    let (_dir, file) = temp_file(&pattern(5000));
    let missing = s
        .upload("nope", "a.mp4", &file, "video/mp4", false, &|_, _| {})
        .await
        .expect_err("no bucket");
    let e = api(&missing);
    assert_eq!(e.http_status, 404);
    assert!(e.is_missing_bucket(), "{missing}");
    assert!(missing.to_string().contains("create the bucket"));

    s.upload(
        "output-videos",
        "a.mp4",
        &file,
        "video/mp4",
        false,
        &|_, _| {},
    )
    .await
    .expect("upload");
    let again = s
        .upload(
            "output-videos",
            "a.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
        .await
        .expect_err("exists");
    assert_eq!(api(&again).http_status, 409);
    assert!(api(&again).is_conflict());
    handle.shutdown().await;
}

#[tokio::test]
async fn error_hints_for_missing_bucket_too_large_and_bad_key() {
    let config = SimConfig {
        max_upload_bytes: 1000,
        ..SimConfig::default()
    };
    let (handle, s) = start(config).await;
    let (_dir, file) = temp_file(&pattern(5000));
    let big = s
        .upload_file("output-videos", "big.mp4", &file, "video/mp4", false)
        .await
        .expect_err("too large");
    assert!(api(&big).is_too_large());
    let text = big.to_string();
    assert!(text.contains("413") && text.contains("resumable"), "{text}");

    let missing = s
        .upload_file("missing", "a.mp4", &file, "video/mp4", false)
        .await
        .expect_err("no bucket");
    assert!(missing.to_string().contains("create the bucket"));

    let bad = client_for(&handle, "wrong-key");
    let denied = bad.list_buckets().await.expect_err("bad key");
    let text = denied.to_string();
    assert!(text.contains("SUPABASE_SERVICE_ROLE_KEY"), "{text}");
    assert!(
        text.contains("key used:") && !text.contains("wrong-key"),
        "{text}"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn sim_data_dir_survives_a_restart() {
    let data = tempfile::tempdir().expect("tmp");
    let config = SimConfig {
        data_dir: Some(data.path().to_path_buf()),
        ..SimConfig::default()
    };
    let (handle, s) = start(config.clone()).await;
    s.create_bucket("kept", false).await.expect("create");
    let (_dir, file) = temp_file(b"persisted bytes");
    s.upload_file("kept", "f/a.txt", &file, "text/plain", false)
        .await
        .expect("upload");
    handle.shutdown().await;
    tokio::time::sleep(Duration::from_millis(50)).await;

    let (handle, s) = start(config).await;
    assert!(s.get_bucket("kept").await.is_ok(), "bucket reloaded");
    let out = data.path().join("out.txt");
    s.download_to("kept", "f/a.txt", &out)
        .await
        .expect("object reloaded");
    assert_eq!(std::fs::read(&out).expect("read"), b"persisted bytes");
    handle.shutdown().await;
}

#[tokio::test]
async fn a_tus_overwrite_of_20_mib_succeeds_with_upsert_on_every_chunk() {
    let (handle, s) = start(SimConfig::default()).await;
    let first = pattern(20 * 1024 * 1024);
    let (dir, file) = temp_file(&first);
    s.upload(
        "output-videos",
        "big/clip.mp4",
        &file,
        "video/mp4",
        false,
        &|_, _| {},
    )
    .await
    .expect("created through the resumable endpoint");
    let second: Vec<u8> = first.iter().map(|b| b ^ 0x5a).collect();
    std::fs::write(&file, &second).expect("write");
    s.upload(
        "output-videos",
        "big/clip.mp4",
        &file,
        "video/mp4",
        true,
        &|_, _| {},
    )
    .await
    .expect("overwritten: the server checks x-upsert on every chunk");
    let out = dir.path().join("back.mp4");
    s.download_to("output-videos", "big/clip.mp4", &out)
        .await
        .expect("download");
    assert!(
        std::fs::read(&out).expect("read") == second,
        "the new bytes"
    );
    // 6 MiB chunks: four PATCHes per upload, none of them refused.
    let patches: Vec<u16> = handle
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| r.status)
        .collect();
    assert_eq!(patches, vec![204; 8], "{patches:?}");

    // Without upsert the overwrite is refused at once, with what to do.
    let refused = s
        .upload(
            "output-videos",
            "big/clip.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
        .await
        .expect_err("exists");
    assert!(api(&refused).is_key_exists(), "{refused}");
    assert!(refused.to_string().contains("--upsert"), "{refused}");
    handle.shutdown().await;
}

#[tokio::test]
async fn a_tus_chunk_refused_because_the_object_exists_is_final_and_drops_the_sidecar() {
    let (handle, s) = start(SimConfig::default()).await;
    let s = s
        .with_tus_chunk(64 * 1024)
        .with_resumable_threshold(100 * 1024);
    let (_dir, file) = temp_file(&pattern(1_000_000));
    // The first try is cut off on every chunk attempt and gives up, keeping its sidecar.
    handle.inject(
        FaultRule::new(
            FaultTarget::new(FaultRoute::StorageResumable),
            Fault::CutUpload {
                after_bytes: 10_240,
            },
        )
        .times(4),
    );
    let upload = || {
        s.upload(
            "output-videos",
            "big/clip.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        )
    };
    assert!(upload().await.is_err(), "the first try is cut off");
    let sidecar = sora_core::storage::tus::sidecar_path(&file);
    assert!(sidecar.exists(), "kept for the next try");
    // Meanwhile someone else stores an object at that path.
    let (_other_dir, other) = temp_file(b"someone else's");
    s.upload_file("output-videos", "big/clip.mp4", &other, "video/mp4", false)
        .await
        .expect("stored");

    let before = handle.requests().len();
    let refused = upload().await.expect_err("the object exists now");
    assert_eq!(api(&refused).http_status, 409, "{refused}");
    assert!(api(&refused).is_key_exists(), "{refused}");
    let sent = handle.requests()[before..].to_vec();
    let patches = sent.iter().filter(|r| r.method == "PATCH").count();
    assert_eq!(patches, 1, "a 409 is not retried: {sent:?}");
    assert!(
        !sidecar.exists(),
        "an upload that cannot resume drops its sidecar"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn resumable_errors_get_hints_of_their_own() {
    let config = SimConfig::default();
    let (handle, s) = start(config.clone()).await;
    let s = s.with_tus_chunk(1024).with_resumable_threshold(10);
    let created = reqwest::Client::new()
        .post(format!("{}/storage/v1/bucket", handle.base_url()))
        .bearer_auth(&config.supabase_key)
        .json(&serde_json::json!({"name": "small", "public": true, "file_size_limit": 1000}))
        .send()
        .await
        .expect("create");
    assert!(created.status().is_success());
    let (_dir, file) = temp_file(&pattern(5000));
    let big = s
        .upload("small", "a.mp4", &file, "video/mp4", false, &|_, _| {})
        .await
        .expect_err("over the bucket's limit");
    assert!(api(&big).is_too_large(), "{big}");
    let text = big.to_string();
    assert!(text.contains("file_size_limit"), "{text}");
    assert!(
        !text.contains("resumable endpoint"),
        "it already went through the resumable endpoint: {text}"
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn an_anon_or_publishable_key_is_refused_before_anything_is_sent() {
    let config = SimConfig::default();
    let (handle, _) = start(config.clone()).await;
    let anon = client_for(&handle, &config.supabase_anon_key);
    let refused = anon.list_buckets().await.expect_err("anon key");
    let text = refused.to_string();
    assert!(
        text.starts_with("this is the anon key (role anon): use the service-role key"),
        "{text}"
    );
    assert!(!text.contains(&config.supabase_anon_key), "{text}");
    let (_dir, file) = temp_file(&pattern(10_000));
    let upload = anon
        .upload(
            "output-videos",
            "a.mp4",
            &file,
            "video/mp4",
            true,
            &|_, _| {},
        )
        .await
        .expect_err("anon key");
    assert!(upload.to_string().starts_with("this is the anon key"));
    let publishable = client_for(&handle, &config.supabase_publishable_key);
    let refused = publishable.list_buckets().await.expect_err("publishable");
    assert!(
        refused.to_string().starts_with(
            "this is the publishable key (sb_publishable_…): use the service-role key"
        ),
        "{refused}"
    );
    assert!(handle.requests().is_empty(), "nothing was sent");
    // The newer secret form is the service role.
    let secret = client_for(&handle, &config.supabase_secret_key);
    let names: Vec<String> = secret
        .list_buckets()
        .await
        .expect("the secret key lists")
        .into_iter()
        .map(|b| b.name)
        .collect();
    assert!(names.contains(&"output-videos".to_string()), "{names:?}");
    handle.shutdown().await;
}

#[tokio::test]
async fn paths_a_url_would_rewrite_are_refused_the_same_way_at_every_size() {
    let (handle, s) = start(SimConfig::default()).await;
    let s = s.with_resumable_threshold(1000);
    let (_small_dir, small) = temp_file(&pattern(100));
    let (_big_dir, big) = temp_file(&pattern(5000));
    for (bucket, path) in [
        ("output-videos", "a/../b.mp4"),
        ("output-videos", "./b.mp4"),
        ("output-videos", "a//b.mp4"),
        ("..", "b.mp4"),
    ] {
        let mut messages = Vec::new();
        for file in [&small, &big] {
            let refused = s
                .upload(bucket, path, file, "video/mp4", false, &|_, _| {})
                .await
                .expect_err("refused");
            assert!(
                matches!(refused, StorageError::BadPath { .. }),
                "{bucket}/{path}: {refused}"
            );
            messages.push(refused.to_string());
        }
        assert_eq!(messages[0], messages[1], "the same message at both sizes");
        assert!(messages[0].contains("is not a usable"), "{}", messages[0]);
    }
    let out = tempfile::tempdir().expect("tmp");
    let refused = s
        .download_to("output-videos", "../x.mp4", &out.path().join("x.mp4"))
        .await
        .expect_err("refused");
    assert!(matches!(refused, StorageError::BadPath { .. }), "{refused}");
    assert!(handle.requests().is_empty(), "nothing was sent");
    handle.shutdown().await;
}

/// A bucket download cut off mid-body keeps what arrived in its private `.partial` (nothing at
/// the final path), and the next download resumes from there with `Range`: the bytes that came
/// are not fetched again, and the file is byte-identical.
#[tokio::test]
async fn a_bucket_download_cut_off_resumes_from_its_partial() {
    let (handle, s) = start(SimConfig::default()).await;
    let body = pattern(200_000);
    let (dir, file) = temp_file(&body);
    s.upload_file("output-videos", "cut/clip.mp4", &file, "video/mp4", false)
        .await
        .expect("upload");
    handle.inject(
        FaultRule::new(
            FaultTarget::new(FaultRoute::StorageDownload),
            Fault::ResetMidBody {
                after_bytes: 50_000,
            },
        )
        .times(1),
    );
    let out = dir.path().join("back.mp4");
    let cut = s
        .download_to("output-videos", "cut/clip.mp4", &out)
        .await
        .expect_err("the connection was reset");
    assert!(!out.exists(), "nothing at the final path: {cut}");
    let partial = sora_core::download::partial_path(&out);
    let kept = std::fs::metadata(&partial)
        .expect("the partial is kept")
        .len();
    assert_eq!(kept, 50_000, "every byte that arrived");

    handle.clear_requests();
    let n = s
        .download_to("output-videos", "cut/clip.mp4", &out)
        .await
        .expect("resumed");
    assert_eq!(n, body.len() as u64);
    assert_eq!(std::fs::read(&out).expect("read"), body, "byte-identical");
    let ranges: Vec<String> = handle
        .requests()
        .iter()
        .filter_map(|r| r.header("range").map(str::to_string))
        .collect();
    assert_eq!(
        ranges,
        vec!["bytes=50000-".to_string()],
        "resumed, not restarted"
    );
    assert!(!partial.exists(), "the partial became the file");
    handle.shutdown().await;
}

#[tokio::test]
async fn a_file_replaced_during_its_resumable_upload_is_stored_as_it_was_when_it_started() {
    let (handle, s) = start(SimConfig::default()).await;
    let s = s
        .with_tus_chunk(64 * 1024)
        .with_resumable_threshold(100 * 1024);
    let original = pattern(1_000_000);
    let (dir, file) = temp_file(&original);
    // A newer render saved over the same name (write, then rename) after the first chunk.
    let newer: Vec<u8> = original.iter().map(|b| b ^ 0x5a).collect();
    let staged = dir.path().join("clip.mp4.new");
    std::fs::write(&staged, &newer).expect("write");
    let replaced = std::sync::atomic::AtomicBool::new(false);
    s.upload(
        "output-videos",
        "big/clip.mp4",
        &file,
        "video/mp4",
        false,
        &|sent, _| {
            if sent > 0 && !replaced.swap(true, std::sync::atomic::Ordering::SeqCst) {
                std::fs::rename(&staged, &file).expect("replace");
            }
        },
    )
    .await
    .expect("upload");
    assert!(replaced.load(std::sync::atomic::Ordering::SeqCst));
    let out = dir.path().join("back.mp4");
    s.download_to("output-videos", "big/clip.mp4", &out)
        .await
        .expect("download");
    let stored = std::fs::read(&out).expect("read");
    assert!(
        stored == original,
        "the object is the file the upload started with, not a mix of two files ({} of {} bytes differ)",
        stored.iter().zip(&original).filter(|(a, b)| a != b).count(),
        original.len()
    );
    handle.shutdown().await;
}
