//! Copy and move of one object or of a folder, within a bucket or across buckets (the server's
//! `destinationBucket`). A folder is copied or moved object by object, a few at a time, each
//! with its own outcome; markers of empty folders go along.

use futures_util::StreamExt;
use reqwest::Method;

use super::folder::join_path;
use super::{StorageClient, StorageError, Tree};

/// Copy or move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transfer {
    Copy,
    Move,
}

impl Transfer {
    pub fn verb(self) -> &'static str {
        match self {
            Transfer::Copy => "copy",
            Transfer::Move => "move",
        }
    }

    pub fn past(self) -> &'static str {
        match self {
            Transfer::Copy => "copied",
            Transfer::Move => "moved",
        }
    }
}

/// Where a folder's objects go: each key under `from` gets the same place under `to`.
pub fn retarget(from: &str, to: &str, key: &str) -> String {
    let from = from.trim_end_matches('/');
    let rest = if from.is_empty() {
        key
    } else {
        key.strip_prefix(from)
            .map_or(key, |r| r.trim_start_matches('/'))
    };
    join_path(to.trim_end_matches('/'), rest)
}

/// What goes where: `bucket/from` to `to_bucket/to` (the same bucket or another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route<'a> {
    pub kind: Transfer,
    pub bucket: &'a str,
    pub from: &'a str,
    pub to_bucket: &'a str,
    pub to: &'a str,
    /// A copy may overwrite an object at the destination; a move never does (the server has
    /// no such option).
    pub upsert: bool,
}

impl StorageClient {
    /// `POST /object/copy` or `/object/move` of one object along `route`.
    pub async fn transfer_object(&self, route: &Route<'_>) -> Result<(), StorageError> {
        super::check_bucket(route.bucket)?;
        super::check_bucket(route.to_bucket)?;
        super::check_object_path(route.from)?;
        super::check_object_path(route.to)?;
        let url = self.url(&["object", route.kind.verb()])?;
        let body = serde_json::json!({
            "bucketId": route.bucket,
            "sourceKey": route.from,
            "destinationBucket": route.to_bucket,
            "destinationKey": route.to,
        });
        let mut request = self.request(Method::POST, url.clone()).json(&body);
        if route.kind == Transfer::Copy {
            request = request.header("x-upsert", if route.upsert { "true" } else { "false" });
        }
        self.send(request, &url).await.map(drop)
    }

    /// Copy or move every object of `tree` (a walk of `route.bucket/route.from`) to the same
    /// place under `route.to_bucket/route.to`, `jobs` at a time. Returns each key with where
    /// it went or why not, in no set order.
    pub async fn transfer_tree(
        &self,
        route: &Route<'_>,
        tree: &Tree,
        jobs: usize,
    ) -> Vec<(String, Result<String, StorageError>)> {
        futures_util::stream::iter(tree.keys())
            .map(|key| async move {
                let target = retarget(route.from, route.to, &key);
                let one = Route {
                    from: &key,
                    to: &target,
                    ..*route
                };
                let result = self.transfer_object(&one).await;
                (key.clone(), result.map(|()| target.clone()))
            })
            .buffer_unordered(jobs.max(1))
            .collect()
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_place_under_the_new_folder() {
        assert_eq!(retarget("a/b", "c", "a/b/x/y.mp4"), "c/x/y.mp4");
        assert_eq!(retarget("a/b/", "c/d/", "a/b/y.mp4"), "c/d/y.mp4");
        assert_eq!(retarget("", "backup", "y.mp4"), "backup/y.mp4");
        assert_eq!(retarget("a", "", "a/y.mp4"), "y.mp4");
    }
}
