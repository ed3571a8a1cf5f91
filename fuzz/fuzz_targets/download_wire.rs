//! The download's checks of what a server sends: the MP4 box walk of a body (first byte 0),
//! the response headers (first byte 1: `name: value` lines) read for a checksum and a
//! `Content-Range` and the resume decision taken on them, and (first byte 2) the saved
//! checksum line beside a partial and a JSON body searched for URL fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sora_core::download::digest::{self, Expected};
use sora_core::download::{decide_resume, find_url_fields, looks_like, mp4, parse_content_range};
use sora_core::providers::ContentVariant;

fn headers(text: &str) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for line in text.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.trim().as_bytes()),
            http::HeaderValue::from_str(value.trim()),
        ) {
            map.append(name, value);
        }
    }
    map
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 3 {
        0 => {
            let _ = looks_like(ContentVariant::Video, rest);
            if let Err(e) = mp4::check_bytes(rest) {
                let _ = e.to_string();
            }
        }
        1 => {
            let map = headers(&String::from_utf8_lossy(rest));
            for whole in [true, false] {
                if let Some(expected) = digest::expected(&map, whole) {
                    let line = expected.to_line();
                    let _ = Expected::from_line(&line);
                }
            }
            let length = map
                .get("content-length")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let range = map.get("content-range").and_then(|v| v.to_str().ok());
            if let Some(range) = range {
                let _ = parse_content_range(range);
            }
            for status in [200, 206, 416] {
                for have in [0, 1, 1 << 20, u64::MAX] {
                    let _ = decide_resume(status, range, length, have);
                }
            }
        }
        _ => {
            let text = String::from_utf8_lossy(rest);
            if let Some(expected) = Expected::from_line(&text) {
                let _ = expected.to_line();
            }
            if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(rest) {
                let _ = find_url_fields(&doc);
            }
        }
    }
});
