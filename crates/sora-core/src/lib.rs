//! sora-core: the engine of sora-tui, usable without a terminal.
//!
//! It does all network and disk work: the video services (`providers`), reliable downloads
//! (`download`), Supabase Storage (`storage`), the crash-safe journal (`journal`), the job engine
//! that ties them together (`engine`), the configuration (`config`), the diagnosis of a setup
//! (`doctor`), the composition root that builds the services from the configuration (`setup`),
//! outside text made safe to show (`text`) and bounded reads of the files a user names
//! (`local_file`).
//! It knows nothing of the terminal: the front ends (the dashboard and the headless printer in the
//! `sora-tui` package) send it `Command`s and read back `EngineEvent`s.

pub mod config;
pub mod doctor;
pub mod download;
pub mod engine;
pub mod http;
pub mod journal;
pub mod local_file;
pub mod providers;
pub mod secret;
pub mod setup;
pub mod storage;
pub mod text;
