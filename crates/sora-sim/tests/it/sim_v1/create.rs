//! Creating videos: multipart and JSON bodies on both bases, validation errors in OpenAI's shapes,
//! and the key and api-version checks.

use super::*;

#[tokio::test]
async fn create_by_multipart_and_json_on_both_bases() {
    let sim = start(fast()).await;
    for base in BOTH {
        let form = Form::new()
            .text("prompt", "a fox")
            .text("model", "sora-2")
            .text("seconds", "8")
            .text("size", "1280x720")
            .part(
                "input_reference",
                Part::bytes(png(1280, 720))
                    .file_name("ref.png")
                    .mime_str("image/png")
                    .expect("mime"),
            );
        let (status, video) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(form),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{video}");
        let id = video["id"].as_str().expect("id");
        assert!(id.starts_with("video_") && id.len() == 38, "{id}");
        assert_eq!(video["object"], "video");
        assert_eq!(video["status"], "queued");
        assert_eq!(video["progress"], 0);
        assert_eq!(video["seconds"], "8");
        assert_eq!(video["size"], "1280x720");
        assert_eq!(video["model"], "sora-2");
        for field in [
            "completed_at",
            "expires_at",
            "remixed_from_video_id",
            "error",
        ] {
            assert!(
                video.get(field).is_some_and(Value::is_null),
                "{field}: {video}"
            );
        }
        assert!(video["created_at"].as_u64().is_some());

        // JSON with defaults, and a reference by URL.
        let (status, video) = sim
            .create_json(
                base,
                json!({"prompt": "a fox", "input_reference": {"image_url": "https://example.com/a.png"}, "extra": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{video}");
        assert_eq!(
            (&video["model"], &video["seconds"], &video["size"]),
            (&json!("sora-2"), &json!("4"), &json!("720x1280"))
        );
        let (status, body) = sim
            .create_json(
                base,
                json!({"prompt": "x", "input_reference": {"image_url": "a", "file_id": "b"}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // A reference image of the wrong size, or not an image.
        let wrong = Form::new().text("prompt", "x").part(
            "input_reference",
            Part::bytes(png(720, 720))
                .file_name("r.png")
                .mime_str("image/png")
                .expect("mime"),
        );
        let (status, body) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(wrong),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Inpaint image must match the requested width and height"
        );
        let text = Form::new().text("prompt", "x").part(
            "input_reference",
            Part::bytes(b"hello".to_vec())
                .file_name("r.txt")
                .mime_str("text/plain")
                .expect("mime"),
        );
        let (status, body) = sim
            .send(
                base,
                sim.client.post(sim.url(base, "")).hand_multipart(text),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["param"], "input_reference");
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn validation_errors_have_openai_shapes() {
    let sim = start(fast()).await;
    for base in BOTH {
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "seconds": 4}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"error": {
                "message": "Invalid type for 'seconds': expected one of '4', '8', or '12', but got an integer instead.",
                "type": "invalid_request_error", "param": "seconds", "code": "invalid_type"}})
        );
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "seconds": "5"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Invalid value: '5'. Supported values are: '4', '8', and '12'."
        );
        let (status, body) = sim
            .create_json(base, json!({"prompt": "x", "size": "1792x1024"}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            error_message(&body),
            "Invalid value: '1792x1024'. Supported values are: '720x1280' and '1280x720'."
        );
        assert_eq!(body["error"]["param"], "size");
        let (status, body) = sim.create_json(base, json!({"model": "sora-2"})).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "missing_required_parameter");
    }
    // sora-2-pro has the larger sizes on OpenAI.
    let (status, video) = sim
        .create_json(
            Base::OpenAI,
            json!({"prompt": "x", "model": "sora-2-pro", "size": "1792x1024", "seconds": "12"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{video}");
    let (status, body) = sim
        .create_json(
            Base::OpenAI,
            json!({"prompt": "x", "model": "sora-2-pro", "size": "1920x1080"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error_message(&body).contains("'1024x1792', and '1792x1024'"));
    for model in [
        "sora-2-2025-10-06",
        "sora-2-pro-2025-10-06",
        "sora-2-2025-12-08",
    ] {
        let (status, _) = sim
            .create_json(Base::OpenAI, json!({"prompt": "x", "model": model}))
            .await;
        assert_eq!(status, StatusCode::OK, "{model}");
    }
    let (status, body) = sim
        .create_json(Base::OpenAI, json!({"prompt": "x", "model": "sora-3"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "model_not_found");

    // Azure: deployments, not models.
    let (status, body) = sim
        .create_json(Base::Azure, json!({"prompt": "x", "model": "sora-2-pro"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"error": {
            "message": "The API deployment 'sora-2-pro' for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
            "type": "video_generation_user_error", "param": null, "code": null}})
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn auth_and_api_version() {
    let sim = start(fast()).await;
    let url = sim.url(Base::OpenAI, "");
    let response = sim
        .client
        .get(&url)
        .bearer_auth("sk-proj-abcdefghijklmnopqrstuvwxyz")
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("x-request-id"));
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(body["error"]["param"].is_null());
    let message = error_message(&body);
    assert!(
        message.starts_with("Incorrect API key provided: sk-proj-*"),
        "{message}"
    );
    assert!(!message.contains("abcdefghijklmnopqrstuvwxyz"));
    let response = sim.client.get(&url).send().await.expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // The Azure key is not an OpenAI key, and the other way round.
    let response = sim
        .client
        .get(&url)
        .bearer_auth(AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let azure = sim.url(Base::Azure, "");
    let response = sim
        .client
        .get(&azure)
        .bearer_auth(OPENAI_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key("apim-request-id"));
    let response = sim
        .client
        .get(&azure)
        .bearer_auth(AZURE_KEY)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);

    for (version, expected) in [("preview", 200), ("v1", 200), ("2024-10-21", 400)] {
        let (status, _) = sim
            .get(Base::Azure, &format!("?api-version={version}"))
            .await;
        assert_eq!(status.as_u16(), expected, "{version}");
    }
    let (status, body) = sim.get(Base::OpenAI, "/video_x/content/video").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        error_message(&body),
        "Invalid URL (GET /v1/videos/video_x/content/video)"
    );
    let (status, body) = sim.get(Base::Azure, "/video_x/content/video").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, json!({"detail": "Not Found"}));
    sim.handle.shutdown().await;
}
