//! sora-tui: generate videos with Sora, watch the jobs, download them reliably and store them in
//! Supabase Storage.
//!
//! The crate is split in two halves with one direction of dependency:
//! - the **engine** (`config`, `providers`, `download`, `storage`, `engine`, `sim`) does all network
//!   and disk work and knows nothing of the terminal;
//! - the **front ends** (`app` + `ui` + `tui` for the dashboard, `headless` for scripts) turn
//!   engine events into state and draw it, or print it.
#![deny(clippy::unwrap_used)]

pub mod app;
pub mod base64;
pub mod config;
pub mod doctor;
pub mod download;
pub mod engine;
pub mod headless;
pub mod http;
pub mod journal;
pub mod providers;
pub mod secret;
pub mod setup;
pub mod signals;
pub mod sim;
pub mod storage;
pub mod tui;
pub mod ui;
