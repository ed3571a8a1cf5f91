//! Supabase Storage client.
pub mod types;
pub use types::{Bucket, ObjectEntry, ObjectMetadata};
#[derive(Debug, Clone)]
pub struct StorageClient;
