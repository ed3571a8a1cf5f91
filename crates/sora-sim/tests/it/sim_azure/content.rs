//! The content routes of a finished generation: wrong routes answer the gateway's 404, and range
//! requests resume a download.

use super::*;

#[tokio::test]
async fn wrong_content_routes_answer_the_gateway_404() {
    let (handle, client) = start().await;
    let (job_id, gen_id) = finished_generation(&client, &handle).await;
    for path in [
        format!("/{gen_id}/content"),
        format!("/{job_id}/content/video"),
        format!("/jobs/{job_id}/content"),
        format!("/{gen_id}/content/gif"),
        "/gen_unknown/content/video".to_string(),
    ] {
        let response = send(&client, Method::GET, &url(&handle, &path)).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().contains_key("apim-request-id"));
        assert_eq!(
            response.text().await.expect("body"),
            RESOURCE_NOT_FOUND,
            "{path}"
        );
    }
    let elsewhere = send(
        &client,
        Method::GET,
        &format!("{}/openai/deployments/sora/x", handle.base_url()),
    )
    .await;
    assert_eq!(elsewhere.text().await.expect("body"), RESOURCE_NOT_FOUND);
}

#[tokio::test]
async fn range_requests_resume_a_download() {
    let (handle, client) = start().await;
    let (_, gen_id) = finished_generation(&client, &handle).await;
    let video_url = url(&handle, &format!("/{gen_id}/content/video"));
    let len = SAMPLE_MP4.len();

    let first = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", "bytes=0-99")
        .send()
        .await
        .expect("sent");
    assert_eq!(first.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        first.headers()["content-range"],
        format!("bytes 0-99/{len}").as_str()
    );
    assert_eq!(
        first.bytes().await.expect("body").as_ref(),
        &SAMPLE_MP4[..100]
    );

    let rest = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", "bytes=100-")
        .send()
        .await
        .expect("sent");
    assert_eq!(rest.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        rest.headers()["content-range"],
        format!("bytes 100-{}/{len}", len - 1).as_str()
    );
    assert_eq!(
        rest.bytes().await.expect("body").as_ref(),
        &SAMPLE_MP4[100..]
    );

    let beyond = client
        .get(&video_url)
        .header("api-key", KEY)
        .header("range", format!("bytes={len}-"))
        .send()
        .await
        .expect("sent");
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
}
