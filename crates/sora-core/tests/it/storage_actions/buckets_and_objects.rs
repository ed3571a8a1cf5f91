//! Buckets created, made public or private and deleted; objects uploaded, downloaded (and resumed
//! when cut off), linked, moved and deleted; paging through 10,000 objects; the data dir across a
//! restart.

use super::*;

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
