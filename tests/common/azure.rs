//! An Azure Sora client for the in-process simulator, and a job that has succeeded on it: the
//! starting point of every download test.

use std::time::Duration;

use sora_tui::providers::auth::Auth;
use sora_tui::providers::azure_sora::AzureSoraClient;
use sora_tui::providers::{GenerationRequest, JobStatus, ModelProfile, Pricing, Size};
use sora_tui::secret::Secret;

pub fn client(base: &str, key: &str) -> AzureSoraClient {
    AzureSoraClient::new(
        sora_tui::http::client().expect("http"),
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
