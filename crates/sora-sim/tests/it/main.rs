//! Tests of the simulator: every service's wire format, the faults, and the official clients against it.
//! One test binary for the crate: each module below was a test file of its own.

mod common;
mod fal_client_sdk;
mod runway_sdk;
mod sim_azure;
mod sim_fal;
mod sim_faults;
mod sim_openai_sdk;
mod sim_runway;
mod sim_storage;
mod sim_storage_scale;
mod sim_v1;
mod storage3_sdk;
