//! placeholder
use super::GenerationRequest;
#[derive(Debug, thiserror::Error)]
#[error("invalid")]
pub struct ValidationError;
pub fn azure_sora(_r: &GenerationRequest) -> Result<(), ValidationError> { Ok(()) }
