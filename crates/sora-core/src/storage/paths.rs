//! Bucket names and object paths checked before they reach a URL or an upload's metadata.
//!
//! A URL drops `.` and `..` segments and empty ones (so `a/../b` would be stored at `a/b` by a
//! standard upload), while a resumable upload sends the name as it is: the same name would land
//! in two places depending on the file's size, and an id from a server could steer where an
//! object goes. Such names are refused instead, the same way on every path.

use super::StorageError;

/// What is wrong with one segment of a path, if anything.
fn segment_problem(segment: &str) -> Option<&'static str> {
    match segment {
        "" => Some("it has an empty part (a leading, trailing or doubled /)"),
        "." => Some("it has a `.` part"),
        ".." => Some("it has a `..` part"),
        _ => None,
    }
}

fn refuse(path: &str, what: &'static str, problem: &'static str) -> StorageError {
    StorageError::BadPath {
        path: path.to_string(),
        what,
        problem,
    }
}

/// A bucket id: not empty, no `/`, not `.` or `..`.
pub fn check_bucket(bucket: &str) -> Result<(), StorageError> {
    if bucket.contains('/') {
        return Err(refuse(bucket, "bucket name", "it contains a /"));
    }
    match segment_problem(bucket) {
        Some(problem) => Err(refuse(bucket, "bucket name", problem)),
        None => Ok(()),
    }
}

/// An object path `folder/…/name`: every part non-empty and neither `.` nor `..`.
pub fn check_object_path(path: &str) -> Result<(), StorageError> {
    match path.split('/').find_map(segment_problem) {
        Some(problem) => Err(refuse(path, "object path", problem)),
        None => Ok(()),
    }
}

/// A folder to list: `""` is the bucket root and one trailing `/` is allowed; otherwise as an
/// object path.
pub fn check_prefix(prefix: &str) -> Result<(), StorageError> {
    let folder = prefix.strip_suffix('/').unwrap_or(prefix);
    if folder.is_empty() {
        return Ok(());
    }
    match folder.split('/').find_map(segment_problem) {
        Some(problem) => Err(refuse(prefix, "folder", problem)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_a_url_would_rewrite() {
        for bad in ["a/../b", "./a", "a//b", "/a", "a/", "..", ".", ""] {
            assert!(check_object_path(bad).is_err(), "{bad}");
        }
        for good in ["a/b.mp4", "a fox.mp4", "task_1/..hidden", "v..mp4", ".env"] {
            assert!(check_object_path(good).is_ok(), "{good}");
        }
        assert!(check_bucket("..").is_err());
        assert!(check_bucket("a/b").is_err());
        assert!(check_bucket("output-videos").is_ok());
        assert!(check_prefix("").is_ok());
        assert!(check_prefix("videos/").is_ok());
        assert!(check_prefix("videos/../x").is_err());
        let text = check_object_path("a/../b")
            .expect_err("refused")
            .to_string();
        assert!(text.contains("`a/../b`") && text.contains("`..`"), "{text}");
    }
}
