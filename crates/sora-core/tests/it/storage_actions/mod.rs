//! Every bucket-browser action through `StorageClient` against the in-process simulator: bucket
//! create/public/private/delete, upload, download, public and signed URLs, move, delete, paging
//! through 10,000 objects, a resumable upload cut off and resumed to a byte-identical object,
//! persistence across a restart, and the error hints.

use std::time::Duration;

use sora_core::secret::Secret;
use sora_core::storage::{ListOptions, SortColumn, StorageClient, StorageError};
use sora_sim::{Fault, FaultRoute, FaultRule, FaultTarget, SimConfig, SimHandle};

mod buckets_and_objects;
mod refusals;
mod resumable;

async fn start(config: SimConfig) -> (SimHandle, StorageClient) {
    let handle = sora_sim::start(config.clone(), ([127, 0, 0, 1], 0).into())
        .await
        .expect("sim starts");
    let client = client_for(&handle, &config.supabase_key);
    (handle, client)
}

fn client_for(handle: &SimHandle, key: &str) -> StorageClient {
    StorageClient::new(
        sora_core::http::client().expect("http"),
        url::Url::parse(&handle.base_url()).expect("base"),
        Secret::new(key),
    )
}

fn api(e: &StorageError) -> &sora_core::storage::StorageApiError {
    e.api().unwrap_or_else(|| panic!("not an API error: {e}"))
}

fn temp_file(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("clip.mp4");
    std::fs::write(&path, bytes).expect("write");
    (dir, path)
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}
