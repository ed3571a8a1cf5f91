//! Runway's task, create and organization bodies, and fal.ai's submit, status, result and
//! cancel bodies, decoded into jobs (with their failure explained and their CDN outputs turned
//! into content requests) as the engine does.
#![no_main]

use std::time::SystemTime;

use libfuzzer_sys::fuzz_target;
use sora_core::providers::fal::{self, Polled};
use sora_core::providers::fal_wire::{CancelAnswer, Status, Submitted, VideoResult};
use sora_core::providers::runway_wire::{Created, Organization, Task};
use sora_core::providers::{Job, media};

fn show(service: &str, job: &Job) {
    let _ = job.explain_failure();
    if let Some(at) = job.created_at {
        let _ = sora_core::text::utc_time(at);
        let _ = sora_core::present::expiry_text(at, SystemTime::now());
    }
    for output in &job.outputs {
        if let Some(url) = &output.url {
            let _ = media::cdn_request(service, url);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(task) = serde_json::from_slice::<Task>(data) {
        let _ = task.explain_failure();
        show("Runway", &task.into_job());
    }
    if let Ok(created) = serde_json::from_slice::<Created>(data) {
        show("Runway", &created.into_job());
    }
    if let Ok(org) = serde_json::from_slice::<Organization>(data) {
        let _ = format!("{org:?}");
    }
    if let Ok(submitted) = serde_json::from_slice::<Submitted>(data) {
        show("fal.ai", &fal::submitted_job(&submitted));
        if let Ok(base) = url::Url::parse("https://queue.fal.run") {
            let again = Submitted::from_request_id(&base, "fal-ai/veo3", &submitted.request_id);
            let _ = url::Url::parse(&again.status_url);
        }
    }
    if let Ok(status) = serde_json::from_slice::<Status>(data) {
        if let Some(error) = &status.error {
            let _ = fal::explain_failure(status.error_type.as_deref(), error);
        }
        let result = serde_json::from_slice::<VideoResult>(data).ok();
        let id = status.request_id.clone().unwrap_or_default();
        show("fal.ai", &Polled { status, result }.into_job(&id));
    }
    if let Ok(answer) = serde_json::from_slice::<CancelAnswer>(data) {
        let _ = answer.status;
    }
});
