//! Folder-wide work on top of Storage's one-level listing (`POST /object/list`): every page of
//! a folder, a walk of a whole subtree with each object's full path, its totals, and a
//! recursive delete in server-sized batches.
//!
//! Folders exist only through their objects, so a folder's size is a sum over a listing, and
//! "deleted" is only true once a second walk finds nothing left. Every loop here is bounded:
//! pages per folder level, folders per walk.

use std::collections::VecDeque;
use std::ops::ControlFlow;

use reqwest::Method;
use serde::Serialize;

use super::{ListOptions, ObjectEntry, SortColumn, StorageClient, StorageError};

/// Entries per listing page (the server caps a page at 1500).
const PAGE: u32 = 1000;
/// Pages of one folder level before a listing gives up (10 million entries): a server that
/// ignored `offset` would otherwise be paged forever.
const MAX_PAGES: u32 = 10_000;
/// Folders one walk visits at most.
const MAX_FOLDERS: usize = 1_000_000;
/// Keys per `DELETE /object/{bucket}` (the server takes 1 to 1000).
pub const DELETE_BATCH: usize = 1000;

/// An object found by a walk: its full path in the bucket and its listing entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundObject {
    pub path: String,
    pub entry: ObjectEntry,
}

impl FoundObject {
    pub fn size(&self) -> u64 {
        self.entry.size().unwrap_or(0)
    }
}

/// What a folder holds: objects (Studio's empty-folder markers not counted), their bytes, and
/// the folders below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub objects: u64,
    pub bytes: u64,
    pub folders: u64,
}

impl Totals {
    /// `1,204 objects, 3.1 GiB` (plus the folders when there are any).
    pub fn describe(&self) -> String {
        let objects = match self.objects {
            1 => "1 object".to_string(),
            n => format!("{} objects", thousands(n)),
        };
        let mut text = format!("{objects}, {}", crate::present::bytes(self.bytes));
        match self.folders {
            0 => {}
            1 => text.push_str(" in 1 folder"),
            n => text.push_str(&format!(" in {} folders", thousands(n))),
        }
        text
    }
}

/// A subtree as one walk found it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    /// The user's objects, by folder then name.
    pub objects: Vec<FoundObject>,
    /// Full paths of the `.emptyFolderPlaceholder` markers (objects too: a recursive delete
    /// removes them, a folder copy carries them).
    pub placeholders: Vec<String>,
    pub totals: Totals,
}

impl Tree {
    /// Every key in the subtree, markers included.
    pub fn keys(&self) -> Vec<String> {
        self.objects
            .iter()
            .map(|o| o.path.clone())
            .chain(self.placeholders.iter().cloned())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.placeholders.is_empty()
    }
}

/// How a recursive delete went, before its check.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deletion {
    /// Keys the server said it deleted.
    pub deleted: u64,
    /// The error of each batch that failed (the others still ran).
    pub failures: Vec<String>,
}

/// `folder` + `/` + `name`, or `name` at the root.
pub fn join_path(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_string()
    } else {
        format!("{folder}/{name}")
    }
}

/// The folder part of a path: `a/b/c.mp4` → `a/b`, `c.mp4` → ``.
pub fn parent(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder)
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn too_many(what: String) -> StorageError {
    StorageError::Decode {
        reason: what,
        excerpt: String::new(),
    }
}

impl StorageClient {
    /// Every entry of one folder level, all pages, in the server's order for `sort`.
    /// `options.limit` and `options.offset` are ignored.
    pub async fn list_folder(
        &self,
        bucket: &str,
        prefix: &str,
        options: &ListOptions,
    ) -> Result<Vec<ObjectEntry>, StorageError> {
        super::check_prefix(prefix)?;
        let mut all = Vec::new();
        self.each_page(bucket, prefix, options, &mut |page| {
            all.extend(page);
            ControlFlow::Continue(())
        })
        .await?;
        Ok(all)
    }

    /// The pages of one folder level in the server's order for `sort`, handed to `on_page` as
    /// they come, so memory holds one page whatever the folder's size; `on_page` may stop the
    /// listing (`ControlFlow::Break`). `options.limit` and `options.offset` are ignored.
    pub async fn list_folder_pages(
        &self,
        bucket: &str,
        prefix: &str,
        options: &ListOptions,
        on_page: &mut (dyn FnMut(Vec<ObjectEntry>) -> ControlFlow<()> + Send),
    ) -> Result<(), StorageError> {
        super::check_prefix(prefix)?;
        self.each_page(bucket, prefix, options, on_page).await
    }

    /// The pages of one folder level, handed to `on_page` as they come.
    async fn each_page(
        &self,
        bucket: &str,
        prefix: &str,
        options: &ListOptions,
        on_page: &mut (dyn FnMut(Vec<ObjectEntry>) -> ControlFlow<()> + Send),
    ) -> Result<(), StorageError> {
        let mut options = ListOptions {
            limit: PAGE,
            offset: 0,
            ..options.clone()
        };
        for _ in 0..MAX_PAGES {
            let page = self.list_page(bucket, prefix, &options).await?;
            let n = page.len();
            if on_page(page).is_break() || n < PAGE as usize {
                return Ok(());
            }
            options.offset = options.offset.saturating_add(PAGE);
        }
        Err(too_many(format!(
            "{bucket}/{prefix} did not end after {MAX_PAGES} pages of {PAGE} entries"
        )))
    }

    /// Every object under `prefix` ("" for the whole bucket), folder by folder. `progress`
    /// hears the running totals after each page, for a count that takes a while.
    pub async fn walk(
        &self,
        bucket: &str,
        prefix: &str,
        progress: &mut (dyn FnMut(&Totals) + Send),
    ) -> Result<Tree, StorageError> {
        super::check_bucket(bucket)?;
        super::check_prefix(prefix)?;
        let mut tree = Tree::default();
        let mut pending = VecDeque::from([prefix.trim_end_matches('/').to_string()]);
        let by_name = ListOptions {
            sort: SortColumn::Name,
            ..ListOptions::default()
        };
        let mut visited = 0usize;
        while let Some(folder) = pending.pop_front() {
            visited += 1;
            if visited > MAX_FOLDERS {
                return Err(too_many(format!(
                    "{bucket}/{prefix} holds more than {MAX_FOLDERS} folders"
                )));
            }
            self.each_page(bucket, &folder, &by_name, &mut |page| {
                for entry in page {
                    let path = join_path(&folder, &entry.name);
                    if entry.is_folder() {
                        tree.totals.folders += 1;
                        pending.push_back(path);
                    } else if entry.is_placeholder() {
                        tree.placeholders.push(path);
                    } else {
                        tree.totals.objects += 1;
                        tree.totals.bytes += entry.size().unwrap_or(0);
                        tree.objects.push(FoundObject { path, entry });
                    }
                }
                progress(&tree.totals);
                ControlFlow::Continue(())
            })
            .await?;
        }
        Ok(tree)
    }

    /// Delete `keys` (exact keys, as a walk found them) in batches of [`DELETE_BATCH`]. A
    /// failed batch does not stop the others; `progress(deleted, total)` after each batch.
    /// Whether anything is left is for a second walk to say.
    pub async fn delete_keys(
        &self,
        bucket: &str,
        keys: &[String],
        progress: &mut (dyn FnMut(u64, u64) + Send),
    ) -> Result<Deletion, StorageError> {
        // The keys go in a JSON body, exactly as the server listed them: nothing to rewrite.
        let url = self.bucket_url(&["object"], bucket)?;
        let total = keys.len() as u64;
        let mut outcome = Deletion::default();
        for batch in keys.chunks(DELETE_BATCH) {
            let body = serde_json::json!({ "prefixes": batch });
            let answer = self
                .send(self.request(Method::DELETE, url.clone()).json(&body), &url)
                .await
                .and_then(|bytes| Self::decode::<Vec<serde_json::Value>>(&bytes));
            match answer {
                Ok(rows) => outcome.deleted += rows.len() as u64,
                Err(error) => outcome.failures.push(error.to_string()),
            }
            progress(outcome.deleted, total);
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_read_like_a_person_writes_them() {
        let totals = Totals {
            objects: 1204,
            bytes: 3_328_599_654,
            folders: 0,
        };
        assert_eq!(totals.describe(), "1,204 objects, 3.1 GiB");
        let one = Totals {
            objects: 1,
            bytes: 10,
            folders: 2,
        };
        assert_eq!(one.describe(), "1 object, 10 B in 2 folders");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
