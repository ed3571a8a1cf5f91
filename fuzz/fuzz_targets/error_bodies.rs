//! Error answers: a status (the first two bytes) and a body, read as the video services'
//! `ApiError` and Storage's error, each worded as the person sees it; and the same bytes as a
//! `Retry-After` value, turned into the wait the engine would take and show.
#![no_main]

use std::time::{Duration, SystemTime};

use libfuzzer_sys::fuzz_target;
use sora_core::download::capped_retry_after;
use sora_core::providers::error::{body_excerpt, parse_retry_after};
use sora_core::providers::{ApiError, ProviderError, media};
use sora_core::storage::{StorageApiError, StorageError};

fuzz_target!(|data: &[u8]| {
    let Some((head, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*head);

    let mut api = ApiError::from_body(status, body);
    let _ = api.is_not_found();
    let _ = api.looks_like_missing_deployment();
    let _ = body_excerpt(body);

    // Retry-After, as the headers give it (text), at a fixed and at the current time.
    let text = String::from_utf8_lossy(body);
    for now in [SystemTime::UNIX_EPOCH, SystemTime::now()] {
        if let Some(wait) = parse_retry_after(&text, now) {
            let _ = sora_core::present::duration(wait);
            let _ = sora_core::present::short_duration(wait);
            let _ = media::backoff(u32::from(status), Some(wait));
            let _ = capped_retry_after(Some(wait), Duration::from_secs(600));
            api.retry_after = Some(wait);
        }
    }
    let error = ProviderError::Api {
        service: "Azure OpenAI (Sora)".into(),
        error: Box::new(api),
    };
    let _ = error.to_string();
    let _ = error.is_transient();
    let _ = error.is_worth_rereading();
    let _ = error.retry_after();
    let _ = error.is_rate_limited();
    let _ = error.may_have_created();
    let _ = error.is_gone();

    let storage = StorageApiError::from_body(status, body);
    let _ = storage.status();
    let _ = storage.is_missing_bucket();
    let _ = storage.is_key_exists();
    let _ = storage.is_offset_conflict();
    let _ = storage.is_conflict();
    let _ = storage.is_too_large();
    let _ = storage.hint();
    let _ = StorageError::Api(Box::new(storage)).to_string();
});
