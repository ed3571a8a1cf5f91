//! Resumable (TUS) uploads: cut off and resumed byte-identical, overwrites with upsert on every
//! chunk, chunks refused, a file replaced mid-upload, and the errors with their hints.

use super::*;

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
