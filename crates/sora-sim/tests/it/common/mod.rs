//! Helpers shared by the simulator's tests.

pub mod python;

/// A plain reqwest client; reqwest is built without a crypto provider, so ring is installed
/// first (a second install is refused and harmless).
pub fn http() -> reqwest::Client {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}
