//! The journal entries tests start from, written once: the intent of a five-second, 480x480,
//! one-variant video of a prompt on Azure Sora, adjusted where a test needs it. Compiled for the
//! crate's own tests and, with the `test-support` feature, for the integration tests.

use super::{Event, RequestRecord};

/// The request of a five-second, 480x480, one-variant video of `prompt`.
pub fn request(prompt: &str) -> RequestRecord {
    RequestRecord {
        prompt: prompt.into(),
        size: "480x480".into(),
        seconds: 5,
        variants: 1,
        image: None,
        model: None,
        params: Vec::new(),
    }
}

/// An intent to build: `intent("a fox").upload(true).event()`.
#[derive(Debug, Clone)]
pub struct Intent {
    prompt: String,
    upload: bool,
    cost_estimate: Option<f64>,
    download_dir: Option<String>,
    renditions: Vec<String>,
}

/// The intent of the job for `prompt`: not uploaded, no cost, directory or renditions recorded.
pub fn intent(prompt: &str) -> Intent {
    Intent {
        prompt: prompt.into(),
        upload: false,
        cost_estimate: None,
        download_dir: None,
        renditions: Vec::new(),
    }
}

impl Intent {
    pub fn upload(mut self, upload: bool) -> Self {
        self.upload = upload;
        self
    }

    pub fn cost(mut self, dollars: f64) -> Self {
        self.cost_estimate = Some(dollars);
        self
    }

    pub fn download_dir(mut self, dir: impl Into<String>) -> Self {
        self.download_dir = Some(dir.into());
        self
    }

    pub fn renditions(mut self, renditions: &[&str]) -> Self {
        self.renditions = renditions.iter().map(|r| (*r).to_string()).collect();
        self
    }

    pub fn event(self) -> Event {
        Event::Intent {
            family: "azure-sora".into(),
            provider: "Azure Sora · sora · test".into(),
            request: request(&self.prompt),
            upload: self.upload,
            cost_estimate: self.cost_estimate,
            remix_of: None,
            download_dir: self.download_dir,
            renditions: self.renditions,
        }
    }
}
