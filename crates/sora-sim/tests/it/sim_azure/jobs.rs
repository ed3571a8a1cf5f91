//! A job's life: every status then the content after its delay, listing newest first and deleting,
//! expiry after the TTL, and the record of requests.

use super::*;

fn is_task_like(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 26
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

#[tokio::test]
async fn job_walks_every_status_then_content_arrives_after_the_delay() {
    let (handle, client) = start().await;
    let (status, job) =
        create_job(&client, &handle, json!({"model":"sora","prompt":"A cat playing piano","width":480,"height":480,"n_variants":2}))
            .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(job["object"], "video.generation.job");
    assert_eq!(job["status"], "queued");
    assert_eq!(job["n_seconds"], 5, "n_seconds defaults to 5");
    assert_eq!(job["generations"], json!([]));
    assert!(
        job["finished_at"].is_null()
            && job["expires_at"].is_null()
            && job["failure_reason"].is_null()
    );
    let id = job["id"].as_str().expect("id").to_string();
    assert!(is_task_like(&id, "task_"), "{id}");

    let (seen, done) = poll_until_terminal(&client, &handle, &id).await;
    assert_eq!(seen.last().map(String::as_str), Some("succeeded"));
    let walk = [
        "queued",
        "preprocessing",
        "running",
        "processing",
        "succeeded",
    ];
    assert!(seen.iter().all(|s| walk.contains(&s.as_str())), "{seen:?}");
    assert!(
        seen.len() >= 2,
        "a non-terminal status is seen before success: {seen:?}"
    );
    let created_at = done["created_at"].as_u64().expect("created_at");
    assert_eq!(done["expires_at"].as_u64(), Some(created_at + 86_400));
    assert!(done["finished_at"].as_u64().is_some());
    let generations = done["generations"].as_array().expect("generations");
    assert_eq!(generations.len(), 2);
    let generation = &generations[0];
    assert_eq!(generation["object"], "video.generation");
    assert_eq!(generation["job_id"], id.as_str());
    for field in ["created_at", "width", "height", "n_seconds", "prompt"] {
        assert!(!generation[field].is_null(), "{field}");
    }
    let gen_id = generation["id"]
        .as_str()
        .expect("generation id")
        .to_string();
    assert!(is_task_like(&gen_id, "gen_"), "{gen_id}");

    // Content lags behind `succeeded` (the injected fault) with the gateway's generic 404.
    let video_url = url(&handle, &format!("/{gen_id}/content/video"));
    let early = send(&client, Method::GET, &video_url).await;
    assert_eq!(early.status(), StatusCode::NOT_FOUND);
    assert_eq!(early.text().await.expect("body"), RESOURCE_NOT_FOUND);

    let mut ready = None;
    for _ in 0..40 {
        let response = send(&client, Method::GET, &video_url).await;
        if response.status() == StatusCode::OK {
            ready = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let response = ready.expect("content is served once content_delay has passed");
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "video/mp4");
    assert_eq!(
        headers["content-length"],
        SAMPLE_MP4.len().to_string().as_str()
    );
    assert_eq!(headers["accept-ranges"], "bytes");
    assert!(headers.contains_key("last-modified"));
    assert!(headers.contains_key("apim-request-id"));
    assert_eq!(response.bytes().await.expect("body").as_ref(), SAMPLE_MP4);

    let head = send(&client, Method::HEAD, &video_url).await;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()["content-length"],
        SAMPLE_MP4.len().to_string().as_str()
    );
    assert!(head.bytes().await.expect("no body").is_empty());

    let low = send(&client, Method::GET, &format!("{video_url}&quality=low")).await;
    assert_eq!(low.status(), StatusCode::OK);

    let thumbnail = send(
        &client,
        Method::GET,
        &url(&handle, &format!("/{gen_id}/content/thumbnail")),
    )
    .await;
    assert_eq!(thumbnail.status(), StatusCode::OK);
    assert_eq!(thumbnail.headers()["content-type"], "image/jpg");
    assert_eq!(
        thumbnail.bytes().await.expect("body").as_ref(),
        THUMBNAIL_JPG
    );

    let (status, metadata) = get_json(&client, &url(&handle, &format!("/{gen_id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&metadata, generation);
}

#[tokio::test]
async fn list_pages_newest_first_and_delete_removes() {
    let (handle, client) = start().await;
    let mut ids = Vec::new();
    for i in 0..3 {
        let (_, job) = create_job(
            &client,
            &handle,
            json!({"model":"sora","prompt":format!("p{i}"),"width":480,"height":480}),
        )
        .await;
        ids.push(job["id"].as_str().expect("id").to_string());
    }
    let (status, page) = get_json(&client, &url(&handle, "/jobs?limit=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["object"], "list");
    assert_eq!(page["has_more"], true);
    let listed: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|j| j["id"].as_str())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["first_id"], ids[2].as_str());
    assert_eq!(page["last_id"], ids[1].as_str());

    let (_, next) = get_json(
        &client,
        &url(&handle, &format!("/jobs?limit=2&after={}", ids[1])),
    )
    .await;
    assert_eq!(next["data"][0]["id"], ids[0].as_str());
    assert_eq!(next["has_more"], false);
    let (_, before) = get_json(
        &client,
        &url(&handle, &format!("/jobs?limit=5&before={}", ids[0])),
    )
    .await;
    assert_eq!(before["data"].as_array().expect("data").len(), 2);

    let (_, none) = get_json(
        &client,
        &url(&handle, "/jobs?limit=10&statuses=succeeded,failed"),
    )
    .await;
    assert_eq!(none["data"], json!([]));
    assert!(none["first_id"].is_null());
    let (status, _) = get_json(&client, &url(&handle, "/jobs?limit=10&statuses=bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, error) = get_json(&client, &url(&handle, "/jobs")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "limit is required");
    assert_eq!(error["error"]["param"], "limit");

    let deleted = send(
        &client,
        Method::DELETE,
        &url(&handle, &format!("/jobs/{}", ids[0])),
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(deleted.bytes().await.expect("body").is_empty());
    let (status, error) = get_json(&client, &url(&handle, &format!("/jobs/{}", ids[0]))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(error["error"]["message"].is_string());
    let again = send(
        &client,
        Method::DELETE,
        &url(&handle, &format!("/jobs/{}", ids[0])),
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn everything_expires_after_the_ttl() {
    let (handle, client) = start().await;
    let (job_id, gen_id) = finished_generation(&client, &handle).await;
    handle.advance_clock(Duration::from_secs(24 * 60 * 60));
    let video = send(
        &client,
        Method::GET,
        &url(&handle, &format!("/{gen_id}/content/video")),
    )
    .await;
    assert_eq!(video.status(), StatusCode::NOT_FOUND);
    assert_eq!(video.text().await.expect("body"), RESOURCE_NOT_FOUND);
    let (status, _) = get_json(&client, &url(&handle, &format!("/jobs/{job_id}"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn requests_are_recorded() {
    let (handle, client) = start().await;
    handle.clear_requests();
    let (_, job) = create_job(
        &client,
        &handle,
        json!({"model":"sora","prompt":"recorded","width":480,"height":480}),
    )
    .await;
    let _ = get_json(
        &client,
        &url(
            &handle,
            &format!("/jobs/{}", job["id"].as_str().expect("id")),
        ),
    )
    .await;
    let requests = handle.requests();
    assert_eq!(requests.len(), 2);
    let create = &requests[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/openai/v1/video/generations/jobs");
    assert_eq!(create.query.as_deref(), Some("api-version=preview"));
    assert_eq!(create.header("api-key"), Some(KEY));
    assert_eq!(create.status, 201);
    let sent: Value = serde_json::from_slice(&create.body).expect("recorded JSON body");
    assert_eq!(sent["prompt"], "recorded");
    assert_eq!(requests[1].method, "GET");
    handle.clear_requests();
    assert!(handle.requests().is_empty());

    let lines = sora_sim::env_lines(&handle, &SimConfig::default());
    assert!(lines.contains(&format!(
        "export AZURE_OPENAI_ENDPOINT={}",
        handle.base_url()
    )));
    assert!(lines.contains(&format!("export SUPABASE_URL={}", handle.base_url())));
    handle.shutdown().await;
}
