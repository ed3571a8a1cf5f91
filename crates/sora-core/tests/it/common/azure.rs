//! An Azure Sora client for the in-process simulator, and a job that has succeeded on it: the
//! starting point of every download test.

use std::time::Duration;

use sora_core::providers::auth::Auth;
use sora_core::providers::azure_sora::AzureSoraClient;
use sora_core::providers::{GenerationRequest, JobStatus, ModelProfile, Pricing, Size};
use sora_core::secret::Secret;

pub fn client(base: &str, key: &str) -> AzureSoraClient {
    AzureSoraClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(base).expect("url"),
        "sora",
        "preview",
        Auth::ApiKey(Secret::new(key)),
        ModelProfile::azure_sora(&Pricing::default()),
    )
}

/// Create a 480x480 job and poll it (every 20 ms, at most 5 s) until it succeeded:
/// `(job id, generation id)`.
pub async fn succeeded_generation(client: &AzureSoraClient) -> (String, String) {
    let job = client
        .create_job(&GenerationRequest {
            prompt: "a red fox".into(),
            size: Size::new(480, 480),
            seconds: 5,
            variants: 1,
            image: None,
            params: Vec::new(),
        })
        .await
        .expect("create");
    for _ in 0..250 {
        let j = client.get_job(&job.id).await.expect("poll");
        if j.status == JobStatus::Succeeded {
            return (j.id, j.outputs[0].id.clone());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("job did not succeed within 5 s");
}

/// A download of a video to `target` through `request`.
pub fn video_spec(
    request: sora_core::providers::ContentRequest,
    target: std::path::PathBuf,
) -> sora_core::download::DownloadSpec {
    sora_core::download::DownloadSpec {
        request,
        target,
        expect: sora_core::download::Expect::Media(sora_core::providers::ContentVariant::Video),
        expires_at: None,
    }
}

/// The documented request for a generation's video.
pub async fn video_request(
    client: &AzureSoraClient,
    generation_id: &str,
) -> sora_core::providers::ContentRequest {
    client
        .content_request(generation_id, sora_core::providers::ContentVariant::Video)
        .await
        .expect("content request")
}

/// Run one download on `schedule`; the outcome and every attempt it reported.
pub async fn download_with_log(
    spec: &sora_core::download::DownloadSpec,
    schedule: &sora_core::download::RetrySchedule,
) -> (
    Result<sora_core::download::Downloaded, sora_core::download::DownloadError>,
    Vec<sora_core::download::Attempt>,
) {
    let reports = super::Reports::default();
    let result = sora_core::download::download(
        &sora_core::http::client().expect("http"),
        spec,
        schedule,
        &sora_core::download::DownloadOptions::default(),
        &|r| reports.keep(r),
        &tokio_util::sync::CancellationToken::new(),
    )
    .await;
    (result, reports.attempts())
}
