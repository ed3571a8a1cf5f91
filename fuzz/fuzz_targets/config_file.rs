//! The config file: any bytes as `config.toml`, loaded through `Config::load` exactly as
//! `--config FILE` does (with no environment), then the plain-http warnings and the fal models
//! it adds to the catalogue.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sora_core::config::{Config, Overrides, plain_http_warnings};
use sora_core::providers::catalogue::Catalogue;

/// A RAM-backed directory where there is one: rewriting a file on disk thousands of times a
/// second is slowed by the file system's flush on truncate.
fn scratch() -> PathBuf {
    let shm = PathBuf::from("/dev/shm");
    if shm.is_dir() {
        shm
    } else {
        std::env::temp_dir()
    }
}

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| scratch().join(format!("sora-fuzz-config-{}.toml", std::process::id())))
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(path(), data).expect("the fuzz config file can be written");
    let no_env = |_: &str| None;
    match Config::load(Some(path()), &no_env, &Overrides::default()) {
        Ok(config) => {
            for warning in plain_http_warnings(&config) {
                let _ = warning.to_string();
            }
            if let Ok(catalogue) = Catalogue::builtin() {
                let _ = catalogue.with_fal_models(config.fal.models.clone());
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
