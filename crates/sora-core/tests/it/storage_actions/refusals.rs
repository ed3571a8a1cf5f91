//! What is refused and how it is said: hints for a missing bucket, a too-large file and a bad key;
//! anon or publishable keys and paths a URL would rewrite, refused before anything is sent.

use super::*;

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
