//! Keys: the auth errors' real shapes, an anon key's empty project it cannot write to, and a JWT
//! signed with another secret.

use super::*;

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
