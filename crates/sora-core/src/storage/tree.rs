//! Folder transfers between a local directory and a bucket folder (`upload -r`, `get -r`):
//! `jobs` files at a time, each on its own. Uploads above the resumable threshold go through
//! TUS with their `.sora-tus` sidecar, so a run that was killed goes on where each file stopped;
//! a file already identical on the other side (same size, and the `ETag` is the MD5 of the
//! local bytes, as it is for the server's standard uploads) is skipped, so nothing is sent
//! twice. A different file in the way is replaced only when asked.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use md5::Digest as _;

use super::folder::join_path;
use super::{FoundObject, StorageClient, StorageError, content_type_for, tus};

/// Files one local walk takes at most, and how deep it goes.
const MAX_LOCAL_FILES: usize = 1_000_000;
const MAX_DEPTH: usize = 64;

/// A local file of a folder upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    pub path: PathBuf,
    /// Its path under the folder, `/`-separated.
    pub relative: String,
    pub size: u64,
}

/// Something a folder transfer left out on purpose, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passed {
    pub path: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Uploaded or downloaded; `note` when something about it should be said.
    Sent {
        bytes: u64,
        note: Option<String>,
    },
    /// Already there with the same size and MD5.
    Identical,
    /// Another file is in the way; it is replaced only with `replace`.
    Differs,
    Failed(String),
}

/// One file of a folder transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    pub local: PathBuf,
    /// Its full path in the bucket.
    pub object_path: String,
    pub size: u64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeOptions {
    /// Files at a time (at least 1).
    pub jobs: usize,
    /// Replace a different file in the way (upload: upsert; download: overwrite).
    pub replace: bool,
}

/// What a folder transfer did, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeReport {
    pub files: Vec<FileOutcome>,
    pub passed: Vec<Passed>,
}

impl TreeReport {
    pub fn sent(&self) -> (usize, u64) {
        self.files
            .iter()
            .filter_map(|f| match f.outcome {
                Outcome::Sent { bytes, .. } => Some(bytes),
                _ => None,
            })
            .fold((0, 0), |(n, total), bytes| (n + 1, total + bytes))
    }

    pub fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.files.iter().filter(|f| wanted(&f.outcome)).count()
    }

    /// Every file is where it should be.
    pub fn complete(&self) -> bool {
        self.files
            .iter()
            .all(|f| matches!(f.outcome, Outcome::Sent { .. } | Outcome::Identical))
    }
}

/// The files under `dir`, by path. Symbolic links are not followed (they are reported), and
/// resumable-upload sidecars are not files of the user's.
pub fn local_tree(dir: &Path) -> std::io::Result<(Vec<LocalFile>, Vec<Passed>)> {
    let mut files = Vec::new();
    let mut passed = Vec::new();
    let mut pending = vec![(dir.to_path_buf(), String::new(), 0usize)];
    while let Some((folder, relative, depth)) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            let kind = entry.file_type()?;
            let shown = path.display().to_string();
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                passed.push(Passed {
                    path: shown,
                    why: "its name is not UTF-8, which an object path must be".into(),
                });
                continue;
            };
            let rel = join_path(&relative, &name);
            if kind.is_symlink() {
                passed.push(Passed {
                    path: shown,
                    why: "a symbolic link (not followed)".into(),
                });
            } else if kind.is_dir() {
                if depth + 1 > MAX_DEPTH {
                    passed.push(Passed {
                        path: shown,
                        why: format!("deeper than {MAX_DEPTH} folders"),
                    });
                } else {
                    pending.push((path, rel, depth + 1));
                }
            } else if kind.is_file() {
                if name.ends_with(".sora-tus") {
                    continue;
                }
                if files.len() >= MAX_LOCAL_FILES {
                    return Err(std::io::Error::other(format!(
                        "{} holds more than {MAX_LOCAL_FILES} files",
                        dir.display()
                    )));
                }
                let size = entry.metadata()?.len();
                files.push(LocalFile {
                    path,
                    relative: rel,
                    size,
                });
            } else {
                passed.push(Passed {
                    path: shown,
                    why: "not a regular file".into(),
                });
            }
        }
    }
    files.sort_by(|a, b| a.relative.cmp(&b.relative));
    Ok((files, passed))
}

/// Hex MD5 of a file's bytes (read off the async threads).
pub async fn file_md5(path: &Path) -> std::io::Result<String> {
    let path = path.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let mut file = std::fs::File::open(&path)?;
        let mut hasher = md5::Md5::new();
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            hasher.update(&buffer[..n]);
        }
        Ok(hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect())
    })
    .await
    .map_err(std::io::Error::other)?
}

/// The local file and the stored object hold the same bytes: same size, and the object's
/// `ETag` is the local MD5. An `ETag` of another form (a multipart upload) cannot tell.
async fn identical(local: &Path, size: u64, remote: &FoundObject) -> bool {
    if remote.size() != size {
        return false;
    }
    let Some(etag) = remote.entry.md5_hex() else {
        return false;
    };
    file_md5(local).await.is_ok_and(|md5| md5 == etag)
}

/// No part of `relative` under `root` is a symbolic link (one planted there would send the
/// file elsewhere).
fn through_symlink(root: &Path, relative: &str) -> Option<PathBuf> {
    let mut at = root.to_path_buf();
    for part in relative.split('/') {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => return Some(at),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
    None
}

impl StorageClient {
    /// Upload the files under `dir` to `bucket/prefix/…`.
    pub async fn upload_tree(
        &self,
        dir: &Path,
        bucket: &str,
        prefix: &str,
        options: TreeOptions,
        on_done: &(dyn Fn(&FileOutcome) + Send + Sync),
    ) -> Result<TreeReport, StorageError> {
        super::check_bucket(bucket)?;
        super::check_prefix(prefix)?;
        let prefix = prefix.trim_end_matches('/');
        let read_err = |source| StorageError::File {
            path: dir.display().to_string(),
            source,
        };
        let walk_dir = dir.to_path_buf();
        let (files, mut passed) = tokio::task::spawn_blocking(move || local_tree(&walk_dir))
            .await
            .map_err(|e| read_err(std::io::Error::other(e)))?
            .map_err(read_err)?;
        let mut wanted = Vec::new();
        for file in files {
            let object_path = join_path(prefix, &file.relative);
            match super::check_object_path(&object_path) {
                Ok(()) => wanted.push((file, object_path)),
                Err(e) => passed.push(Passed {
                    path: file.path.display().to_string(),
                    why: e.to_string(),
                }),
            }
        }
        let remote: HashMap<String, FoundObject> = self
            .walk(bucket, prefix, &mut |_| {})
            .await?
            .objects
            .into_iter()
            .map(|o| (o.path.clone(), o))
            .collect();
        let remote = &remote;
        let files = futures_util::stream::iter(wanted)
            .map(|(file, object_path)| async move {
                let outcome = self
                    .upload_one(
                        &file,
                        bucket,
                        &object_path,
                        remote.get(&object_path),
                        options,
                    )
                    .await;
                let done = FileOutcome {
                    local: file.path,
                    object_path,
                    size: file.size,
                    outcome,
                };
                on_done(&done);
                done
            })
            .buffer_unordered(options.jobs.max(1))
            .collect()
            .await;
        Ok(TreeReport { files, passed })
    }

    async fn upload_one(
        &self,
        file: &LocalFile,
        bucket: &str,
        object_path: &str,
        remote: Option<&FoundObject>,
        options: TreeOptions,
    ) -> Outcome {
        let sidecar = tus::sidecar_path(&file.path);
        if let Some(remote) = remote {
            if identical(&file.path, file.size, remote).await {
                // Stored by an earlier run that did not get to tidy up.
                let _ = tokio::fs::remove_file(&sidecar).await;
                return Outcome::Identical;
            }
            if !options.replace {
                return Outcome::Differs;
            }
        }
        let upsert = remote.is_some();
        match self
            .upload(
                bucket,
                object_path,
                &file.path,
                content_type_for(&file.path),
                upsert,
                &|_, _| {},
            )
            .await
        {
            Ok(answer) => Outcome::Sent {
                bytes: file.size,
                note: answer.note,
            },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }

    /// Download every object under `bucket/prefix` into `out`, keeping the folder layout.
    pub async fn download_tree(
        &self,
        bucket: &str,
        prefix: &str,
        out: &Path,
        options: TreeOptions,
        on_done: &(dyn Fn(&FileOutcome) + Send + Sync),
    ) -> Result<TreeReport, StorageError> {
        let prefix = prefix.trim_end_matches('/');
        let tree = self.walk(bucket, prefix, &mut |_| {}).await?;
        let relative = |key: &str| {
            if prefix.is_empty() {
                key.to_string()
            } else {
                key.strip_prefix(prefix)
                    .unwrap_or(key)
                    .trim_start_matches('/')
                    .to_string()
            }
        };
        let mut passed = Vec::new();
        // An empty folder is kept by its marker: make it locally too.
        for marker in &tree.placeholders {
            let rel = relative(marker);
            let folder = super::folder::parent(&rel);
            if super::check_prefix(folder).is_ok() && through_symlink(out, folder).is_none() {
                let _ = tokio::fs::create_dir_all(out.join(folder)).await;
            }
        }
        let mut wanted = Vec::new();
        for object in tree.objects {
            let rel = relative(&object.path);
            // A name from the server decides where a local file goes: no `..`, no empty part.
            match super::check_object_path(&rel) {
                Ok(()) => wanted.push((object, rel)),
                Err(e) => passed.push(Passed {
                    path: format!("{bucket}/{}", object.path),
                    why: e.to_string(),
                }),
            }
        }
        let files = futures_util::stream::iter(wanted)
            .map(|(object, rel)| async move {
                let local = rel.split('/').fold(out.to_path_buf(), |p, s| p.join(s));
                let outcome = self
                    .download_one(bucket, &object, out, &rel, &local, options)
                    .await;
                let done = FileOutcome {
                    local,
                    size: object.size(),
                    object_path: object.path,
                    outcome,
                };
                on_done(&done);
                done
            })
            .buffer_unordered(options.jobs.max(1))
            .collect()
            .await;
        Ok(TreeReport { files, passed })
    }

    async fn download_one(
        &self,
        bucket: &str,
        object: &FoundObject,
        out: &Path,
        relative: &str,
        local: &Path,
        options: TreeOptions,
    ) -> Outcome {
        if let Some(link) = through_symlink(out, relative) {
            return Outcome::Failed(format!(
                "{} is a symbolic link, and following it could overwrite another file: left alone",
                link.display()
            ));
        }
        match tokio::fs::metadata(local).await {
            Ok(meta) if meta.is_dir() => {
                return Outcome::Failed(format!("{} is a folder", local.display()));
            }
            Ok(meta) => {
                if identical(local, meta.len(), object).await {
                    return Outcome::Identical;
                }
                if !options.replace {
                    return Outcome::Differs;
                }
            }
            Err(_) => {}
        }
        if let Some(dir) = local.parent()
            && let Err(e) = tokio::fs::create_dir_all(dir).await
        {
            return Outcome::Failed(format!("cannot create {}: {e}", dir.display()));
        }
        match self.download_to(bucket, &object.path, local).await {
            Ok(bytes) => Outcome::Sent { bytes, note: None },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}
