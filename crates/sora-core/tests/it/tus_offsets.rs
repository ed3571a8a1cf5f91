//! A TUS server that claims more bytes than the file has: the upload must fail, never be
//! reported done. A stand-in server on 127.0.0.1 answers the create, fails every PATCH, and
//! answers HEAD with an offset past the end of the file.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use sora_core::secret::Secret;
use sora_core::storage::StorageClient;

const SIZE: u64 = 2 * 1024 * 1024;

async fn server() -> (String, Arc<AtomicUsize>) {
    let patches = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let location = format!("{base}/storage/v1/upload/resumable/u1");
    let seen = Arc::clone(&patches);
    let router = axum::Router::new()
        .route(
            "/storage/v1/upload/resumable",
            post(move || {
                let location = location.clone();
                async move {
                    let mut h = HeaderMap::new();
                    h.insert(
                        "location",
                        HeaderValue::from_str(&location).expect("header"),
                    );
                    h.insert("tus-resumable", HeaderValue::from_static("1.0.0"));
                    (StatusCode::CREATED, h).into_response()
                }
            }),
        )
        .route(
            "/storage/v1/upload/resumable/u1",
            axum::routing::patch(move || {
                let seen = Arc::clone(&seen);
                async move {
                    seen.fetch_add(1, Ordering::SeqCst);
                    (StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response()
                }
            })
            .head(|| async {
                let mut h = HeaderMap::new();
                h.insert(
                    "upload-offset",
                    HeaderValue::from_str(&(SIZE + 4096).to_string()).expect("header"),
                );
                h.insert(
                    "upload-length",
                    HeaderValue::from_str(&SIZE.to_string()).expect("h"),
                );
                h.insert("tus-resumable", HeaderValue::from_static("1.0.0"));
                (StatusCode::OK, h).into_response()
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    (base, patches)
}

#[tokio::test]
async fn an_offset_past_the_end_of_the_file_fails_the_upload_instead_of_finishing_it() {
    let (base, patches) = server().await;
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("clip.mp4");
    std::fs::write(&file, vec![7u8; SIZE as usize]).expect("write");
    let storage = StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&base).expect("url"),
        Secret::new("service-role-key"),
    )
    .with_resumable_threshold(1024);
    let answer = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        storage.upload(
            "output-videos",
            "p/clip.mp4",
            &file,
            "video/mp4",
            false,
            &|_, _| {},
        ),
    )
    .await
    .expect("ends in time");
    let err = answer.expect_err("not reported as uploaded").to_string();
    assert!(err.contains("not trusted as done"), "{err}");
    assert!(patches.load(Ordering::SeqCst) >= 1, "a chunk was tried");
}
