//! Integration tests of the engine against the simulator: downloads and their faults, the job engine, storage, the journal, every provider's wire format, validation.
//! One test binary for the crate: each module below was a test file of its own.

// The tests' own calls to the simulator are plain requests, outside the request policy.
#![allow(clippy::disallowed_methods)]

mod common;
mod doctor_probe;
mod download_faults;
mod engine_cancel;
mod engine_download;
mod engine_download_features;
mod engine_faults;
mod engine_job_actions;
mod engine_storage;
mod engine_take_up;
mod http_limits;
mod http_redirects;
mod journal_store;
mod providers_fal;
mod providers_runway;
mod providers_sim;
mod storage_actions;
mod storage_folders;
mod tus_offsets;
mod validation_matrix;
