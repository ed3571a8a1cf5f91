//! The Azure Sora inpaint multipart create.

use super::*;

fn azure_jobs_url(sim: &Sim) -> String {
    format!(
        "{}/openai/v1/video/generations/jobs?api-version=preview",
        sim.handle.base_url()
    )
}

fn inpaint_form(items: &Value, file_name: &str) -> Form {
    Form::new()
        .text("model", "sora")
        .text("prompt", "animate the cat")
        .text("width", "480")
        .text("height", "480")
        .text("n_seconds", "5")
        .text("n_variants", "1")
        .text("inpaint_items", items.to_string())
        .part(
            "files",
            Part::bytes(png(480, 480))
                .file_name(file_name.to_string())
                .mime_str("image/png")
                .expect("mime"),
        )
}

#[tokio::test]
async fn azure_sora_inpaint_multipart() {
    let sim = start(fast()).await;
    let items = json!([{"frame_index": 0, "type": "image", "file_name": "cat.png",
        "crop_bounds": {"left_fraction": 0.1, "top_fraction": 0.1, "right_fraction": 0.9, "bottom_fraction": 0.9}}]);
    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&items, "cat.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::CREATED);
    let job: Value = response.json().await.expect("job");
    assert_eq!(job["object"], "video.generation.job");
    assert_eq!(job["n_seconds"], 5);
    assert_eq!(job["inpaint_items"], items);

    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&items, "dog.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.expect("error");
    assert_eq!(body["error"]["param"], "inpaint_items");
    let message = error_message(&body);
    assert!(
        message.contains("'cat.png' does not match any uploaded file")
            && message.contains("dog.png"),
        "{message}"
    );
    let bad_type = json!([{"type": "gif", "file_name": "cat.png"}]);
    let response = sim
        .client
        .post(azure_jobs_url(&sim))
        .header("api-key", AZURE_KEY)
        .hand_multipart(inpaint_form(&bad_type, "cat.png"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    sim.handle.shutdown().await;
}
