//! The doctor's deployment probe: whether a Sora deployment or model exists, asked with a
//! create that no service can make a job of, and, should one be made anyway, its removal
//! checked.

use super::{Provider, ProviderError};

/// What the deployment probe learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploymentProbe {
    /// The service refused the impossible request for its parameters: the deployment exists.
    Exists,
    /// The service accepted it (it should not have) and made job `id`; what became of it.
    Created { id: String, cleanup: ProbeCleanup },
}

/// What became of a job the deployment probe should never have made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeCleanup {
    /// Deleted, and looking it up again says it is gone.
    Gone,
    /// The delete failed, or the job is still there after it: why.
    NotDeleted(String),
    /// The delete was answered, but looking the job up again failed: why.
    Unconfirmed(String),
}

/// The prompt of the deployment probe, so a job it made by mistake is recognisable.
pub(crate) const PROBE_PROMPT: &str = "sora-tui doctor: deployment probe (invalid on purpose)";

impl Provider {
    /// Ask whether the configured deployment or model exists without making a video: send a
    /// create that no service can make a job of (a duration of the wrong type, 1x1; see each
    /// client's `probe_create`). A 400 about the parameters means the deployment exists; its
    /// 404 comes back as the error. Should a service make a job anyway, it is deleted and the
    /// delete checked by looking the job up again.
    pub async fn probe_deployment(&self) -> Result<DeploymentProbe, ProviderError> {
        let answer = match self {
            Provider::AzureSora(c) => c.probe_create().await,
            Provider::VideosV1(c) => c.probe_create().await,
            Provider::Runway(..) | Provider::Fal(..) => {
                return Err(ProviderError::Unsupported(format!(
                    "{} has no free way to check a model: the catalogue checks it before any request",
                    self.family().label()
                )));
            }
        };
        match answer {
            Err(ProviderError::Api { error, .. })
                if error.status == 400 && !error.looks_like_missing_deployment() =>
            {
                Ok(DeploymentProbe::Exists)
            }
            Err(e) => Err(e),
            Ok(job) => {
                let cleanup = self.remove_probe_job(&job.id).await;
                Ok(DeploymentProbe::Created {
                    id: job.id,
                    cleanup,
                })
            }
        }
    }

    /// Delete a job the probe made, then look it up to see that it is gone.
    async fn remove_probe_job(&self, id: &str) -> ProbeCleanup {
        if let Err(e) = self.delete(id).await {
            return ProbeCleanup::NotDeleted(e.to_string());
        }
        match self.get(id).await {
            Err(e) if e.is_gone() => ProbeCleanup::Gone,
            Err(e) => ProbeCleanup::Unconfirmed(e.to_string()),
            Ok(job) => ProbeCleanup::NotDeleted(format!(
                "the delete was answered, but the job is still there ({})",
                job.status_text
            )),
        }
    }
}
