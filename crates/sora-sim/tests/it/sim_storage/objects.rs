//! Objects: upload then list, download and duplicates, the server's listing rules, and move, copy
//! and delete.

use super::*;

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
