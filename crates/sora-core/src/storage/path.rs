//! Object paths: checked before they reach a URL or an upload's metadata, their folders, and
//! the public-URL layout. The one place that knows how Supabase Storage lays paths out, for the
//! client, the CLI and the dashboard alike.
//!
//! A URL drops `.` and `..` segments and empty ones (so `a/../b` would be stored at `a/b` by a
//! standard upload), while a resumable upload sends the name as it is: the same name would land
//! in two places depending on the file's size, and an id from a server could steer where an
//! object goes. Such names are refused instead, the same way on every path.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::StorageError;

/// What a path segment of a URL must not hold as it is: the WHATWG path-segment set (what `url`
/// encodes when it builds the client's request paths), so a public URL reads the same whoever
/// builds it.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

/// Percent-encode an object path for a URL, keeping its slashes (empty parts are dropped, as a
/// URL drops them).
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| utf8_percent_encode(segment, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The URL anyone can open while the bucket is public:
/// `{project}/storage/v1/object/public/{bucket}/{object_path}`.
pub fn public_url(project: &url::Url, bucket: &str, object_path: &str) -> String {
    format!(
        "{}/storage/v1/object/public/{}/{}",
        project.as_str().trim_end_matches('/'),
        encode_path(bucket),
        encode_path(object_path)
    )
}

/// The folder part of an object path: `a/b/c.mp4` → `a/b`, `c.mp4` → ``.
pub fn parent_folder(object_path: &str) -> &str {
    object_path
        .trim_end_matches('/')
        .rsplit_once('/')
        .map_or("", |(folder, _)| folder)
}

/// `prefix` + `name` as a folder path.
pub fn join_folder(prefix: &str, name: &str) -> String {
    let name = name.trim_end_matches('/');
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}/{name}")
    }
}

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
    fn folders_of_object_paths() {
        assert_eq!(parent_folder("sora/2026/v.mp4"), "sora/2026");
        assert_eq!(parent_folder("v.mp4"), "");
        assert_eq!(join_folder("", "sora/"), "sora");
        assert_eq!(join_folder("sora", "2026"), "sora/2026");
    }

    #[test]
    fn public_urls_encode_each_part_and_keep_the_slashes() {
        let project = url::Url::parse("https://abc.supabase.co").expect("url");
        assert_eq!(
            public_url(&project, "output-videos", "task_1/a fox?#%.mp4"),
            "https://abc.supabase.co/storage/v1/object/public/output-videos/task_1/a%20fox%3F%23%25.mp4"
        );
        assert_eq!(encode_path("été/(1).mp4"), "%C3%A9t%C3%A9/(1).mp4");
    }

    /// The public URL encodes a name exactly as the client's own request URLs do.
    #[test]
    fn public_urls_encode_as_request_urls_do() {
        let project = url::Url::parse("http://127.0.0.1:5/").expect("url");
        for name in [
            "a b/c.mp4",
            "x\\y`{}|^[]!'()*+,;=:@&$~.mp4",
            "ü/ß?.png",
            "100%.mp4",
        ] {
            let mut built = project.clone();
            built
                .path_segments_mut()
                .expect("base")
                .pop_if_empty()
                .extend(["storage", "v1", "object", "public", "b"])
                .extend(name.split('/'));
            assert_eq!(public_url(&project, "b", name), built.as_str(), "{name}");
        }
    }

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
