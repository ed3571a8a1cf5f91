//! The Sora services' answers: Azure's preview job, job list and generation bodies, and the
//! v1 Videos API's video and list bodies (OpenAI and Azure), decoded into jobs and shown as the
//! timeline shows them.
#![no_main]

use std::time::SystemTime;

use libfuzzer_sys::fuzz_target;
use sora_core::providers::{Job, azure_sora, videos_v1};

fn show(job: &Job) {
    let _ = job.explain_failure();
    let _ = sora_core::text::one_line(&job.status_text);
    if let Some(size) = job.size {
        let _ = size.to_string();
    }
    let now = SystemTime::now();
    for at in [job.created_at, job.finished_at, job.expires_at]
        .into_iter()
        .flatten()
    {
        let _ = sora_core::text::utc_time(at);
        let _ = sora_core::present::expiry_text(at, now);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(job) = azure_sora::parse_job(data) {
        show(&job);
    }
    if let Ok(page) = azure_sora::parse_job_list(data) {
        page.jobs.iter().for_each(show);
    }
    if let Ok(job) = azure_sora::parse_generation(data) {
        show(&job);
    }
    if let Ok(job) = videos_v1::parse_video("OpenAI", data) {
        show(&job);
    }
    if let Ok(page) = videos_v1::parse_video_list("OpenAI", data) {
        page.jobs.iter().for_each(show);
    }
});
