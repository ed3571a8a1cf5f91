//! Integration tests of the sora-tui binary and its faces: the dashboard, the headless commands, doctor, resume, the demo in a pseudo-terminal.
//! One test binary for the crate: each module below was a test file of its own.

mod bad_inputs;
mod common;
mod doctor;
mod fault_proxy;
mod headless_commands;
mod headless_generate;
mod headless_storage;
mod journal_resume;
mod live_services;
mod net_faults;
mod official_sdks;
mod pty_demo;
mod pty_graphics;
mod pty_keys;
mod secrets;
mod storage_browser;
mod storage_browser_folders;
mod storage_folders;
mod storage_ls_pages;
mod ui_command;
mod ui_details;
mod ui_graphics;
mod ui_jobs_actions;
mod ui_keys;
mod ui_mouse;
mod ui_pages;
mod ui_preview;
mod ui_render;
mod ui_runtime;
mod ui_services;
mod ui_snapshots;
mod ui_support;
mod ui_transfers;
mod ui_update;
mod ui_wording;
