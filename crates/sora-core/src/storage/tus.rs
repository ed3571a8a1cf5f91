//! Resumable uploads through Storage's TUS 1.0.0 endpoint (`/storage/v1/upload/resumable`).
//!
//! `POST` creates the upload (metadata: bucket, object, content type, cache control) and answers
//! `201` with its URL; `PATCH`es send 6 MiB chunks streamed from disk, each answered `204` with
//! the new `Upload-Offset`. The file stays open for the whole upload, and the next chunk is read
//! while one is in flight (at most two chunks' read-ahead in memory, see [`super::source`]), so
//! the connection does not wait for the disk between chunks. When a chunk fails, `HEAD` tells
//! where the server is and the upload goes on from there. The upload URL is kept in a sidecar
//! file next to the local file (`<file>.sora-tus`, removed once the object exists), so an upload
//! interrupted by a crash or a closed laptop resumes on the next try instead of starting over.
//! If the sidecar cannot be written (read-only folder), resuming works only within the one call.
//!
//! The server checks `x-upsert: true` on every request of an upload, the chunks included, so an
//! overwrite sends it on each. Errors it would repeat (409 the object exists, 403, 404, 413...)
//! end the upload at once, and its sidecar goes with it: that upload cannot be resumed.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use url::Url;

use super::source::{Range, Source};
use super::{StorageClient, StorageError};
use crate::http::Call;

/// Supabase's clients send 6 MiB chunks.
pub const TUS_CHUNK: u64 = 6 * 1024 * 1024;

/// Waits before each retry of a failed chunk; after the last, the upload stops (the sidecar
/// stays, so the next call resumes).
const RETRY_WAITS: [Duration; 3] = [
    Duration::from_millis(200),
    Duration::from_millis(800),
    Duration::from_secs(2),
];

/// What to upload where.
#[derive(Debug, Clone, Copy)]
pub struct ResumableUpload<'a> {
    pub bucket: &'a str,
    pub object_path: &'a str,
    pub file: &'a Path,
    pub content_type: &'a str,
    pub upsert: bool,
}

/// The sidecar: which upload URL holds this file's bytes for which object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Sidecar {
    url: String,
    bucket: String,
    object_path: String,
    size: u64,
    modified_secs: u64,
}

/// How an upload's chunks failed: `resumable` when a later call may go on from the server's
/// offset (the sidecar stays), not when the server refused the upload for good.
struct ChunkFailure {
    error: StorageError,
    resumable: bool,
}

/// `<file>.sora-tus`.
pub fn sidecar_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sora-tus");
    PathBuf::from(name)
}

fn header_u64(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// The upload URL a `201`'s `Location` names, resolved against the TUS endpoint; refused when
/// it is on another origin (the key goes with every chunk).
fn upload_url(endpoint: &Url, location: &str) -> Result<Url, StorageError> {
    let url = endpoint.join(location).map_err(|e| StorageError::Decode {
        reason: format!("Location is not a URL: {e}"),
        excerpt: location.to_string(),
    })?;
    // The service-role key goes with every chunk: only ever to the project's own origin.
    // The same host on another scheme is a gateway that terminates TLS: said as such, so
    // the caller can fall back to a standard upload.
    if url.origin() != endpoint.origin()
        && url.host_str() == endpoint.host_str()
        && url.scheme() != endpoint.scheme()
    {
        return Err(StorageError::ResumableScheme {
            theirs: url.scheme().to_string(),
            ours: endpoint.scheme().to_string(),
        });
    }
    if url.origin() != endpoint.origin() {
        return Err(StorageError::Decode {
            reason: "the upload URL points at another host; not sending the key there".into(),
            excerpt: crate::http::redact_url(&url),
        });
    }
    Ok(url)
}

/// For fuzzing only: the parsers of what a TUS server and the sidecar say (`Upload-Offset`,
/// `Location`, the sidecar file), on outside bytes, against the endpoint `endpoint`.
#[doc(hidden)]
pub fn fuzz_tus(endpoint: &str, offset: &[u8], location: &[u8], sidecar: &[u8]) {
    use reqwest::header::{HeaderMap, HeaderValue};
    let Ok(endpoint) = Url::parse(endpoint) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [("upload-offset", offset), ("location", location)] {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            headers.insert(name, value);
        }
    }
    let _ = header_u64(&headers, "upload-offset");
    if let Some(location) = headers.get("location").and_then(|v| v.to_str().ok()) {
        let _ = upload_url(&endpoint, location);
    }
    if let Ok(saved) = serde_json::from_slice::<Sidecar>(sidecar) {
        let _ = Url::parse(&saved.url).map(|u| u.origin() == endpoint.origin());
    }
}

impl StorageClient {
    fn tus_endpoint(&self) -> Result<Url, StorageError> {
        self.url(&["upload", "resumable"])
    }

    /// A request of one upload: `x-upsert` goes with every one of them, as the server checks it
    /// on each.
    fn tus_request(&self, method: Method, url: Url, upsert: bool) -> reqwest::RequestBuilder {
        self.request(method, url)
            .header("tus-resumable", "1.0.0")
            .header("x-upsert", if upsert { "true" } else { "false" })
    }

    /// An error answer of the resumable endpoint (plain text, real status).
    fn tus_error(&self, http_status: u16, body: &[u8]) -> StorageError {
        let mut error = self.api_error(http_status, body);
        if let StorageError::Api(api) = &mut error {
            api.resumable = true;
        }
        error
    }

    /// Upload through TUS, resuming from a sidecar when it matches this file and object.
    /// `progress(sent, total)` is called after each chunk.
    pub async fn upload_resumable(
        &self,
        upload: &ResumableUpload<'_>,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(), StorageError> {
        super::check_bucket(upload.bucket)?;
        super::check_object_path(upload.object_path)?;
        let file_err = |source| StorageError::File {
            path: upload.file.display().to_string(),
            source,
        };
        let meta = tokio::fs::metadata(upload.file).await.map_err(file_err)?;
        let size = meta.len();
        let source = Source::open(upload.file).await?;
        let modified_secs = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let sidecar_file = sidecar_path(upload.file);
        let wanted = |url: String| Sidecar {
            url,
            bucket: upload.bucket.to_string(),
            object_path: upload.object_path.to_string(),
            size,
            modified_secs,
        };

        // Resume when the sidecar describes this very upload and the server still knows it.
        let mut resumed = None;
        if let Ok(text) = tokio::fs::read(&sidecar_file).await
            && let Ok(saved) = serde_json::from_slice::<Sidecar>(&text)
            && saved == wanted(saved.url.clone())
            && let Ok(url) = Url::parse(&saved.url)
            && let Ok(endpoint) = self.tus_endpoint()
            && url.origin() == endpoint.origin()
            && let Ok(Some(offset)) = self.tus_offset(&url, upload.upsert).await
            // An offset past the end of the file is not this upload: start a new one rather
            // than report an upload done that never was.
            && offset <= size
        {
            tracing::info!(offset, "resuming upload from the server's offset");
            resumed = Some((url, offset));
        }
        let (url, offset) = match resumed {
            Some(found) => found,
            None => {
                let url = self.tus_create(upload, size).await?;
                let record = wanted(url.to_string());
                if let Ok(text) = serde_json::to_vec(&record)
                    && let Err(error) = tokio::fs::write(&sidecar_file, text).await
                {
                    tracing::warn!(%error, "cannot keep the resumable upload's URL next to the file");
                }
                (url, 0)
            }
        };
        progress(offset, size);

        let result = self
            .send_chunks(upload, &source, &url, offset, size, progress)
            .await;
        // Done, or failed for good: either way this upload URL is of no more use. Only an upload
        // that may still go on (network down, server errors) keeps its sidecar for the next try.
        if result.as_ref().err().is_none_or(|e| !e.resumable) {
            let _ = tokio::fs::remove_file(&sidecar_file).await;
        }
        result.map_err(|e| e.error)
    }

    /// PATCH the chunks from `offset` on; a failed chunk is retried from the server's offset,
    /// a refusal the server would repeat ends the upload. While a chunk is sent, the next one
    /// is read ahead.
    async fn send_chunks(
        &self,
        upload: &ResumableUpload<'_>,
        source: &Source,
        url: &Url,
        mut offset: u64,
        size: u64,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<(), ChunkFailure> {
        let last = |error, resumable| ChunkFailure { error, resumable };
        let mut failures = 0usize;
        let chunk_at = |at: u64| self.tus_chunk.min(size - at);
        // The next chunk, being read while the current one is sent: (its offset, its bytes).
        let mut ahead: Option<(u64, Range)> = None;
        while offset < size {
            let len = chunk_at(offset);
            // A read-ahead of another offset (the server went elsewhere) is dropped, which
            // stops its reading.
            let body = match ahead.take() {
                Some((at, range)) if at == offset => range,
                _ => source.range(offset, len),
            };
            let next_at = offset + len;
            if next_at < size {
                ahead = Some((next_at, source.range(next_at, chunk_at(next_at))));
            }
            match self.tus_patch(url, body, offset, len, upload.upsert).await {
                // Progress is only progress when the offset moved forward, within the file;
                // anything else is a failed chunk (so a confused server cannot loop us forever).
                Ok(next) if next > offset && next <= size => {
                    failures = 0;
                    offset = next;
                    progress(offset, size);
                }
                Ok(next) => {
                    let Some(wait) = RETRY_WAITS.get(failures) else {
                        let error = StorageError::Decode {
                            reason: format!(
                                "the server kept answering Upload-Offset {next} to a chunk at {offset} of {size}"
                            ),
                            excerpt: String::new(),
                        };
                        return Err(last(error, false));
                    };
                    failures += 1;
                    tokio::time::sleep(*wait).await;
                }
                Err(error) => {
                    // Refusals the server will repeat are final (a 409 "The resource already
                    // exists" included); the rest are retried from wherever the server got to.
                    let permanent = error.api().is_some_and(|e| {
                        let status = e.status();
                        (400..500).contains(&status)
                            && !matches!(status, 408 | 423 | 429)
                            && !e.is_offset_conflict()
                    });
                    if permanent {
                        return Err(last(error, false));
                    }
                    let Some(wait) = RETRY_WAITS.get(failures) else {
                        return Err(last(error, true));
                    };
                    failures += 1;
                    tracing::info!(%error, "resumable chunk failed; asking the server for its offset");
                    tokio::time::sleep(*wait).await;
                    match self.tus_offset(url, upload.upsert).await {
                        Ok(Some(server)) if server > size => {
                            let error = StorageError::Decode {
                                reason: format!(
                                    "the server says it holds {server} bytes of a {size}-byte file: the upload is not trusted as done"
                                ),
                                excerpt: String::new(),
                            };
                            return Err(last(error, false));
                        }
                        Ok(Some(server)) => offset = server,
                        Ok(None) => return Err(last(error, false)),
                        Err(_) => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// `POST` → the upload URL.
    async fn tus_create(
        &self,
        upload: &ResumableUpload<'_>,
        size: u64,
    ) -> Result<Url, StorageError> {
        let endpoint = self.tus_endpoint()?;
        let metadata = [
            ("bucketName", upload.bucket),
            ("objectName", upload.object_path),
            ("contentType", upload.content_type),
            ("cacheControl", "3600"),
        ]
        .iter()
        .map(|(k, v)| format!("{k} {}", STANDARD.encode(v)))
        .collect::<Vec<_>>()
        .join(",");
        let request = self
            .tus_request(Method::POST, endpoint.clone(), upload.upsert)
            .header("upload-length", size)
            .header("upload-metadata", metadata);
        let response = self
            .http
            .send(request, Call::Json)
            .await
            .map_err(|e| Self::network(&endpoint, &e))?;
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        if status.as_u16() != 201 {
            return Err(self.tus_error(status.as_u16(), &response.error_body().await));
        }
        let location = location.ok_or_else(|| StorageError::Decode {
            reason: "201 without a Location header".into(),
            excerpt: String::new(),
        })?;
        upload_url(&endpoint, &location)
    }

    /// `HEAD` → the server's offset; `None` when the upload is gone (404/410).
    async fn tus_offset(&self, url: &Url, upsert: bool) -> Result<Option<u64>, StorageError> {
        let response = self
            .http
            .send(
                self.tus_request(Method::HEAD, url.clone(), upsert),
                Call::Json,
            )
            .await
            .map_err(|e| Self::network(url, &e))?;
        let status = response.status().as_u16();
        if status == 404 || status == 410 {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.tus_error(status, b""));
        }
        Ok(header_u64(response.headers(), "upload-offset"))
    }

    /// One chunk of `len` bytes from `offset`, streamed from disk → the new offset.
    async fn tus_patch(
        &self,
        url: &Url,
        chunk: Range,
        offset: u64,
        len: u64,
        upsert: bool,
    ) -> Result<u64, StorageError> {
        let (body, progress) = crate::http::upload_body(chunk, len);
        let request = self
            .tus_request(Method::PATCH, url.clone(), upsert)
            .header("upload-offset", offset)
            .header("content-type", "application/offset+octet-stream")
            .header("content-length", len)
            .body(body);
        let response = self
            .http
            .send(request, Call::Upload(progress))
            .await
            .map_err(|e| Self::network(url, &e))?;
        let status = response.status().as_u16();
        if status != 204 && status != 200 {
            return Err(self.tus_error(status, &response.error_body().await));
        }
        header_u64(response.headers(), "upload-offset").ok_or_else(|| StorageError::Decode {
            reason: "PATCH answer without Upload-Offset".into(),
            excerpt: String::new(),
        })
    }
}
