//! The engine: turns [`Command`]s into background tokio tasks and reports [`EngineEvent`]s over
//! one channel. Front ends never await the network themselves.

pub mod command;
pub mod events;

use std::path::PathBuf;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

pub use command::Command;
pub use events::{Attempt, AttemptOutcome, DownloadKey, EngineEvent, JobKey};

use crate::download::RetrySchedule;
use crate::providers::Provider;
use crate::storage::StorageClient;

/// Knobs of the engine, resolved from the configuration.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Where finished videos are written.
    pub download_dir: PathBuf,
    /// Base interval between two polls of a running job.
    pub poll_interval: Duration,
    /// Waits between download attempts that may succeed later (404 just after success, 5xx).
    pub retry_schedule: RetrySchedule,
    /// Bucket that receives generated videos.
    pub output_bucket: String,
    /// Also fetch each output's thumbnail.
    pub thumbnails: bool,
}

/// The services the engine talks to; either may be missing (not configured).
#[derive(Debug, Clone)]
pub struct Services {
    pub provider: Option<Provider>,
    pub storage: Option<StorageClient>,
}

/// Handle used by front ends. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    services: Services,
    settings: EngineSettings,
    events: UnboundedSender<EngineEvent>,
    cancel: CancellationToken,
}

impl Engine {
    pub fn new(
        services: Services,
        settings: EngineSettings,
        events: UnboundedSender<EngineEvent>,
    ) -> Self {
        Self {
            services,
            settings,
            events,
            cancel: CancellationToken::new(),
        }
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.settings
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Start the work a command asks for in the background. Never blocks.
    pub fn dispatch(&self, command: Command) {
        let _ = (&self.services, &self.events, command);
    }

    /// Stop every task this engine started (on quit).
    pub fn shutdown(&self) {
        self.cancel.cancel();
    }
}
