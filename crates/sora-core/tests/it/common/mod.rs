//! Helpers shared by the engine's tests: the simulator's own assets to compare downloads against,
//! and a succeeded Azure job to download from.

pub mod azure;
pub mod http_server;

pub const SAMPLE_MP4: &[u8] = include_bytes!("../../../../../assets/sample.mp4");
pub const THUMBNAIL_JPG: &[u8] = include_bytes!("../../../../../assets/thumbnail.jpg");

/// What a download reported, kept for the test to look at: hand `&|r| reports.keep(r)`.
#[derive(Debug, Default)]
pub struct Reports(std::sync::Mutex<Vec<sora_core::download::Report>>);

impl Reports {
    pub fn keep(&self, report: sora_core::download::Report) {
        self.0.lock().expect("reports").push(report);
    }

    /// The attempts, in order.
    pub fn attempts(&self) -> Vec<sora_core::download::Attempt> {
        self.0
            .lock()
            .expect("reports")
            .iter()
            .filter_map(|r| match r {
                sora_core::download::Report::Attempt(a) => Some(a.clone()),
                _ => None,
            })
            .collect()
    }
}
