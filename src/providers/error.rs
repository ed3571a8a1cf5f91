//! placeholder
#[derive(Debug, thiserror::Error)]
#[error("api error")]
pub struct ApiError;
#[derive(Debug, thiserror::Error)]
#[error("provider error")]
pub struct ProviderError;
