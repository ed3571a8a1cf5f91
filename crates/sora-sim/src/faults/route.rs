//! Which service and which kind of route a request is for, from its method and path.

use axum::http::Method;

use super::{Family, Route};

impl Family {
    pub fn of(path: &str) -> Family {
        let under = |base: &str| {
            path.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/storage/v1") {
            Family::Storage
        } else if under("/openai/v1/videos") {
            Family::AzureV1
        } else if under("/v1") {
            Family::OpenAI
        } else {
            Family::AzureSora
        }
    }
}

impl Route {
    pub(super) fn has_content(route: Option<Route>) -> bool {
        matches!(route, Some(Route::Content | Route::StorageDownload))
    }

    /// The class of a request's route; `None` for routes outside these classes.
    pub(crate) fn classify(family: Family, method: &Method, path: &str) -> Option<Route> {
        let get = method == Method::GET || method == Method::HEAD;
        let post = method == Method::POST;
        let segments = |base: &str| -> Vec<String> {
            path.strip_prefix(base)
                .unwrap_or_default()
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        match family {
            Family::AzureSora => {
                let s = segments("/openai/v1/video/generations");
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    ["jobs"] if post => Some(Route::Create),
                    ["jobs"] if get => Some(Route::List),
                    ["jobs", _] if get => Some(Route::Poll),
                    ["jobs", _] if method == Method::DELETE => Some(Route::Delete),
                    [_, "content", _] if get => Some(Route::Content),
                    [_] if get => Some(Route::Poll),
                    _ => None,
                }
            }
            Family::AzureV1 | Family::OpenAI => {
                let base = if family == Family::OpenAI {
                    "/v1/videos"
                } else {
                    "/openai/v1/videos"
                };
                if !path.starts_with(base) {
                    return None;
                }
                let s = segments(base);
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    [] if post => Some(Route::Create),
                    [] if get => Some(Route::List),
                    [_, "remix"] if post => Some(Route::Create),
                    [_, "content"] if get => Some(Route::Content),
                    [_] if get => Some(Route::Poll),
                    [_] if method == Method::DELETE => Some(Route::Delete),
                    _ => None,
                }
            }
            Family::Storage => {
                if path.starts_with("/storage/v1/upload/resumable/") && method == Method::PATCH {
                    return Some(Route::StorageResumable);
                }
                let s = segments("/storage/v1/object");
                if !path.starts_with("/storage/v1/object/") {
                    return None;
                }
                let s: Vec<&str> = s.iter().map(String::as_str).collect();
                match s.as_slice() {
                    ["list" | "move" | "copy" | "info" | "upload", ..] => None,
                    ["sign", _, _, ..] if get => Some(Route::StorageDownload),
                    ["sign", ..] => None,
                    ["public" | "authenticated", _, _, ..] if get => Some(Route::StorageDownload),
                    [_, _, ..] if get => Some(Route::StorageDownload),
                    [_, _, ..] if post || method == Method::PUT => Some(Route::StorageUpload),
                    _ => None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_and_routes() {
        assert_eq!(Family::of("/v1/videos"), Family::OpenAI);
        assert_eq!(Family::of("/openai/v1/videos/video_1"), Family::AzureV1);
        assert_eq!(
            Family::of("/openai/v1/video/generations/jobs"),
            Family::AzureSora
        );
        assert_eq!(Family::of("/storage/v1/object/b/k"), Family::Storage);
        let class = |family, method, path| Route::classify(family, &method, path);
        assert_eq!(
            class(Family::OpenAI, Method::POST, "/v1/videos/video_1/remix"),
            Some(Route::Create)
        );
        assert_eq!(
            class(Family::AzureV1, Method::GET, "/openai/v1/videos/v/content"),
            Some(Route::Content)
        );
        assert_eq!(
            class(
                Family::AzureSora,
                Method::GET,
                "/openai/v1/video/generations/gen_1/content/video"
            ),
            Some(Route::Content)
        );
        assert_eq!(
            class(Family::Storage, Method::PUT, "/storage/v1/object/b/a/k.mp4"),
            Some(Route::StorageUpload)
        );
        assert_eq!(
            class(Family::Storage, Method::GET, "/storage/v1/object/sign/b/k"),
            Some(Route::StorageDownload)
        );
        assert_eq!(
            class(Family::Storage, Method::POST, "/storage/v1/object/sign/b/k"),
            None
        );
    }
}
