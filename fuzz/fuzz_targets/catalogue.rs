//! The Runway and fal.ai model catalogue: the input up to its first NUL byte is a TOML list of
//! `[[models]]` added to the built-in table as `[[fal.models]]` are; after it, the first line is
//! a prompt, the next a model id, and each further `name=value` line a parameter the user
//! typed. Every model checks the prompt, resolves the parameters over its defaults and prices
//! them; the named model is resolved through `ModelChoice` as a request is.
#![no_main]

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use sora_core::providers::catalogue::{Catalogue, Service, VideoModel};
use sora_core::providers::{GenerationRequest, ModelChoice, Size};

#[derive(Deserialize)]
struct Models {
    #[serde(default)]
    models: Vec<VideoModel>,
}

fn builtin() -> &'static Catalogue {
    static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
    BUILTIN.get_or_init(|| Catalogue::builtin().expect("the built-in catalogue is valid"))
}

fuzz_target!(|data: &[u8]| {
    let (table, rest) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let catalogue = match std::str::from_utf8(table)
        .ok()
        .and_then(|t| toml::from_str::<Models>(t).ok())
    {
        Some(extra) => match builtin().clone().with_fal_models(extra.models) {
            Ok(c) => c,
            Err(e) => {
                let _ = e.to_string();
                builtin().clone()
            }
        },
        None => builtin().clone(),
    };
    let text = String::from_utf8_lossy(rest);
    let mut lines = text.lines();
    let prompt = lines.next().unwrap_or_default().to_string();
    let model = lines.next().unwrap_or_default().to_string();
    let params: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();

    for m in &catalogue.models {
        let _ = m.check_prompt(&prompt).map_err(|e| e.to_string());
        for p in &m.params {
            let _ = p.valid_values();
        }
        match m.resolve(&params) {
            Ok(resolved) => {
                let _ = VideoModel::seconds(&resolved);
                if let Some(cost) = m.estimate(&resolved) {
                    let _ = cost.to_string();
                    let _ = cost.usd();
                }
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }

    let catalogue = Arc::new(catalogue);
    for service in [Service::Runway, Service::Fal] {
        let Ok(choice) = ModelChoice::new(catalogue.clone(), service, &model) else {
            continue;
        };
        for image in [None, Some(PathBuf::from("first-frame.png"))] {
            let request = GenerationRequest {
                prompt: prompt.clone(),
                size: Size::new(1280, 720),
                seconds: 8,
                variants: 1,
                image,
                params: params.clone(),
            };
            if let Ok(resolved) = choice.resolve(&request) {
                let _ = resolved.model.id.len();
            }
            if let Some(cost) = choice.estimate(&request) {
                let _ = cost.to_string();
            }
        }
    }
});
