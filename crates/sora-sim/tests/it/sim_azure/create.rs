//! Creating a job: the api-version and key checks, the validation the docs describe, inpaint items
//! matched by image name, and a moderated prompt ending failed.

use super::*;

#[tokio::test]
async fn api_version_and_key_are_checked() {
    let (handle, client) = start().await;
    let base = format!(
        "{}/openai/v1/video/generations/jobs?limit=1",
        handle.base_url()
    );

    let missing = send(&client, Method::GET, &base).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
    let body: Value = missing.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "BadRequest");

    let other = send(
        &client,
        Method::GET,
        &format!("{base}&api-version=2025-02-15-preview"),
    )
    .await;
    assert_eq!(other.status(), StatusCode::BAD_REQUEST);
    let body: Value = other.json().await.expect("JSON");
    assert_eq!(body["error"]["message"], "API version not supported");

    let good = format!("{base}&api-version=preview");
    let no_key = client.get(&good).send().await.expect("sent");
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    let body: Value = no_key.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "401");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .starts_with("Access denied due to invalid subscription key")
    );

    let wrong = client
        .get(&good)
        .header("api-key", "nope")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let bearer = client
        .get(&good)
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    assert_eq!(bearer.status(), StatusCode::OK);
}

#[tokio::test]
async fn create_is_validated_like_the_docs_say() {
    let (handle, client) = start().await;
    let cases = [
        (
            json!({"model":"sora","prompt":"p","width":500,"height":500}),
            "width",
        ),
        (
            json!({"model":"sora","prompt":"p","width":1920,"height":1080,"n_variants":2}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":1280,"height":720,"n_variants":3}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_variants":5}),
            "n_variants",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_seconds":0}),
            "n_seconds",
        ),
        (
            json!({"model":"sora","prompt":"p","width":480,"height":480,"n_seconds":21}),
            "n_seconds",
        ),
        (json!({"model":"sora","width":480,"height":480}), "prompt"),
        (json!({"prompt":"p","width":480,"height":480}), "model"),
        (
            json!({"model":"sora","prompt":"p","width":"wide","height":480}),
            "width",
        ),
    ];
    for (body, param) in cases {
        let (status, error) = create_job(&client, &handle, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(error["error"]["code"], "invalid_request_error", "{body}");
        assert_eq!(error["error"]["param"], param, "{body}");
        assert!(error["error"]["message"].is_string());
    }
    let (status, _) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"p","width":720,"height":1280,"n_variants":2,"n_seconds":20,"unknown":"ignored"}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, retired) = create_job(
        &client,
        &handle,
        json!({"model":"sora-retired","prompt":"p","width":480,"height":480}),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(retired["error"]["type"], "video_generation_user_error");
    assert!(
        retired["error"]["message"]
            .as_str()
            .expect("message")
            .contains("'sora-retired'")
    );
}

/// A multipart create as a Python client (httpx) writes it: a quoted filename keeps its `;`
/// as it is (only `"`, `\` and line breaks are escaped).
fn inpaint_form(file_name: &str, image: &[u8]) -> Vec<u8> {
    let items = json!([{"frame_index": 0, "type": "image", "file_name": file_name}]).to_string();
    let mut body = Vec::new();
    for (name, value) in [
        ("model", "sora"),
        ("prompt", "a lighthouse at dusk"),
        ("width", "480"),
        ("height", "480"),
        ("n_seconds", "5"),
        ("inpaint_items", items.as_str()),
    ] {
        body.extend_from_slice(
            format!(
                "--B0und\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--B0und\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(image);
    body.extend_from_slice(b"\r\n--B0und--\r\n");
    body
}

#[tokio::test]
async fn an_image_whose_name_holds_a_semicolon_is_matched_to_its_inpaint_item() {
    let (handle, client) = start().await;
    let response = client
        .post(url(&handle, "/jobs"))
        .header("api-key", KEY)
        .header("content-type", "multipart/form-data; boundary=B0und")
        .body(inpaint_form("first;frame.jpg", THUMBNAIL_JPG))
        .send()
        .await
        .expect("request reaches the sim");
    let status = response.status();
    let job: Value = response.json().await.expect("JSON answer");
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert_eq!(
        job["inpaint_items"][0]["file_name"], "first;frame.jpg",
        "{job}"
    );
}

#[tokio::test]
async fn moderated_prompt_ends_failed() {
    let (handle, client) = start().await;
    let (_, job) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"something forbidden","width":480,"height":480}),
    )
    .await;
    let id = job["id"].as_str().expect("id").to_string();
    let (_, done) = poll_until_terminal(&client, &handle, &id).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["failure_reason"], "input_moderation");
    assert_eq!(done["generations"], json!([]));
    assert!(done["finished_at"].is_u64());
}
