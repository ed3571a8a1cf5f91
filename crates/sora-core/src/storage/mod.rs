//! Supabase Storage client: `{SUPABASE_URL}/storage/v1/...` with the service-role key.
//!
//! Uploads stream from disk (the file is never held in memory), so a 1 GiB video costs a few
//! buffers, not a gigabyte.

mod copy;
pub mod folder;
mod key;
mod ops;
pub mod path;
mod source;
pub mod tree;
pub mod tus;
pub mod types;

pub use copy::{Route, Transfer, retarget};
pub use folder::{Deletion, FoundObject, Totals, Tree};
pub use key::KeyKind;
pub use ops::{ListOptions, SortColumn};
pub use path::{check_bucket, check_object_path, check_prefix};
pub use tus::{ResumableUpload, TUS_CHUNK};
pub use types::{Bucket, ObjectEntry, ObjectInfo, ObjectMetadata, PLACEHOLDER, UploadAnswer};

/// The largest standard (non-resumable) upload of the server's sample configs (50 MiB; hosted
/// plans differ, and a bucket's `file_size_limit` may be lower).
pub const STANDARD_UPLOAD_LIMIT: u64 = 50 * 1024 * 1024;

use std::path::Path;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, RequestBuilder};
use url::Url;

use crate::http::{Call, Http, HttpError};
use crate::providers::error::body_excerpt;
use crate::secret::Secret;

/// A Storage error answer: `{"statusCode":"404","error":"Bucket not found","message":...,"code":...}`.
/// The HTTP status is 400 for most errors; the real meaning is in `statusCode` and `code`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StorageApiError {
    pub http_status: u16,
    pub status_code: Option<String>,
    pub error: Option<String>,
    pub code: Option<String>,
    pub message: String,
    /// Which key was sent, without revealing it (filled in on an access error).
    pub key_used: Option<String>,
    /// The answer came from the resumable (TUS) endpoint, whose errors are plain text.
    pub resumable: bool,
}

impl StorageApiError {
    pub fn from_body(http_status: u16, body: &[u8]) -> Self {
        let v: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let text = |k: &str| {
            v.as_ref().and_then(|v| v.get(k)).and_then(|x| match x {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        StorageApiError {
            http_status,
            status_code: text("statusCode"),
            error: text("error"),
            code: text("code"),
            message: text("message").unwrap_or_else(|| body_excerpt(body)),
            key_used: None,
            resumable: false,
        }
    }

    /// The status the server meant: `statusCode` of the JSON body, else the HTTP status (TUS
    /// errors are plain text with the real status).
    pub fn status(&self) -> u16 {
        self.status_code
            .as_deref()
            .and_then(|s| s.parse().ok())
            .unwrap_or(self.http_status)
    }

    pub fn is_missing_bucket(&self) -> bool {
        self.code.as_deref() == Some("NoSuchBucket")
            || (self.code.is_none() && self.message == "Bucket not found")
    }

    /// An object exists at that path: the JSON codes, or the resumable endpoint's plain 409.
    pub fn is_key_exists(&self) -> bool {
        match self.code.as_deref() {
            Some(code) => matches!(code, "KeyAlreadyExists" | "ResourceAlreadyExists"),
            None => self.status() == 409 && self.message == "The resource already exists",
        }
    }

    /// The resumable upload's offset is not the server's: resume from the server's offset.
    pub fn is_offset_conflict(&self) -> bool {
        self.status() == 409 && self.message == "Upload-Offset conflict"
    }

    /// The object (or bucket) exists already: an upload with upsert would overwrite it.
    pub fn is_conflict(&self) -> bool {
        self.status() == 409
            && !matches!(
                self.code.as_deref(),
                Some("ResourceNotEmpty" | "BucketAlreadyExists")
            )
            && !self.is_offset_conflict()
    }

    pub fn is_too_large(&self) -> bool {
        self.status() == 413 || self.code.as_deref() == Some("EntityTooLarge")
    }

    /// What to do about it, for the person.
    pub fn hint(&self) -> &'static str {
        let status = self.status();
        match self.code.as_deref() {
            _ if self.is_missing_bucket() => {
                "create the bucket (dashboard: key c in the bucket panel; `supabase.input_bucket`/`supabase.output_bucket` name the ones sora-tui uses)"
            }
            Some("ResourceNotEmpty") => "delete the bucket's objects first, then the bucket",
            Some("BucketAlreadyExists") => "a bucket with that name exists: pick another name",
            // Move has no upsert: only another path, or deleting the object there, will do.
            Some("ResourceAlreadyExists") => {
                "an object exists at the destination and a move never overwrites: delete that object first (`sora-tui rm BUCKET/PATH`, or x in the bucket panel), or move to another path"
            }
            _ if self.is_key_exists() => {
                "an object with that path exists: overwrite it (upload with --upsert, or confirm overwrite) or choose another path"
            }
            _ if self.is_offset_conflict() => {
                "the resumable upload moved on elsewhere: retry, it resumes from the server's offset"
            }
            _ if self.is_too_large() && self.resumable => {
                "the file is over the bucket's file_size_limit or the server's resumable upload limit (Tus-Max-Size, 500 MiB on default configs): raise the bucket's limit (or the server's), or store a smaller file"
            }
            _ if self.is_too_large() => {
                "the file is over the bucket's file_size_limit or the project's upload limit (50 MiB standard uploads on default configs): raise the bucket's limit, or send it through the resumable endpoint (files above `supabase.resumable_threshold_mib` go there)"
            }
            _ if self.message.contains("row-level security") => {
                "the key's role may not write here (row-level security): use the service-role key (SUPABASE_SERVICE_ROLE_KEY or supabase.service_role_key)"
            }
            Some("AccessDenied" | "InvalidJWT") => {
                "the key was refused: the service-role key (SUPABASE_SERVICE_ROLE_KEY or supabase.service_role_key) must belong to this project"
            }
            _ if status == 403 || status == 401 => {
                "the key was refused: the service-role key (SUPABASE_SERVICE_ROLE_KEY or supabase.service_role_key) must belong to this project"
            }
            Some("InvalidMimeType") => {
                "the bucket does not allow this file type: add it to the bucket's allowed_mime_types"
            }
            Some("NoSuchKey") => "the object is gone: refresh the listing (r)",
            Some("InvalidBucketName") => {
                "bucket names are 1-100 characters of A-Z a-z 0-9 and _!.*'() &$=@;:+,?-"
            }
            Some("InvalidKey") => {
                "object paths may use ASCII letters, digits, / and _!.*'() &$=@;:+,?-"
            }
            _ => "",
        }
    }
}

impl std::fmt::Display for StorageApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let status = self
            .status_code
            .clone()
            .unwrap_or_else(|| self.http_status.to_string());
        write!(f, "{status}")?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        let hint = self.hint();
        if !hint.is_empty() {
            write!(f, " — {hint}")?;
        }
        if let Some(key) = &self.key_used {
            write!(f, " (key used: {key})")?;
        }
        Ok(())
    }
}

impl StorageError {
    /// The server's error answer, if this is one.
    pub fn api(&self) -> Option<&StorageApiError> {
        match self {
            StorageError::Api(e) => Some(e),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("Supabase Storage answered {0}")]
    Api(Box<StorageApiError>),
    #[error(
        "could not reach Supabase Storage at {url}: {reason}. Check SUPABASE_URL and your network."
    )]
    Network { url: String, reason: String },
    #[error("Supabase Storage sent an answer this client cannot read ({reason}): {excerpt}")]
    Decode { reason: String, excerpt: String },
    #[error("cannot read {path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Config(String),
    #[error(
        "this is {what}: use the service-role key. SUPABASE_SERVICE_ROLE_KEY (or supabase.service_role_key, {hint}) holds a key that row-level security restricts, so Storage would look empty and refuse every write; set it to the project's service_role key or its sb_secret_… key (Supabase dashboard → Project Settings → API keys)"
    )]
    RestrictedKey { what: String, hint: String },
    #[error(
        "`{path}` is not a usable {what}: {problem}. Write folder/…/name with no empty, `.` or `..` part (the server would store it elsewhere, or not at all)"
    )]
    BadPath {
        path: String,
        what: &'static str,
        problem: &'static str,
    },
    #[error(
        "the resumable endpoint answered with an upload URL on {theirs}:// for the {ours}:// SUPABASE_URL (a gateway in front of Storage that terminates TLS?), and the key goes to no other origin; if the gateway serves TLS, set SUPABASE_URL to its {theirs}:// address"
    )]
    ResumableScheme { theirs: String, ours: String },
    #[error("cannot write {path}: {source}{}", symlink_hint(.source))]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

fn symlink_hint(e: &std::io::Error) -> &'static str {
    if crate::download::files::is_symlink_refusal(e) {
        ". It is a symbolic link, and following it could overwrite another file: remove it, or save somewhere else (--out FILE)"
    } else {
        ""
    }
}

#[derive(Debug, Clone)]
pub struct StorageClient {
    http: Http,
    /// The project URL, e.g. `https://abc.supabase.co`.
    base: Url,
    key: Secret,
    /// Chunk size of resumable uploads (6 MiB; smaller in tests).
    tus_chunk: u64,
    /// [`StorageClient::upload`] goes resumable above this many bytes.
    resumable_threshold: u64,
    /// Report public URLs for stored objects (`supabase.public_urls`).
    public_urls: bool,
}

impl StorageClient {
    pub fn new(http: Http, base: Url, key: Secret) -> Self {
        Self {
            http,
            base,
            key,
            tus_chunk: TUS_CHUNK,
            resumable_threshold: TUS_CHUNK,
            public_urls: true,
        }
    }

    /// Files above `bytes` go through the resumable endpoint (default 6 MiB).
    pub fn with_resumable_threshold(mut self, bytes: u64) -> Self {
        self.resumable_threshold = bytes;
        self
    }

    pub fn resumable_threshold(&self) -> u64 {
        self.resumable_threshold
    }

    /// Whether stored objects are reported with their public URL (off for private buckets).
    pub fn with_public_urls(mut self, on: bool) -> Self {
        self.public_urls = on;
        self
    }

    /// The public URL of an object, when public URLs are wanted.
    pub fn wanted_public_url(&self, bucket: &str, object_path: &str) -> Option<String> {
        self.public_urls
            .then(|| self.public_url(bucket, object_path))
    }

    /// The public URL to give out, only when it works: public URLs are wanted and the bucket is
    /// public (a private bucket's public URL answers 400). When the bucket cannot be read, the
    /// URL is given as before.
    pub async fn shareable_url(&self, bucket: &str, object_path: &str) -> Option<String> {
        let url = self.wanted_public_url(bucket, object_path)?;
        match self.get_bucket(bucket).await {
            Ok(b) if !b.public => None,
            _ => Some(url),
        }
    }

    /// Resumable uploads send chunks of this many bytes (default [`TUS_CHUNK`], 6 MiB).
    pub fn with_tus_chunk(mut self, bytes: u64) -> Self {
        self.tus_chunk = bytes.max(1);
        self
    }

    /// Which key is sent, for error messages, without revealing it: its kind (a JWT's `role`
    /// claim, or the `sb_secret_`/`sb_publishable_` prefix) and a masked hint.
    pub fn key_description(&self) -> String {
        format!(
            "SUPABASE_SERVICE_ROLE_KEY / supabase.service_role_key, {}, {}",
            KeyKind::of(self.key.expose()).describe(),
            self.key.masked_hint()
        )
    }

    /// Refuses a key that row-level security restricts (anon, publishable): the server would
    /// answer as if the project were empty. Checked before every request.
    pub fn check_key(&self) -> Result<(), StorageError> {
        match KeyKind::of(self.key.expose()).restricted() {
            Some(what) => Err(StorageError::RestrictedKey {
                what,
                hint: self.key.masked_hint(),
            }),
            None => Ok(()),
        }
    }

    pub fn describe(&self) -> String {
        format!("Supabase · {}", self.base.host_str().unwrap_or("?"))
    }

    /// `{base}/storage/v1/{segments...}` for a request: refused up front when the key cannot
    /// manage Storage ([`StorageClient::check_key`]).
    fn url(&self, segments: &[&str]) -> Result<Url, StorageError> {
        self.check_key()?;
        self.path_url(segments)
    }

    /// `{base}/storage/v1/{segments...}`; each segment is percent-encoded as needed, and an
    /// object path's own slashes become path separators.
    fn path_url(&self, segments: &[&str]) -> Result<Url, StorageError> {
        let mut url = self.base.clone();
        {
            let mut segs = url.path_segments_mut().map_err(|_| {
                StorageError::Config(format!("SUPABASE_URL {} cannot take a path", self.base))
            })?;
            segs.pop_if_empty().extend(["storage", "v1"]);
            for s in segments {
                segs.extend(s.split('/').filter(|p| !p.is_empty()));
            }
        }
        Ok(url)
    }

    /// `{base}/storage/v1/object/{route...}/{bucket}/{object_path}`, once the bucket and the
    /// path are known to mean what they say.
    fn object_url(
        &self,
        route: &[&str],
        bucket: &str,
        object_path: &str,
    ) -> Result<Url, StorageError> {
        path::check_bucket(bucket)?;
        path::check_object_path(object_path)?;
        let mut segments = vec!["object"];
        segments.extend_from_slice(route);
        segments.extend([bucket, object_path]);
        self.url(&segments)
    }

    /// `{base}/storage/v1/{route}/{bucket}` (bucket routes, listing, delete many).
    fn bucket_url(&self, route: &[&str], bucket: &str) -> Result<Url, StorageError> {
        path::check_bucket(bucket)?;
        let mut segments = route.to_vec();
        segments.push(bucket);
        self.url(&segments)
    }

    fn auth_headers(&self) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(mut v) = HeaderValue::from_str(self.key.expose()) {
            v.set_sensitive(true);
            h.insert("apikey", v);
        }
        if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {}", self.key.expose())) {
            v.set_sensitive(true);
            h.insert("authorization", v);
        }
        h
    }

    fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.http.request(method, url).headers(self.auth_headers())
    }

    /// A JSON exchange under the policy: the answer's body, or the error it stands for.
    async fn send(&self, request: RequestBuilder, url: &Url) -> Result<bytes::Bytes, StorageError> {
        self.send_as(request, url, Call::Json).await
    }

    async fn send_as(
        &self,
        request: RequestBuilder,
        url: &Url,
        call: Call,
    ) -> Result<bytes::Bytes, StorageError> {
        let response = self
            .http
            .send(request, call)
            .await
            .map_err(|e| Self::network(url, &e))?;
        let status = response.status();
        if status.is_success() {
            response.json_body().await.map_err(|e| match e {
                HttpError::TooLarge { .. } => StorageError::Decode {
                    reason: e.to_string(),
                    excerpt: String::new(),
                },
                e => Self::network(url, &e),
            })
        } else {
            Err(self.api_error(status.as_u16(), &response.error_body().await))
        }
    }

    /// An error answer, with the key described when the key was the problem.
    fn api_error(&self, http_status: u16, body: &[u8]) -> StorageError {
        let mut error = StorageApiError::from_body(http_status, body);
        error.message = self.http.policy().screen_text(&error.message);
        let status = error.status();
        if status == 401
            || status == 403
            || matches!(error.code.as_deref(), Some("AccessDenied" | "InvalidJWT"))
            || error.message.contains("authorization")
        {
            error.key_used = Some(self.key_description());
        }
        StorageError::Api(Box::new(error))
    }

    fn network(url: &Url, e: &HttpError) -> StorageError {
        StorageError::Network {
            url: crate::http::redact_url(url),
            reason: e.to_string(),
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, StorageError> {
        serde_json::from_slice(body).map_err(|e| StorageError::Decode {
            reason: e.to_string(),
            excerpt: body_excerpt(body),
        })
    }

    pub async fn list_buckets(&self) -> Result<Vec<Bucket>, StorageError> {
        let url = self.url(&["bucket"])?;
        let body = self
            .send(self.request(Method::GET, url.clone()), &url)
            .await?;
        Self::decode(&body)
    }

    /// One page of one folder level, by name. `prefix` "" is the bucket root.
    pub async fn list_objects(
        &self,
        bucket: &str,
        prefix: &str,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<ObjectEntry>, StorageError> {
        let options = ListOptions {
            limit,
            offset,
            ..ListOptions::default()
        };
        self.list_objects_with(bucket, prefix, &options).await
    }

    /// Stream a local file to `bucket/object_path` with one `POST` (`PUT`-less, `x-upsert`
    /// decides about overwriting). The body is read from disk as it is sent, by a blocking
    /// thread a few MiB ahead of the connection ([`source`]).
    pub async fn upload_file(
        &self,
        bucket: &str,
        object_path: &str,
        file: &Path,
        content_type: &str,
        upsert: bool,
    ) -> Result<UploadAnswer, StorageError> {
        let url = self.object_url(&[], bucket, object_path)?;
        let source = source::Source::open(file).await?;
        let len = source.len();
        let (body, progress) = crate::http::upload_body(source.range(0, len), len);
        let request = self
            .request(Method::POST, url.clone())
            .header("content-type", content_type)
            .header("content-length", len)
            .header("cache-control", "max-age=3600")
            .header("x-upsert", if upsert { "true" } else { "false" })
            .body(body);
        let body = self.send_as(request, &url, Call::Upload(progress)).await?;
        Self::decode(&body)
    }

    /// Size and `ETag` of an object (`GET /object/info/authenticated/{bucket}/{path}`), or
    /// `None` when there is no such object.
    pub async fn object_info(
        &self,
        bucket: &str,
        object_path: &str,
    ) -> Result<Option<ObjectInfo>, StorageError> {
        let url = self.object_url(&["info", "authenticated"], bucket, object_path)?;
        match self
            .send(self.request(Method::GET, url.clone()), &url)
            .await
        {
            Ok(body) => Self::decode(&body).map(Some),
            Err(StorageError::Api(e))
                if e.status() == 404 || matches!(e.code.as_deref(), Some("NoSuchKey")) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Delete one object (`DELETE /object/{bucket}/{path}`).
    pub async fn delete_object(&self, bucket: &str, object_path: &str) -> Result<(), StorageError> {
        let url = self.object_url(&[], bucket, object_path)?;
        self.send(self.request(Method::DELETE, url.clone()), &url)
            .await
            .map(|_| ())
    }

    /// The URL anyone can open while the bucket is public (no request is made).
    pub fn public_url(&self, bucket: &str, object_path: &str) -> String {
        path::public_url(&self.base, bucket, object_path)
    }
}

/// Content type from a file name, from the maintained `mime_guess` table (buckets with
/// `allowed_mime_types` refuse `application/octet-stream`); that when the name says nothing.
pub fn content_type_for(path: &Path) -> &'static str {
    mime_guess::from_path(path)
        .first_raw()
        .unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> StorageClient {
        StorageClient::new(
            crate::http::client().expect("http client"),
            Url::parse("https://abc.supabase.co").expect("test url"),
            Secret::new("test-service-key"),
        )
    }

    #[test]
    fn builds_object_urls_with_nested_paths_and_encoding() {
        let c = client();
        let u = c
            .url(&["object", "output-videos", "task_1/a fox.mp4"])
            .expect("url");
        assert_eq!(
            u.as_str(),
            "https://abc.supabase.co/storage/v1/object/output-videos/task_1/a%20fox.mp4"
        );
        assert_eq!(
            c.public_url("output-videos", "task_1/v.mp4"),
            "https://abc.supabase.co/storage/v1/object/public/output-videos/task_1/v.mp4"
        );
    }

    #[test]
    fn storage_errors_read_the_string_status_code_and_say_what_to_do() {
        let e = StorageApiError::from_body(
            400,
            br#"{"statusCode":"404","error":"Bucket not found","message":"Bucket not found","code":"NoSuchBucket"}"#,
        );
        assert_eq!(e.status_code.as_deref(), Some("404"));
        let text = e.to_string();
        assert!(
            text.starts_with("404 NoSuchBucket: Bucket not found"),
            "{text}"
        );
        assert!(text.contains("create the bucket"), "{text}");
    }
}
