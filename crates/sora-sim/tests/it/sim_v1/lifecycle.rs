//! A video after it is created: the status walk with its poll header and moderation, list
//! pagination and delete, and the content variants, ranges, lag and remix.

use super::*;

#[tokio::test]
async fn status_walk_poll_header_and_moderation() {
    let sim = start(fast()).await;
    for base in BOTH {
        let (_, video) = sim.create_json(base, json!({"prompt": "a walk"})).await;
        let id = video["id"].as_str().expect("id").to_string();
        let response = sim
            .auth(base, sim.client.get(sim.url(base, &format!("/{id}"))))
            .send()
            .await
            .expect("answer");
        assert_eq!(
            response
                .headers()
                .get("openai-poll-after-ms")
                .map(|v| v.as_bytes()),
            Some(&b"100"[..])
        );
        let (seen, done) = sim.poll(base, &id).await;
        let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(statuses.first(), Some(&"queued"), "{seen:?}");
        assert!(statuses.contains(&"in_progress"), "{seen:?}");
        let progress: Vec<u64> = seen.iter().map(|(_, p)| *p).collect();
        assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
        assert!(
            seen.iter()
                .any(|(s, p)| s == "in_progress" && *p > 0 && *p < 100),
            "{seen:?}"
        );
        assert_eq!(done["progress"], 100);
        let created = done["created_at"].as_u64().expect("created_at");
        assert_eq!(done["expires_at"].as_u64(), Some(created + 24 * 3600));
        assert!(done["completed_at"].as_u64().is_some());

        let (_, video) = sim
            .create_json(base, json!({"prompt": "a forbidden fox"}))
            .await;
        let id = video["id"].as_str().expect("id").to_string();
        let (_, failed) = sim.poll(base, &id).await;
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["error"]["code"], "moderation_blocked");
        assert!(failed["expires_at"].is_null());
        let (status, _) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn list_pagination_and_delete() {
    let sim = start(fast()).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, video) = sim
            .create_json(Base::OpenAI, json!({"prompt": format!("n{i}")}))
            .await;
        ids.push(video["id"].as_str().expect("id").to_string());
    }
    // The Azure base keeps its own videos.
    let (_, azure) = sim.get(Base::Azure, "").await;
    assert_eq!(azure["data"], json!([]));
    assert_eq!(azure["has_more"], false);

    let (status, page) = sim.get(Base::OpenAI, "?limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["object"], "list");
    let got: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(got, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["first_id"], ids[2].as_str());
    assert_eq!(page["last_id"], ids[1].as_str());
    assert_eq!(page["has_more"], true);
    let (_, next) = sim
        .get(Base::OpenAI, &format!("?limit=2&after={}", ids[1]))
        .await;
    assert_eq!(next["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(next["data"][0]["id"], ids[0].as_str());
    assert_eq!(next["has_more"], false);
    let (_, asc) = sim.get(Base::OpenAI, "?order=asc").await;
    assert_eq!(asc["first_id"], ids[0].as_str());
    let (status, body) = sim.get(Base::OpenAI, "?order=up").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["param"], "order");
    let (status, body) = sim.get(Base::OpenAI, "?limit=101").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "integer_above_max_value");

    // Delete: in progress refused, then the shape.
    let (status, _) = sim
        .send(
            Base::OpenAI,
            sim.client
                .delete(sim.url(Base::OpenAI, &format!("/{}", ids[0]))),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    sim.poll(Base::OpenAI, &ids[0]).await;
    let (status, body) = sim
        .send(
            Base::OpenAI,
            sim.client
                .delete(sim.url(Base::OpenAI, &format!("/{}", ids[0]))),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"id": ids[0], "object": "video.deleted", "deleted": true})
    );
    let (status, body) = sim.get(Base::OpenAI, &format!("/{}", ids[0])).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["type"], "invalid_request_error");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn content_variants_range_lag_and_remix() {
    let config = SimConfig {
        content_delay: Duration::from_millis(300),
        ..fast()
    };
    let sim = start(config).await;
    for base in BOTH {
        let (_, video) = sim.create_json(base, json!({"prompt": "content"})).await;
        let id = video["id"].as_str().expect("id").to_string();
        let (status, body) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "not ready: {body}");
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert!(error_message(&body).starts_with("Video is not ready yet"));
        sim.poll(base, &id).await;
        // Completed, but the content lags.
        let (status, _) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        tokio::time::sleep(Duration::from_millis(350)).await;

        for (variant, content_type, data) in [
            ("", "video/mp4", SAMPLE_MP4),
            ("?variant=video", "video/mp4", SAMPLE_MP4),
            ("?variant=thumbnail", "image/webp", THUMBNAIL_WEBP),
            ("?variant=spritesheet", "image/jpeg", SPRITESHEET_JPG),
        ] {
            let response = sim
                .auth(
                    base,
                    sim.client
                        .get(sim.url(base, &format!("/{id}/content{variant}"))),
                )
                .header("accept", "application/binary")
                .send()
                .await
                .expect("answer");
            assert_eq!(response.status(), StatusCode::OK, "{variant}");
            assert_eq!(response.headers()["content-type"], content_type);
            assert_eq!(
                &response.bytes().await.expect("body")[..],
                data,
                "{variant}"
            );
        }
        let (status, body) = sim.get(base, &format!("/{id}/content?variant=gif")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["param"], "variant");
        let response = sim
            .auth(
                base,
                sim.client.get(sim.url(base, &format!("/{id}/content"))),
            )
            .header("range", "bytes=100-199")
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            response.headers()["content-range"],
            format!("bytes 100-199/{}", SAMPLE_MP4.len()).as_str()
        );
        assert_eq!(
            &response.bytes().await.expect("body")[..],
            &SAMPLE_MP4[100..200]
        );

        // Remix.
        let (status, remix) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, &format!("/{id}/remix")))
                    .json(&json!({"prompt": "again"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{remix}");
        assert_eq!(remix["remixed_from_video_id"], id.as_str());
        assert_eq!(remix["prompt"], "again");
        let remix_id = remix["id"].as_str().expect("id").to_string();
        let (status, body) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, &format!("/{remix_id}/remix")))
                    .json(&json!({"prompt": "no"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "source not completed: {body}"
        );
        let (status, _) = sim
            .send(
                base,
                sim.client
                    .post(sim.url(base, "/video_nope/remix"))
                    .json(&json!({"prompt": "no"})),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // Expiry: the content goes, the video object stays.
        sim.handle.advance_clock(Duration::from_secs(24 * 3600));
        let (status, body) = sim.get(base, &format!("/{id}/content")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(error_message(&body).contains("expired"), "{body}");
        let (status, _) = sim.get(base, &format!("/{id}")).await;
        assert_eq!(status, StatusCode::OK);
    }
    sim.handle.shutdown().await;
}
