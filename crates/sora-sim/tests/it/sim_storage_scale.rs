//! The simulator's Storage at benchmark scale: folders listed page by page in the server's
//! order, every object exactly once; deep pages cost no more than the first; uploads streamed
//! to disk instead of held in memory.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

async fn start(config: SimConfig) -> (SimHandle, Client) {
    let handle = sora_sim::start(config, "127.0.0.1:0".parse().expect("literal address"))
        .await
        .expect("sim starts");
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    (handle, Client::new())
}

fn authed(client: &Client, method: Method, url: &str) -> RequestBuilder {
    let key = SimConfig::default().supabase_key;
    client
        .request(method, url)
        .header("apikey", &key)
        .bearer_auth(key)
}

fn storage_url(handle: &SimHandle, path: &str) -> String {
    format!("{}/storage/v1{path}", handle.base_url())
}

async fn list(client: &Client, handle: &SimHandle, body: Value) -> Vec<String> {
    let response = authed(
        client,
        Method::POST,
        &storage_url(handle, "/object/list/output-videos"),
    )
    .json(&body)
    .send()
    .await
    .expect("list reaches the sim");
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.expect("JSON list");
    page.as_array()
        .expect("a list answers an array")
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_string))
        .collect()
}

/// Every page of `prefix` at `limit`, concatenated (bounded: never more pages than entries).
async fn all_pages(
    client: &Client,
    handle: &SimHandle,
    prefix: &str,
    limit: usize,
    extra: Value,
) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..1000 {
        let mut body = json!({"prefix": prefix, "limit": limit, "offset": names.len()});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        let page = list(client, handle, body).await;
        let last = page.len() < limit;
        names.extend(page);
        if last {
            return names;
        }
    }
    panic!("paging never ended");
}

#[tokio::test]
async fn paging_a_folder_returns_every_entry_once_in_the_servers_order() {
    let (handle, client) = start(SimConfig::default()).await;
    // Inside `videos/`: names differing only in case, folders among files, a name that is both
    // a file and a folder; outside it, keys sharing the prefix's text.
    let keys = [
        "videos/b.mp4",
        "videos/B.mp4",
        "videos/a.mp4",
        "videos/A.mp4",
        "videos/sub/x.mp4",
        "videos/sub/deeper/y.mp4",
        "videos/Sub2/z.mp4",
        "videos/c",
        "videos/c/inner.mp4",
        "videos/c-d.mp4",
        "videos/c.mp4",
        "videos/_first.mp4",
        "videos/Zed.mp4",
        "videos/zed.mp4",
        "videos/10.mp4",
        "videos/9.mp4",
        "videos-old.mp4",
        "videos-old/q.mp4",
        "other/videos/r.mp4",
    ];
    for key in keys {
        let response = authed(
            &client,
            Method::POST,
            &storage_url(&handle, &format!("/object/output-videos/{key}")),
        )
        .header("content-type", "video/mp4")
        .body("x")
        .send()
        .await
        .expect("upload reaches the sim");
        assert_eq!(response.status(), StatusCode::OK, "{key}");
    }
    // The server's order by name: case-insensitive, then bytewise; folders interleaved; a
    // file before the folder of the same name.
    let expected = [
        "10.mp4",
        "9.mp4",
        "_first.mp4",
        "A.mp4",
        "a.mp4",
        "B.mp4",
        "b.mp4",
        "c",
        "c",
        "c-d.mp4",
        "c.mp4",
        "sub",
        "Sub2",
        "Zed.mp4",
        "zed.mp4",
    ];
    for limit in [1, 2, 3, 100] {
        assert_eq!(
            all_pages(&client, &handle, "videos", limit, json!({})).await,
            expected,
            "pages of {limit}"
        );
        let descending = all_pages(
            &client,
            &handle,
            "videos/",
            limit,
            json!({"sortBy": {"column": "name", "order": "desc"}}),
        )
        .await;
        let mut reversed = expected.to_vec();
        reversed.reverse();
        assert_eq!(descending, reversed, "descending pages of {limit}");
        assert_eq!(
            all_pages(&client, &handle, "videos", limit, json!({"search": "S"})).await,
            ["sub", "Sub2"],
            "searched pages of {limit}"
        );
    }
    let root = all_pages(&client, &handle, "", 2, json!({})).await;
    assert_eq!(root, ["other", "videos", "videos-old", "videos-old.mp4"]);
    // Folders stop being listed with their last object.
    for key in ["videos/sub/x.mp4", "videos/sub/deeper/y.mp4"] {
        let response = authed(
            &client,
            Method::DELETE,
            &storage_url(&handle, &format!("/object/output-videos/{key}")),
        )
        .send()
        .await
        .expect("delete reaches the sim");
        assert_eq!(response.status(), StatusCode::OK, "{key}");
    }
    let names = all_pages(&client, &handle, "videos", 4, json!({})).await;
    assert!(!names.iter().any(|n| n == "sub"), "{names:?}");
    assert_eq!(names.len(), expected.len() - 1);
}

/// Pages deep in a 100,000-object folder start exactly at their offset. (How fast they come
/// is measured in docs/BENCHMARKS.md, "Storage at scale", not asserted by a timed test.)
#[tokio::test]
async fn a_page_deep_in_a_huge_folder_starts_at_its_offset() {
    let (handle, client) = start(SimConfig::default()).await;
    handle.seed_objects("output-videos", "huge", 100_000);
    for offset in [0usize, 50_000, 99_900] {
        let names = list(
            &client,
            &handle,
            json!({"prefix": "huge", "limit": 100, "offset": offset}),
        )
        .await;
        assert_eq!(names.len(), 100, "at {offset}");
        assert_eq!(names[0], format!("obj-{offset:06}.bin"));
        assert_eq!(names[99], format!("obj-{:06}.bin", offset + 99));
    }
}

const MIB: usize = 1024 * 1024;

/// The size of the largest file the simulator is spooling uploads into (`DIR/storage/tmp`).
fn largest_spooled(data_dir: &std::path::Path) -> u64 {
    std::fs::read_dir(data_dir.join("storage").join("tmp"))
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .map(|m| m.len())
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
}

/// Sends `request` with a body of `prefix`, `data` and `suffix`, pausing after half of `data`
/// until the simulator has that half in a file: the body is on disk while it still arrives,
/// not gathered in memory first. Returns the answer's status.
async fn upload_in_two_halves(
    request: RequestBuilder,
    data_dir: &std::path::Path,
    prefix: Vec<u8>,
    data: &[u8],
    suffix: Vec<u8>,
) -> StatusCode {
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<u8>>(4);
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    let sent = tokio::spawn(request.body(reqwest::Body::wrap_stream(body)).send());
    let (first, second) = data.split_at(data.len() / 2);
    tx.send(prefix).await.expect("body streams");
    for chunk in first.chunks(MIB) {
        tx.send(chunk.to_vec()).await.expect("body streams");
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    let wanted = (first.len() - MIB) as u64;
    while largest_spooled(data_dir) < wanted {
        assert!(
            Instant::now() < deadline,
            "half the body ({} bytes) sent, but no file holds it: the simulator buffers uploads in memory",
            first.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for chunk in second.chunks(MIB) {
        tx.send(chunk.to_vec()).await.expect("body streams");
    }
    tx.send(suffix).await.expect("body streams");
    drop(tx);
    sent.await
        .expect("upload task")
        .expect("upload reaches the sim")
        .status()
}

async fn download(client: &Client, handle: &SimHandle, key: &str) -> Vec<u8> {
    let response = authed(
        client,
        Method::GET,
        &storage_url(handle, &format!("/object/output-videos/{key}")),
    )
    .send()
    .await
    .expect("download reaches the sim");
    assert_eq!(response.status(), StatusCode::OK, "{key}");
    assert_eq!(
        response.headers()["content-length"],
        response
            .content_length()
            .map(|n| n.to_string())
            .unwrap_or_default()
    );
    response.bytes().await.expect("body").to_vec()
}

/// Plain, multipart and resumable uploads are written to a file as their bodies arrive (so a
/// 1 GiB upload does not cost the simulator 1 GiB of memory), and come back byte for byte.
#[tokio::test]
async fn uploads_are_written_to_disk_while_their_bodies_arrive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (handle, client) = start(SimConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..SimConfig::default()
    })
    .await;
    let data: Vec<u8> = (0..16 * MIB).map(|i| (i % 251) as u8).collect();

    let put = authed(
        &client,
        Method::PUT,
        &storage_url(&handle, "/object/output-videos/plain.bin"),
    )
    .header("content-type", "application/octet-stream");
    let status = upload_in_two_halves(put, dir.path(), Vec::new(), &data, Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(download(&client, &handle, "plain.bin").await == data);

    let post = authed(
        &client,
        Method::POST,
        &storage_url(&handle, "/object/output-videos/form.bin"),
    )
    .header("content-type", "multipart/form-data; boundary=XyZ");
    let head = b"--XyZ\r\nContent-Disposition: form-data; name=\"cacheControl\"\r\n\r\n60\r\n--XyZ\r\nContent-Disposition: form-data; name=\"\"; filename=\"form.bin\"\r\nContent-Type: video/mp4\r\n\r\n".to_vec();
    let tail = b"\r\n--XyZ--\r\n".to_vec();
    let status = upload_in_two_halves(post, dir.path(), head, &data, tail).await;
    assert_eq!(status, StatusCode::OK);
    assert!(download(&client, &handle, "form.bin").await == data);

    let metadata = format!(
        "bucketName {},objectName {}",
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b"output-videos"),
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b"tus.bin")
    );
    let created = authed(
        &client,
        Method::POST,
        &storage_url(&handle, "/upload/resumable"),
    )
    .header("tus-resumable", "1.0.0")
    .header("upload-length", data.len().to_string())
    .header("upload-metadata", metadata)
    .send()
    .await
    .expect("create reaches the sim");
    assert_eq!(created.status(), StatusCode::CREATED);
    let location = created.headers()["location"]
        .to_str()
        .expect("ASCII location")
        .to_string();
    let patch = authed(&client, Method::PATCH, &location)
        .header("tus-resumable", "1.0.0")
        .header("upload-offset", "0")
        .header("content-type", "application/offset+octet-stream");
    let status = upload_in_two_halves(patch, dir.path(), Vec::new(), &data, Vec::new()).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(download(&client, &handle, "tus.bin").await == data);
    handle.shutdown().await;
}

/// With `--data DIR`, objects are read from their saved files after a restart; a copy shares
/// its source's file, and deleting the source must not take the copy's bytes with it.
#[tokio::test]
async fn a_copy_of_a_saved_object_outlives_its_source() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = SimConfig {
        data_dir: Some(dir.path().to_path_buf()),
        ..SimConfig::default()
    };
    let (handle, client) = start(config.clone()).await;
    let response = authed(
        &client,
        Method::PUT,
        &storage_url(&handle, "/object/output-videos/a.bin"),
    )
    .body("saved bytes")
    .send()
    .await
    .expect("upload reaches the sim");
    assert_eq!(response.status(), StatusCode::OK);
    handle.shutdown().await;

    let (handle, client) = start(config).await;
    let copied = authed(&client, Method::POST, &storage_url(&handle, "/object/copy"))
        .json(
            &json!({"bucketId": "output-videos", "sourceKey": "a.bin", "destinationKey": "b.bin"}),
        )
        .send()
        .await
        .expect("copy reaches the sim");
    assert_eq!(copied.status(), StatusCode::OK);
    let deleted = authed(
        &client,
        Method::DELETE,
        &storage_url(&handle, "/object/output-videos/a.bin"),
    )
    .send()
    .await
    .expect("delete reaches the sim");
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(download(&client, &handle, "b.bin").await, b"saved bytes");
    handle.shutdown().await;
}
