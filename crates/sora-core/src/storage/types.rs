//! Supabase Storage's JSON shapes (storage server v1.70), parsed leniently: unknown fields are
//! ignored and optional ones may be null.

use serde::{Deserialize, Serialize};

/// An entry of `GET /bucket`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Bucket {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub public: bool,
    /// Bytes; the server may also echo it as given (e.g. `"50MB"`), so keep it raw.
    #[serde(default)]
    pub file_size_limit: Option<serde_json::Value>,
    #[serde(default)]
    pub allowed_mime_types: Option<Vec<String>>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An entry of `POST /object/list/{bucket}`: a file, or a folder (null `id` and `metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ObjectEntry {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub updated_at: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub last_accessed_at: Option<String>,
    #[serde(default)]
    pub metadata: Option<ObjectMetadata>,
}

impl ObjectEntry {
    pub fn is_folder(&self) -> bool {
        self.id.is_none()
    }

    pub fn size(&self) -> Option<u64> {
        self.metadata.as_ref().and_then(|m| m.size)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMetadata {
    #[serde(default, rename = "eTag")]
    pub e_tag: Option<String>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub mimetype: Option<String>,
    #[serde(default)]
    pub cache_control: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
}

/// Answer of an upload: `{"Key":"bucket/path","Id":"uuid"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct UploadAnswer {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Id", default)]
    pub id: Option<String>,
    /// Something the person should know about how it was stored (not part of the answer).
    #[serde(skip)]
    pub note: Option<String>,
}
