//! Persistence of buckets and objects for `sora-tui sim --data DIR`: `DIR/storage/index.json`
//! (buckets, and each object's metadata) plus one file per object version under
//! `DIR/storage/objects/`. Written after every successful change, reloaded on start. Uploads
//! still in progress (TUS) and signed-URL tokens are not kept.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Bucket, StorageState, StoredObject};
use crate::spool::Content;

#[derive(Serialize, Deserialize)]
struct Index {
    buckets: Vec<BucketRecord>,
}

#[derive(Serialize, Deserialize)]
struct BucketRecord {
    id: String,
    name: String,
    public: bool,
    file_size_limit: Option<u64>,
    allowed_mime_types: Option<Vec<String>>,
    created_ms: u64,
    updated_ms: u64,
    objects: Vec<ObjectRecord>,
}

#[derive(Serialize, Deserialize)]
struct ObjectRecord {
    key: String,
    id: String,
    version: String,
    mimetype: String,
    cache_control: String,
    md5: String,
    user_metadata: Option<Value>,
    created_ms: u64,
    updated_ms: u64,
}

fn ms(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn at(ms: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms)
}

fn root(dir: &Path) -> PathBuf {
    dir.join("storage")
}

/// Version ids are uuids; anything else would not be written by this simulator.
fn data_file(dir: &Path, version: &str) -> Option<PathBuf> {
    version
        .chars()
        .all(|c| c.is_ascii_hexdigit() || c == '-')
        .then(|| root(dir).join("objects").join(version))
}

/// The saved state, or `None` when `dir` holds none yet.
pub(super) fn load(dir: &Path) -> io::Result<Option<StorageState>> {
    let index_path = root(dir).join("index.json");
    let text = match std::fs::read(&index_path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let index: Index = serde_json::from_slice(&text).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {e}", index_path.display()),
        )
    })?;
    let mut saved = HashSet::new();
    let mut buckets = Vec::new();
    for record in index.buckets {
        let mut objects = super::folders::Objects::default();
        for o in record.objects {
            let path = data_file(dir, &o.version).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad version id {}", o.version),
                )
            })?;
            let data = Content::saved_file(path)?;
            saved.insert(o.version.clone());
            objects.insert(
                o.key,
                StoredObject {
                    id: o.id,
                    version: o.version,
                    data,
                    mimetype: o.mimetype,
                    cache_control: o.cache_control,
                    md5: o.md5,
                    user_metadata: o.user_metadata,
                    created_at: at(o.created_ms),
                    updated_at: at(o.updated_ms),
                },
            );
        }
        buckets.push(Bucket {
            id: record.id,
            name: record.name,
            public: record.public,
            file_size_limit: record.file_size_limit,
            allowed_mime_types: record.allowed_mime_types,
            created_at: at(record.created_ms),
            updated_at: at(record.updated_ms),
            objects,
        });
    }
    let mut state = StorageState::from_buckets(buckets);
    state.saved = saved;
    Ok(Some(state))
}

/// Write what changed: new object files, then the index (atomically), then drop files no object
/// uses any more.
pub(super) fn save(dir: &Path, state: &mut StorageState) -> io::Result<()> {
    let objects_dir = root(dir).join("objects");
    std::fs::create_dir_all(&objects_dir)?;
    let mut live = HashSet::new();
    // Files objects still read from (a copy of a saved object shares its file until restart).
    let mut in_use = HashSet::new();
    let mut index = Index {
        buckets: Vec::with_capacity(state.buckets.len()),
    };
    for bucket in &state.buckets {
        let mut objects = Vec::with_capacity(bucket.objects.len());
        for (key, o) in bucket.objects.iter() {
            if !state.saved.contains(&o.version)
                && let Some(path) = data_file(dir, &o.version)
            {
                o.data.save_to(&path)?;
            }
            live.insert(o.version.clone());
            if let Some(path) = o.data.file_path() {
                in_use.insert(path.to_path_buf());
            }
            objects.push(ObjectRecord {
                key: key.clone(),
                id: o.id.clone(),
                version: o.version.clone(),
                mimetype: o.mimetype.clone(),
                cache_control: o.cache_control.clone(),
                md5: o.md5.clone(),
                user_metadata: o.user_metadata.clone(),
                created_ms: ms(o.created_at),
                updated_ms: ms(o.updated_at),
            });
        }
        index.buckets.push(BucketRecord {
            id: bucket.id.clone(),
            name: bucket.name.clone(),
            public: bucket.public,
            file_size_limit: bucket.file_size_limit,
            allowed_mime_types: bucket.allowed_mime_types.clone(),
            created_ms: ms(bucket.created_at),
            updated_ms: ms(bucket.updated_at),
            objects,
        });
    }
    let index_path = root(dir).join("index.json");
    let temp = root(dir).join("index.json.tmp");
    std::fs::write(&temp, serde_json::to_vec(&index).map_err(io::Error::other)?)?;
    std::fs::rename(&temp, &index_path)?;
    let mut kept = live.clone();
    for gone in state.saved.difference(&live) {
        match data_file(dir, gone) {
            // Looked at again on the next save.
            Some(path) if in_use.contains(&path) => {
                kept.insert(gone.clone());
            }
            Some(path) => {
                let _ = std::fs::remove_file(path);
            }
            None => {}
        }
    }
    state.saved = kept;
    Ok(())
}
