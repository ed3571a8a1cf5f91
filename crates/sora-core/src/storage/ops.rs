//! Bucket management and object operations of [`StorageClient`]: listing with paging, sort and
//! search; create/update/delete bucket; download to disk; signed URLs; move; delete.

use std::path::Path;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::{Bucket, ObjectEntry, StorageClient, StorageError, UploadAnswer};
use crate::download::{self, DownloadError, DownloadOptions, DownloadSpec, Expect, RetrySchedule};
use crate::providers::ContentRequest;

/// The columns `POST /object/list` sorts by (the server has no size column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    #[default]
    Name,
    CreatedAt,
    UpdatedAt,
}

impl SortColumn {
    pub fn wire(self) -> &'static str {
        match self {
            SortColumn::Name => "name",
            SortColumn::CreatedAt => "created_at",
            SortColumn::UpdatedAt => "updated_at",
        }
    }
}

/// One page request of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOptions {
    /// 1..=1500 (the server caps it); 100 is the server's default.
    pub limit: u32,
    /// Counts folders and files together.
    pub offset: u32,
    pub sort: SortColumn,
    pub descending: bool,
    /// Case-insensitive starts-with on the entry name; empty for none.
    pub search: String,
}

impl Default for ListOptions {
    fn default() -> Self {
        Self {
            limit: 100,
            offset: 0,
            sort: SortColumn::Name,
            descending: false,
            search: String::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct SignedAnswer {
    #[serde(rename = "signedURL")]
    signed_url: String,
}

#[derive(Debug, Deserialize)]
struct DeletedRow {
    name: String,
}

impl StorageClient {
    /// One page of one folder level. `prefix` "" is the bucket root.
    pub async fn list_objects_with(
        &self,
        bucket: &str,
        prefix: &str,
        options: &ListOptions,
    ) -> Result<Vec<ObjectEntry>, StorageError> {
        super::check_prefix(prefix)?;
        self.list_page(bucket, prefix, options).await
    }

    /// One page, `prefix` sent as it is (a walk's folder names come from the server, and go in
    /// a JSON body, where nothing rewrites them).
    pub(super) async fn list_page(
        &self,
        bucket: &str,
        prefix: &str,
        options: &ListOptions,
    ) -> Result<Vec<ObjectEntry>, StorageError> {
        let url = self.bucket_url(&["object", "list"], bucket)?;
        let mut body = serde_json::json!({
            "prefix": prefix,
            "limit": options.limit.clamp(1, 1500),
            "offset": options.offset,
            "sortBy": {
                "column": options.sort.wire(),
                "order": if options.descending { "desc" } else { "asc" },
            },
        });
        if !options.search.is_empty()
            && let Some(fields) = body.as_object_mut()
        {
            fields.insert("search".into(), options.search.clone().into());
        }
        let bytes = self
            .send(self.request(Method::POST, url.clone()).json(&body), &url)
            .await?;
        Self::decode(&bytes)
    }

    pub async fn get_bucket(&self, id: &str) -> Result<Bucket, StorageError> {
        let url = self.bucket_url(&["bucket"], id)?;
        let body = self
            .send(self.request(Method::GET, url.clone()), &url)
            .await?;
        Self::decode(&body)
    }

    /// `POST /bucket {name, public}` (the id defaults to the name).
    pub async fn create_bucket(&self, name: &str, public: bool) -> Result<(), StorageError> {
        super::check_bucket(name)?;
        let url = self.url(&["bucket"])?;
        let body = serde_json::json!({"name": name, "id": name, "public": public});
        self.send(self.request(Method::POST, url.clone()).json(&body), &url)
            .await
            .map(drop)
    }

    /// `PUT /bucket/{id} {public}`.
    pub async fn set_bucket_public(&self, id: &str, public: bool) -> Result<(), StorageError> {
        let url = self.bucket_url(&["bucket"], id)?;
        let body = serde_json::json!({"public": public});
        self.send(self.request(Method::PUT, url.clone()).json(&body), &url)
            .await
            .map(drop)
    }

    /// `DELETE /bucket/{id}`; the server refuses a bucket that still holds objects.
    pub async fn delete_bucket(&self, id: &str) -> Result<(), StorageError> {
        let url = self.bucket_url(&["bucket"], id)?;
        self.send(self.request(Method::DELETE, url.clone()), &url)
            .await
            .map(drop)
    }

    /// Fetch an object to `out` through the download engine (the one "stream to `.partial`,
    /// verify, rename" there is): bounded by the request policy, with the stall timer, the
    /// private `.partial` that a failed attempt keeps and the next `get` resumes, and a check of
    /// the length (and of a checksum the server states) before the rename. One attempt: an
    /// object is there or it is not. `out` must name a file, not a folder. Returns the bytes.
    pub async fn download_to(
        &self,
        bucket: &str,
        object_path: &str,
        out: &Path,
    ) -> Result<u64, StorageError> {
        let url = self.object_url(&["authenticated"], bucket, object_path)?;
        if tokio::fs::metadata(out).await.is_ok_and(|m| m.is_dir()) {
            return Err(StorageError::Write {
                path: out.display().to_string(),
                source: std::io::Error::new(
                    std::io::ErrorKind::IsADirectory,
                    "it is a folder: name the file to write in it",
                ),
            });
        }
        let spec = DownloadSpec {
            request: ContentRequest {
                url: url.clone(),
                headers: self.auth_headers(),
            },
            target: out.to_path_buf(),
            expect: Expect::Anything,
            expires_at: None,
        };
        let once = RetrySchedule(Vec::new());
        let options = DownloadOptions::default();
        let cancel = CancellationToken::new();
        match download::download(&self.http, &spec, &once, &options, &|_| {}, &cancel).await {
            Ok(done) => Ok(done.bytes),
            Err(DownloadError::Disk { path, source }) => Err(StorageError::Write {
                path: path.display().to_string(),
                source,
            }),
            // Storage's own error answer ("Bucket not found", a refused key), read as Storage
            // words it.
            Err(DownloadError::GaveUp {
                last_status: Some(status),
                last_body,
                ..
            }) if status >= 400 => Err(self.api_error(status, &last_body)),
            Err(DownloadError::GaveUp { why, .. }) => Err(StorageError::Network {
                url: crate::http::redact_url(&url),
                reason: why,
            }),
            Err(e @ DownloadError::Cancelled) => Err(StorageError::Network {
                url: crate::http::redact_url(&url),
                reason: e.to_string(),
            }),
        }
    }

    /// Whether the object exists (`GET /object/info/authenticated/...`): `Err` with NoSuchKey
    /// when it does not.
    pub async fn check_object(&self, bucket: &str, object_path: &str) -> Result<(), StorageError> {
        let url = self.object_url(&["info", "authenticated"], bucket, object_path)?;
        self.send(self.request(Method::GET, url.clone()), &url)
            .await
            .map(drop)
    }

    /// A URL that serves the object without a key for `expires_in` seconds (absolute).
    pub async fn signed_url(
        &self,
        bucket: &str,
        object_path: &str,
        expires_in: u64,
    ) -> Result<String, StorageError> {
        let url = self.object_url(&["sign"], bucket, object_path)?;
        let body = serde_json::json!({"expiresIn": expires_in.max(1)});
        let bytes = self
            .send(self.request(Method::POST, url.clone()).json(&body), &url)
            .await?;
        let answer: SignedAnswer = Self::decode(&bytes)?;
        // Relative to `/storage/v1` (as storage3 resolves it).
        let mut base = self.url(&[])?;
        let relative = answer.signed_url.trim_start_matches('/');
        base.set_path(&format!("{}/", base.path().trim_end_matches('/')));
        base.join(relative)
            .map(|u| u.to_string())
            .map_err(|e| StorageError::Decode {
                reason: e.to_string(),
                excerpt: answer.signed_url.clone(),
            })
    }

    /// `POST /object/move` within a bucket (rename is a move).
    pub async fn move_object(
        &self,
        bucket: &str,
        from: &str,
        to: &str,
    ) -> Result<(), StorageError> {
        let route = super::Route {
            kind: super::Transfer::Move,
            bucket,
            from,
            to_bucket: bucket,
            to,
            upsert: false,
        };
        self.transfer_object(&route).await
    }

    /// `DELETE /object/{bucket} {prefixes}`: the keys actually deleted (missing ones are absent).
    pub async fn delete_objects(
        &self,
        bucket: &str,
        paths: &[String],
    ) -> Result<Vec<String>, StorageError> {
        for path in paths {
            super::check_object_path(path)?;
        }
        let url = self.bucket_url(&["object"], bucket)?;
        let mut deleted = Vec::new();
        for batch in paths.chunks(1000) {
            let body = serde_json::json!({"prefixes": batch});
            let bytes = self
                .send(self.request(Method::DELETE, url.clone()).json(&body), &url)
                .await?;
            let rows: Vec<DeletedRow> = Self::decode(&bytes)?;
            deleted.extend(rows.into_iter().map(|r| r.name));
        }
        Ok(deleted)
    }

    /// Upload a local file, streamed from disk: above the threshold through the resumable (TUS)
    /// endpoint (`with_resumable_threshold`), which resumes an interrupted upload of the same
    /// file. When the resumable endpoint hands back its upload URL on `https://` for an
    /// `http://` project URL (a gateway that terminates TLS), the key is not sent there: a file
    /// small enough goes as one standard upload instead, and the answer's `note` says why.
    pub async fn upload(
        &self,
        bucket: &str,
        object_path: &str,
        file: &Path,
        content_type: &str,
        upsert: bool,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<UploadAnswer, StorageError> {
        // Refused the same way whichever endpoint the size picks.
        super::check_bucket(bucket)?;
        super::check_object_path(object_path)?;
        let file_error = |source| StorageError::File {
            path: file.display().to_string(),
            source,
        };
        let meta = tokio::fs::metadata(file).await.map_err(file_error)?;
        if let Some(why) = crate::local_file::not_regular(&meta) {
            return Err(file_error(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                why,
            )));
        }
        let len = meta.len();
        if len > self.resumable_threshold {
            let upload = super::ResumableUpload {
                bucket,
                object_path,
                file,
                content_type,
                upsert,
            };
            match self.upload_resumable(&upload, progress).await {
                Ok(()) => Ok(UploadAnswer {
                    key: format!("{bucket}/{object_path}"),
                    id: None,
                    note: None,
                }),
                Err(error @ StorageError::ResumableScheme { .. })
                    if len <= super::STANDARD_UPLOAD_LIMIT =>
                {
                    tracing::warn!(%error, "resumable upload URL on another scheme; standard upload");
                    let mut answer = self
                        .upload_file(bucket, object_path, file, content_type, upsert)
                        .await?;
                    progress(len, len);
                    answer.note = Some(format!(
                        "sent as one standard upload, not resumable: {error}"
                    ));
                    Ok(answer)
                }
                Err(error) => Err(error),
            }
        } else {
            let answer = self
                .upload_file(bucket, object_path, file, content_type, upsert)
                .await?;
            progress(len, len);
            Ok(answer)
        }
    }
}
