//! The services the engine talks to, and which one a job runs on.

use crate::providers::Provider;
use crate::storage::StorageClient;

/// The services the engine talks to; any may be missing (not configured).
#[derive(Debug, Clone)]
pub struct Services {
    /// The configured video service: what a job without a `Via` uses.
    pub provider: Option<Provider>,
    /// The other video services whose credentials are configured (the dashboard switches to
    /// them; a resume asks the one that recorded the job).
    pub others: Vec<Provider>,
    pub storage: Option<StorageClient>,
}

impl Services {
    /// Only a video service and storage, no others.
    pub fn new(provider: Option<Provider>, storage: Option<StorageClient>) -> Self {
        Self {
            provider,
            others: Vec::new(),
            storage,
        }
    }

    /// Every configured video service, the default first.
    pub fn all_providers(&self) -> impl Iterator<Item = &Provider> {
        self.provider.iter().chain(self.others.iter())
    }

    /// The provider a job asked for (family and, for Runway and fal, model), or the default.
    pub fn pick(&self, via: Option<&Via>) -> Result<Provider, String> {
        let Some(via) = via else {
            return self.provider.clone().ok_or_else(|| NO_PROVIDER.to_string());
        };
        let provider = self
            .all_providers()
            .find(|p| p.family() == via.family)
            .ok_or_else(|| {
                format!(
                    "{} is not configured (configured: {}): set its key (see `sora-tui doctor`)",
                    via.family.label(),
                    self.all_providers()
                        .map(|p| p.family().label())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        match &via.model {
            Some(model) => provider.with_model(model).map_err(|e| e.to_string()),
            None => Ok(provider.clone()),
        }
    }
}

/// What a job without any configured video service is told.
pub const NO_PROVIDER: &str = "no video service is configured: set RUNWAYML_API_SECRET (Runway) or FAL_KEY (fal.ai), or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY for a Sora deployment that still answers (or run with --demo)";

/// Which service and model a job runs on, when not the configured default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub family: crate::providers::Family,
    /// A catalogue model id (Runway, fal); None: the service's configured model.
    pub model: Option<String>,
}
