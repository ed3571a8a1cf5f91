//! Supabase Storage's JSON shapes (storage server v1.70), parsed leniently: optional fields may be
//! null, and the fields this client does not use are kept as they came (`extra`), so `--json`
//! passes the server's objects on whole.

use serde::{Deserialize, Serialize};

/// Fields of a server object that this client does not read, kept to be written back out.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// An entry of `GET /bucket`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
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
    /// `owner`, `type`, … as the server sent them.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An entry of `POST /object/list/{bucket}`: a file, or a folder (null `id` and `metadata`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
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
    /// Whatever else the server sent with the entry.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ObjectEntry {
    pub fn is_folder(&self) -> bool {
        self.id.is_none()
    }

    pub fn size(&self) -> Option<u64> {
        self.metadata.as_ref().and_then(|m| m.size)
    }

    /// Studio's marker that keeps an empty folder in existence (`.emptyFolderPlaceholder`):
    /// an object, but no file of the user's; listings hide it and count its folder instead.
    pub fn is_placeholder(&self) -> bool {
        !self.is_folder() && self.name == PLACEHOLDER
    }

    /// The MD5 the entry's `eTag` states, when it is a plain quoted MD5 (a standard upload);
    /// `None` for other forms (a multipart upload's `"…-3"`) or none.
    pub fn md5_hex(&self) -> Option<String> {
        let tag = self.metadata.as_ref()?.e_tag.as_deref()?.trim();
        let hex = tag.trim_start_matches("W/").trim_matches('"');
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| hex.to_ascii_lowercase())
    }
}

/// The name of Studio's empty-folder marker object.
pub const PLACEHOLDER: &str = ".emptyFolderPlaceholder";

#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
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
    /// `contentLength`, `httpStatusCode`, … as the server sent them.
    #[serde(flatten)]
    pub extra: Extra,
}

/// What `GET /object/info/...` says of an object (the fields sora-tui uses).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ObjectInfo {
    #[serde(default)]
    pub size: Option<u64>,
    /// The quoted MD5 of the content for a plain upload (`"d41d8cd9…"`); other forms for
    /// multipart uploads (`"…-3"`).
    #[serde(default)]
    pub etag: Option<String>,
}

impl ObjectInfo {
    /// The MD5 the `ETag` states, when it is a plain quoted MD5.
    pub fn md5_hex(&self) -> Option<String> {
        let tag = self.etag.as_deref()?.trim().trim_start_matches("W/");
        let hex = tag.trim_matches('"');
        (hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| hex.to_ascii_lowercase())
    }
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
