//! Buckets and who may read them: the default buckets with every field, private buckets hidden from
//! public routes, and signed URLs that serve without auth until they expire.

use super::*;

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
