//! The durable record of every job: nothing paid for is lost when the terminal closes or the
//! process is killed. The intent to create a job is written before the request goes out, the
//! job id as soon as it is known, then every status change, download and upload.

mod compact;
mod record;
mod store;
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

pub use compact::MAX_JOURNAL_BYTES;
pub use record::{
    DownloadRecord, Entry, Event, Header, JobRecord, JobState, NextStep, RequestRecord,
    UploadRecord, fold,
};
pub use store::{Journal, JournalError, Loaded, new_id};

/// The default journal directory: `<platform data dir>/sora-tui`, or `SORA_TUI_DATA_DIR`.
pub fn default_dir() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("SORA_TUI_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(dir.into());
    }
    directories::ProjectDirs::from("", "", "sora-tui").map(|d| d.data_dir().to_path_buf())
}
