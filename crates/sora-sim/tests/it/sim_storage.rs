//! The Supabase Storage part of the simulator, as a client sees it over HTTP.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Client, Method, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sora_sim::{SimConfig, SimHandle};

/// The simulator's service-role key: a JWT with role `service_role`, as a project's is.
fn key() -> String {
    SimConfig::default().supabase_key
}

async fn start() -> (SimHandle, Client) {
    let handle = sora_sim::start(
        SimConfig::default(),
        "127.0.0.1:0".parse().expect("literal address"),
    )
    .await
    .expect("sim starts");
    // reqwest is built with `rustls-no-provider`: a provider must exist before a client does.
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    (handle, Client::new())
}

fn storage_url(handle: &SimHandle, path: &str) -> String {
    format!("{}/storage/v1{path}", handle.base_url())
}

/// A request with the headers `storage3` sends.
fn authed(client: &Client, method: Method, url: &str) -> RequestBuilder {
    client
        .request(method, url)
        .header("apikey", key())
        .bearer_auth(key())
}

async fn json_of(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request reaches the sim");
    let status = response.status();
    (status, response.json().await.expect("JSON body"))
}

/// Supabase's error shape: HTTP 400, the real status as a string in the body.
fn assert_storage_error(status: StatusCode, body: &Value, status_code: &str, code: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["statusCode"], status_code, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["error"].is_string() && body["message"].is_string(),
        "{body}"
    );
}

async fn upload(
    client: &Client,
    handle: &SimHandle,
    method: Method,
    path: &str,
    data: &'static [u8],
) -> (StatusCode, Value) {
    json_of(
        authed(
            client,
            method,
            &storage_url(handle, &format!("/object/{path}")),
        )
        .header("content-type", "video/mp4")
        .header("cache-control", "max-age=3600")
        .body(data),
    )
    .await
}

fn is_iso_millis(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.')
}

#[tokio::test]
async fn default_buckets_are_listed_with_every_field() {
    let (handle, client) = start().await;
    let (status, buckets) = json_of(authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/bucket"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let buckets = buckets.as_array().expect("array");
    let names: Vec<&str> = buckets.iter().filter_map(|b| b["name"].as_str()).collect();
    assert_eq!(names, ["input-images", "output-videos"]);
    let bucket = &buckets[1];
    assert_eq!(bucket["id"], "output-videos");
    assert_eq!(bucket["owner"], "");
    assert_eq!(bucket["public"], true);
    assert_eq!(bucket["type"], "STANDARD");
    assert!(bucket["file_size_limit"].is_null() && bucket["allowed_mime_types"].is_null());
    assert!(
        is_iso_millis(&bucket["created_at"]) && is_iso_millis(&bucket["updated_at"]),
        "{bucket}"
    );

    let (status, one) = json_of(authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/bucket/output-videos"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(one.get("type").is_none(), "GET one bucket has no type");
    let (status, missing) = json_of(authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/bucket/nope"),
    ))
    .await;
    assert_storage_error(status, &missing, "404", "NoSuchBucket");
}

#[tokio::test]
async fn auth_errors_have_the_real_shapes() {
    let (handle, client) = start().await;
    let url = storage_url(&handle, "/bucket");
    let (status, body) = json_of(client.get(&url)).await;
    assert_storage_error(status, &body, "400", "InvalidRequest");
    assert_eq!(
        body["message"],
        "headers must have required property 'authorization'"
    );

    let (status, body) = json_of(client.get(&url).bearer_auth("not-a-jwt")).await;
    assert_storage_error(status, &body, "403", "AccessDenied");
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(body["message"], "Invalid Compact JWS");

    let (status, body) = json_of(client.get(&url).bearer_auth("eyJh.eyJz.c2ln")).await;
    assert_storage_error(status, &body, "403", "AccessDenied");
    assert_eq!(body["message"], "signature verification failed");

    let (status, body) =
        json_of(authed(&client, Method::GET, &storage_url(&handle, "/nope"))).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "an unknown route is a real 404"
    );
    assert_eq!(
        body,
        json!({"statusCode":"404","error":"Not Found","message":"Route GET:/nope not found","code":"InvalidRequest"})
    );
}

#[tokio::test]
async fn upload_then_list_download_and_duplicates() {
    let (handle, client) = start().await;
    let (status, created) = upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/jobs/clip.mp4",
        b"0123456789",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created["Key"], "output-videos/jobs/clip.mp4");
    let id = created["Id"].as_str().expect("Id").to_string();
    assert_eq!(id.len(), 36);

    let (status, duplicate) = upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/jobs/clip.mp4",
        b"other",
    )
    .await;
    assert_storage_error(status, &duplicate, "409", "KeyAlreadyExists");
    assert_eq!(duplicate["error"], "Duplicate");

    let (status, upserted) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/output-videos/jobs/clip.mp4"),
        )
        .header("content-type", "video/mp4")
        .header("x-upsert", "true")
        .body(&b"abcdefghijkl"[..]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(upserted["Id"], id.as_str(), "the id survives an overwrite");
    let (status, _) = upload(
        &client,
        &handle,
        Method::PUT,
        "output-videos/jobs/clip.mp4",
        b"abcdefghijkl",
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, listed) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/list/output-videos"),
        )
        .json(&json!({"prefix": "jobs"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let entry = &listed[0];
    assert_eq!(entry["name"], "clip.mp4");
    assert_eq!(entry["id"], id.as_str());
    assert_eq!(entry["metadata"]["size"], 12);
    assert_eq!(entry["metadata"]["mimetype"], "video/mp4");
    assert_eq!(entry["metadata"]["cacheControl"], "max-age=3600");
    assert_eq!(entry["metadata"]["httpStatusCode"], 200);
    assert!(is_iso_millis(&entry["created_at"]));

    // Public bucket: no token needed.
    let public = client
        .get(storage_url(
            &handle,
            "/object/public/output-videos/jobs/clip.mp4",
        ))
        .send()
        .await
        .expect("sent");
    assert_eq!(public.status(), StatusCode::OK);
    let headers = public.headers().clone();
    assert_eq!(headers["content-type"], "video/mp4");
    assert_eq!(headers["cache-control"], "max-age=3600");
    assert_eq!(headers["content-length"], "12");
    assert_eq!(headers["accept-ranges"], "bytes");
    assert_eq!(headers["x-robots-tag"], "none");
    assert!(headers.contains_key("last-modified"));
    let etag = headers["etag"].to_str().expect("ascii").to_string();
    // MD5 of "abcdefghijkl".
    assert_eq!(etag, "\"9fc9d606912030dca86582ed62595cf7\"");
    assert_eq!(
        public.bytes().await.expect("body").as_ref(),
        b"abcdefghijkl"
    );

    let ranged = client
        .get(storage_url(
            &handle,
            "/object/public/output-videos/jobs/clip.mp4",
        ))
        .header("range", "bytes=2-4")
        .send()
        .await
        .expect("sent");
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.headers()["content-range"], "bytes 2-4/12");
    assert_eq!(ranged.bytes().await.expect("body").as_ref(), b"cde");

    let cached = client
        .get(storage_url(&handle, "/object/output-videos/jobs/clip.mp4"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("sent");
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);

    let authenticated = authed(
        &client,
        Method::HEAD,
        &storage_url(&handle, "/object/authenticated/output-videos/jobs/clip.mp4"),
    )
    .send()
    .await
    .expect("sent");
    assert_eq!(authenticated.status(), StatusCode::OK);
    assert_eq!(authenticated.headers()["content-length"], "12");

    let (status, info) = json_of(authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/object/info/output-videos/jobs/clip.mp4"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(info["name"], "jobs/clip.mp4");
    assert_eq!(info["bucket_id"], "output-videos");
    assert_eq!(info["size"], 12);
    assert_eq!(info["content_type"], "video/mp4");
    assert_eq!(info["etag"], etag.as_str());

    let (status, missing) = json_of(client.get(storage_url(
        &handle,
        "/object/public/output-videos/jobs/none.mp4",
    )))
    .await;
    assert_storage_error(status, &missing, "404", "NoSuchKey");
}

#[tokio::test]
async fn private_buckets_hide_from_public_routes() {
    let (handle, client) = start().await;
    let (status, created) = json_of(
        authed(&client, Method::POST, &storage_url(&handle, "/bucket"))
            .json(&json!({"name": "private", "file_size_limit": "10B", "allowed_mime_types": ["video/*"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created, json!({"name": "private"}));
    let (status, again) = json_of(
        authed(&client, Method::POST, &storage_url(&handle, "/bucket"))
            .json(&json!({"name": "private"})),
    )
    .await;
    assert_storage_error(status, &again, "409", "BucketAlreadyExists");

    let (status, too_big) = upload(
        &client,
        &handle,
        Method::POST,
        "private/big.mp4",
        b"01234567890",
    )
    .await;
    assert_storage_error(status, &too_big, "413", "EntityTooLarge");
    let (status, wrong_type) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/private/a.txt"),
        )
        .header("content-type", "text/plain")
        .body("x"),
    )
    .await;
    assert_storage_error(status, &wrong_type, "415", "InvalidMimeType");
    assert_eq!(
        wrong_type["message"],
        "mime type text/plain is not supported"
    );
    let (status, _) = upload(&client, &handle, Method::POST, "private/small.mp4", b"0123").await;
    assert_eq!(status, StatusCode::OK);

    let (status, hidden) =
        json_of(client.get(storage_url(&handle, "/object/public/private/small.mp4"))).await;
    assert_storage_error(status, &hidden, "404", "NoSuchBucket");
    let (status, hidden) =
        json_of(client.get(storage_url(&handle, "/object/private/small.mp4"))).await;
    assert_storage_error(status, &hidden, "404", "NoSuchBucket");
    let with_token = authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/object/private/small.mp4"),
    )
    .send()
    .await
    .expect("sent");
    assert_eq!(with_token.status(), StatusCode::OK);

    let (status, not_empty) = json_of(authed(
        &client,
        Method::DELETE,
        &storage_url(&handle, "/bucket/private"),
    ))
    .await;
    assert_storage_error(status, &not_empty, "409", "ResourceNotEmpty");
    let (status, emptied) = json_of(authed(
        &client,
        Method::POST,
        &storage_url(&handle, "/bucket/private/empty"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        emptied["message"]
            .as_str()
            .expect("message")
            .starts_with("Empty bucket has been queued")
    );
    let (status, deleted) = json_of(authed(
        &client,
        Method::DELETE,
        &storage_url(&handle, "/bucket/private"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(deleted, json!({"message": "Successfully deleted"}));

    let (status, updated) = json_of(
        authed(
            &client,
            Method::PUT,
            &storage_url(&handle, "/bucket/input-images"),
        )
        .json(&json!({"public": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated, json!({"message": "Successfully updated"}));
    let (status, bad_name) = json_of(
        authed(&client, Method::POST, &storage_url(&handle, "/bucket"))
            .json(&json!({"name": "a/b"})),
    )
    .await;
    assert_storage_error(status, &bad_name, "400", "InvalidBucketName");
}

#[tokio::test]
async fn listing_follows_the_servers_rules() {
    let (handle, client) = start().await;
    for path in [
        "new.mp4",
        "a.mp4",
        "Zed.mp4",
        "sub/x.mp4",
        "sub/deeper/y.mp4",
    ] {
        let (status, _) = upload(
            &client,
            &handle,
            Method::POST,
            &format!("output-videos/{path}"),
            b"x",
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let list = |body: Value| {
        json_of(
            authed(
                &client,
                Method::POST,
                &storage_url(&handle, "/object/list/output-videos"),
            )
            .json(&body),
        )
    };
    let names = |value: &Value| -> Vec<String> {
        value
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|e| e["name"].as_str().map(str::to_string))
            .collect()
    };

    let (_, root) = list(json!({"prefix": ""})).await;
    assert_eq!(names(&root), ["a.mp4", "new.mp4", "sub", "Zed.mp4"]);
    let folder = &root[2];
    assert!(
        folder["id"].is_null() && folder["metadata"].is_null() && folder["created_at"].is_null()
    );

    let (_, searched) = list(json!({"prefix": "", "search": "N"})).await;
    assert_eq!(names(&searched), ["new.mp4"]);
    let (_, none) = list(json!({"prefix": "", "search": "mp4"})).await;
    assert_eq!(names(&none), Vec::<String>::new());
    let (_, paged) = list(json!({"prefix": "", "limit": 2, "offset": 1})).await;
    assert_eq!(names(&paged), ["new.mp4", "sub"]);
    let (_, sub) = list(json!({"prefix": "sub/"})).await;
    assert_eq!(names(&sub), ["deeper", "x.mp4"]);
    let (_, by_time) =
        list(json!({"prefix": "", "sortBy": {"column": "created_at", "order": "asc"}})).await;
    assert_eq!(
        names(&by_time)[0],
        "sub",
        "folders first when not sorting by name"
    );

    let (status, missing_bucket) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/list/nope"),
        )
        .json(&json!({"prefix": ""})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(missing_bucket, json!([]));
    let (status, no_prefix) = list(json!({})).await;
    assert_storage_error(status, &no_prefix, "400", "InvalidRequest");
    assert_eq!(
        no_prefix["message"],
        "body must have required property 'prefix'"
    );
}

#[tokio::test]
async fn signed_urls_serve_without_auth_until_they_expire() {
    let (handle, client) = start().await;
    upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/v/clip.mp4",
        b"signed bytes",
    )
    .await;
    let (status, signed) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/sign/output-videos/v/clip.mp4"),
        )
        .json(&json!({"expiresIn": 60})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let signed_url = signed["signedURL"].as_str().expect("signedURL").to_string();
    assert!(
        signed_url.starts_with("/object/sign/output-videos/v/clip.mp4?token="),
        "{signed_url}"
    );
    let token = signed_url
        .split("token=")
        .nth(1)
        .expect("token")
        .to_string();
    assert_eq!(token.split('.').count(), 3, "JWT-shaped");

    let response = client
        .get(storage_url(&handle, &signed_url))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().contains_key("expires"));
    assert!(!response.headers().contains_key("cache-control"));
    assert_eq!(
        response.bytes().await.expect("body").as_ref(),
        b"signed bytes"
    );

    let (status, other_path) = json_of(client.get(storage_url(
        &handle,
        &format!("/object/sign/output-videos/v/other.mp4?token={token}"),
    )))
    .await;
    assert_storage_error(status, &other_path, "400", "InvalidSignature");
    let (status, no_token) = json_of(client.get(storage_url(
        &handle,
        "/object/sign/output-videos/v/clip.mp4",
    )))
    .await;
    assert_storage_error(status, &no_token, "400", "InvalidRequest");
    let (status, missing) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/sign/output-videos/v/none.mp4"),
        )
        .json(&json!({"expiresIn": 60})),
    )
    .await;
    assert_storage_error(status, &missing, "404", "NoSuchKey");

    let (status, many) = json_of(
        authed(
            &client,
            Method::POST,
            &storage_url(&handle, "/object/sign/output-videos"),
        )
        .json(&json!({"expiresIn": "60", "paths": ["v/clip.mp4", "v/none.mp4"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(many[0]["signedURL"].is_string() && many[0]["error"].is_null());
    assert!(many[1]["signedURL"].is_null() && many[1]["error"].is_string());

    handle.advance_clock(Duration::from_secs(61));
    let (status, expired) = json_of(client.get(storage_url(&handle, &signed_url))).await;
    assert_storage_error(status, &expired, "400", "InvalidJWT");
    assert_eq!(expired["message"], "jwt expired");
}

#[tokio::test]
async fn move_copy_and_delete() {
    let (handle, client) = start().await;
    upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/a.mp4",
        b"aaa",
    )
    .await;
    upload(
        &client,
        &handle,
        Method::POST,
        "output-videos/b.mp4",
        b"bbb",
    )
    .await;
    let post = |path: &str, body: Value| {
        authed(&client, Method::POST, &storage_url(&handle, path)).json(&body)
    };

    let (status, moved) = json_of(post(
        "/object/move",
        json!({"bucketId":"output-videos","sourceKey":"a.mp4","destinationKey":"moved/a.mp4"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(moved, json!({"message": "Successfully moved"}));
    let (status, onto) = json_of(post(
        "/object/move",
        json!({"bucketId":"output-videos","sourceKey":"b.mp4","destinationKey":"moved/a.mp4"}),
    ))
    .await;
    assert_storage_error(status, &onto, "409", "ResourceAlreadyExists");
    let (status, gone) = json_of(post(
        "/object/move",
        json!({"bucketId":"output-videos","sourceKey":"a.mp4","destinationKey":"c.mp4"}),
    ))
    .await;
    assert_storage_error(status, &gone, "404", "NoSuchKey");

    let (status, copied) = json_of(post(
        "/object/copy",
        json!({"bucketId":"output-videos","sourceKey":"b.mp4","destinationKey":"b.mp4","destinationBucket":"input-images"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(copied["Key"], "input-images/b.mp4");
    assert_eq!(copied["name"], "b.mp4");
    assert_eq!(copied["bucket_id"], "input-images");
    assert_eq!(copied["metadata"]["size"], 3);
    let (status, twice) = json_of(post(
        "/object/copy",
        json!({"bucketId":"output-videos","sourceKey":"b.mp4","destinationKey":"b.mp4","destinationBucket":"input-images"}),
    ))
    .await;
    assert_storage_error(status, &twice, "409", "KeyAlreadyExists");

    let (status, deleted) = json_of(
        authed(
            &client,
            Method::DELETE,
            &storage_url(&handle, "/object/output-videos"),
        )
        .json(&json!({"prefixes": ["b.mp4", "moved", "missing.mp4"]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let deleted = deleted.as_array().expect("array");
    assert_eq!(
        deleted.len(),
        1,
        "a folder name or a missing key deletes nothing"
    );
    assert_eq!(deleted[0]["name"], "b.mp4");

    let (status, one) = json_of(authed(
        &client,
        Method::DELETE,
        &storage_url(&handle, "/object/output-videos/moved/a.mp4"),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, json!({"message": "Successfully deleted"}));
    let (status, again) = json_of(authed(
        &client,
        Method::DELETE,
        &storage_url(&handle, "/object/output-videos/moved/a.mp4"),
    ))
    .await;
    assert_storage_error(status, &again, "404", "NoSuchKey");
}

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

/// A request as another key would send it.
fn with_key(client: &Client, method: Method, url: &str, key: &str) -> RequestBuilder {
    client
        .request(method, url)
        .header("apikey", key)
        .bearer_auth(key)
}

#[tokio::test]
async fn an_anon_key_sees_an_empty_project_and_cannot_write() {
    let (handle, client) = start().await;
    let config = SimConfig::default();
    for anon in [&config.supabase_anon_key, &config.supabase_publishable_key] {
        let as_anon =
            |method, path: &str| with_key(&client, method, &storage_url(&handle, path), anon);
        let (status, listed) = json_of(as_anon(Method::GET, "/bucket")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed, json!([]), "row-level security hides every bucket");
        let (status, body) = json_of(as_anon(Method::GET, "/bucket/output-videos")).await;
        assert_storage_error(status, &body, "404", "NoSuchBucket");
        let (status, body) = json_of(
            as_anon(Method::POST, "/object/list/output-videos").json(&json!({"prefix": ""})),
        )
        .await;
        assert_eq!((status, body), (StatusCode::OK, json!([])));
        let (status, body) = json_of(
            as_anon(Method::POST, "/object/output-videos/a.mp4")
                .header("content-type", "video/mp4")
                .body("x"),
        )
        .await;
        assert_storage_error(status, &body, "403", "AccessDenied");
        assert_eq!(
            body["message"],
            "new row violates row-level security policy"
        );
        let (status, body) =
            json_of(as_anon(Method::POST, "/bucket").json(&json!({"name": "mine"}))).await;
        assert_storage_error(status, &body, "403", "AccessDenied");
        let tus = as_anon(Method::POST, "/upload/resumable")
            .header("tus-resumable", "1.0.0")
            .header("upload-length", "1")
            .header(
                "upload-metadata",
                "bucketName b3V0cHV0LXZpZGVvcw==,objectName YS5tcDQ=",
            )
            .send()
            .await
            .expect("answer");
        assert_eq!(tus.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            tus.text().await.expect("text"),
            "new row violates row-level security policy"
        );
    }
    // The service-role key still sees the buckets.
    let (_, listed) = json_of(authed(
        &client,
        Method::GET,
        &storage_url(&handle, "/bucket"),
    ))
    .await;
    assert!(listed.as_array().is_some_and(|b| b.len() == 2), "{listed}");
}

#[tokio::test]
async fn a_jwt_signed_with_another_secret_is_refused() {
    let (handle, client) = start().await;
    // The right claims (role service_role), another project's secret.
    let forged = sora_sim::supabase_jwt("another-projects-secret-of-32-characters", "service_role");
    let (status, body) = json_of(with_key(
        &client,
        Method::GET,
        &storage_url(&handle, "/bucket"),
        &forged,
    ))
    .await;
    assert_storage_error(status, &body, "403", "AccessDenied");
    assert_eq!(body["message"], "signature verification failed");
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
