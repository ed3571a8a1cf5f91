//! Uploads: multipart bodies read as storage3 sends them, large uploads and the size limit, and TUS
//! checking upsert on every request with the server's wording.

use super::*;

#[tokio::test]
async fn multipart_uploads_are_read_like_storage3_sends_them() {
    let (handle, client) = start().await;
    let body = "--b0undary\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n3600\r\n\
                --b0undary\r\nContent-Disposition: form-data; name=\"\"; filename=\"clip.mp4\"\r\n\
                Content-Type: video/mp4\r\n\r\nvideo-bytes\r\n--b0undary--\r\n";
    let (status, _) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/output-videos/form.mp4"),
        )
        .header("content-type", "multipart/form-data; boundary=b0undary")
        .body(body),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let response = client
        .get(storage_url(
            &handle,
            "/object/public/output-videos/form.mp4",
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["content-type"], "video/mp4");
    assert_eq!(response.headers()["cache-control"], "max-age=3600");
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        b"video-bytes"
    );

    let recorded = handle.requests();
    let upload = recorded
        .iter()
        .find(|r| r.method == "POST")
        .expect("upload recorded");
    assert_eq!(upload.path, "/storage/v1/object/output-videos/form.mp4");
    assert_eq!(upload.header("apikey"), Some(key().as_str()));
    assert_eq!(upload.status, 200);
}

#[tokio::test]
async fn large_uploads_pass_and_the_size_limit_holds() {
    let handle = sora_sim::start(
        SimConfig {
            max_upload_bytes: 4 * 1024 * 1024,
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse().expect("literal address"),
    )
    .await
    .expect("sim starts");
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    let client = Client::new();
    // Above axum's default 2 MB body limit, below the configured 4 MiB.
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let (status, _) = json_of(
        authed(
            &client,
            Method::PUT,
            &storage_url(&handle, "/object/output-videos/big.bin"),
        )
        .body(big.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let response = client
        .get(storage_url(&handle, "/object/public/output-videos/big.bin"))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        big.as_slice()
    );

    let too_big = vec![0u8; 4 * 1024 * 1024 + 1];
    let (status, error) = json_of(
        authed(
            &client,
            Method::PUT,
            &storage_url(&handle, "/object/output-videos/huge.bin"),
        )
        .body(too_big),
    )
    .await;
    assert_storage_error(status, &error, "413", "EntityTooLarge");
}

/// `POST /upload/resumable` for `key` in output-videos; → the upload URL.
async fn tus_create(
    client: &Client,
    handle: &SimHandle,
    key: &str,
    length: usize,
    upsert: bool,
) -> reqwest::Response {
    let metadata = format!(
        "bucketName {},objectName {}",
        STANDARD.encode(b"output-videos"),
        STANDARD.encode(key.as_bytes())
    );
    authed(
        client,
        Method::POST,
        &storage_url(handle, "/upload/resumable"),
    )
    .header("tus-resumable", "1.0.0")
    .header("upload-length", length.to_string())
    .header("upload-metadata", metadata)
    .header("x-upsert", if upsert { "true" } else { "false" })
    .send()
    .await
    .expect("answer")
}

fn tus_patch(
    client: &Client,
    location: &str,
    offset: usize,
    body: &'static [u8],
) -> RequestBuilder {
    authed(client, Method::PATCH, location)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", offset.to_string())
        .header("content-type", "application/offset+octet-stream")
        .body(body)
}

#[tokio::test]
async fn tus_checks_upsert_on_every_request_and_words_errors_as_the_server() {
    let (handle, client) = start().await;
    let (status, _) = upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/taken.mp4",
        b"old",
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // No upsert at creation: a 409 for an existing key.
    let refused = tus_create(&client, &handle, "taken.mp4", 6, false).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(
        refused.text().await.expect("text"),
        "The resource already exists"
    );

    // Upsert at creation only: the chunk is checked again and refused.
    let created = tus_create(&client, &handle, "taken.mp4", 6, true).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    let chunk = tus_patch(&client, &location, 0, b"new")
        .send()
        .await
        .expect("answer");
    assert_eq!(chunk.status(), StatusCode::CONFLICT);
    assert_eq!(
        chunk.text().await.expect("text"),
        "The resource already exists"
    );

    // With x-upsert on the chunks: the overwrite goes through, the last chunk says so.
    let first = tus_patch(&client, &location, 0, b"new")
        .header("x-upsert", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    assert_eq!(first.headers()["upload-offset"], "3");
    let stale = tus_patch(&client, &location, 0, b"new")
        .header("x-upsert", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert_eq!(
        stale.text().await.expect("text"),
        "Upload-Offset conflict\n"
    );
    let no_version = authed(&client, Method::PATCH, &location)
        .header("upload-offset", "3")
        .header("x-upsert", "true")
        .header("content-type", "application/offset+octet-stream")
        .body("er!")
        .send()
        .await
        .expect("answer");
    assert_eq!(no_version.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        no_version.text().await.expect("text"),
        "Tus-Resumable Required\n"
    );
    let last = tus_patch(&client, &location, 3, b"er!")
        .header("x-upsert", "true")
        .send()
        .await
        .expect("answer");
    assert_eq!(last.status(), StatusCode::NO_CONTENT);
    assert_eq!(last.headers()["tus-complete"], "1");
    let stored = client
        .get(storage_url(
            &handle,
            "/object/public/output-videos/taken.mp4",
        ))
        .send()
        .await
        .expect("answer");
    assert_eq!(stored.bytes().await.expect("body").as_ref(), b"newer!");
}
