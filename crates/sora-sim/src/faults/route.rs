//! Which service and which kind of route a request is for, from its method and path.

use axum::http::Method;

use super::{Route, Service};

impl Service {
    /// The service a request path is for.
    pub fn of(path: &str) -> Service {
        let under = |base: &str| {
            path.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if crate::runway::owns(path) {
            Service::Runway
        } else if crate::fal::owns(path) {
            Service::Fal
        } else if under("/storage/v1") {
            Service::Storage
        } else if under("/openai/v1/videos") {
            Service::AzureV1
        } else if under("/v1") {
            Service::OpenAI
        } else {
            Service::AzureSora
        }
    }
}

impl Route {
    pub(super) fn has_content(route: Option<Route>) -> bool {
        matches!(route, Some(Route::Content | Route::StorageDownload))
    }

    /// The class of a request's route; `None` for routes outside these classes.
    pub(crate) fn classify(service: Service, method: &Method, path: &str) -> Option<Route> {
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
        match service {
            // Their outputs, on the media origin.
            Service::Runway | Service::Fal if path.ends_with("/output.mp4") => {
                get.then_some(Route::Content)
            }
            Service::Runway => match path {
                "/v1/text_to_video" | "/v1/image_to_video" if post => Some(Route::Create),
                _ if path.starts_with("/v1/tasks/") && get => Some(Route::Poll),
                _ if path.starts_with("/v1/tasks/") && method == Method::DELETE => {
                    Some(Route::Delete)
                }
                _ => None,
            },
            Service::Fal => {
                if path.contains("/requests/") {
                    (get && path.ends_with("/status")).then_some(Route::Poll)
                } else {
                    post.then_some(Route::Create)
                }
            }
            Service::AzureSora => {
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
            Service::AzureV1 | Service::OpenAI => {
                let base = if service == Service::OpenAI {
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
            Service::Storage => {
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
        assert_eq!(Service::of("/v1/videos"), Service::OpenAI);
        assert_eq!(Service::of("/openai/v1/videos/video_1"), Service::AzureV1);
        assert_eq!(
            Service::of("/openai/v1/video/generations/jobs"),
            Service::AzureSora
        );
        assert_eq!(Service::of("/storage/v1/object/b/k"), Service::Storage);
        assert_eq!(Service::of("/v1/tasks/t"), Service::Runway);
        assert_eq!(Service::of("/fal-ai/veo3.1"), Service::Fal);
        assert_eq!(
            Route::classify(
                Service::Fal,
                &Method::GET,
                "/fal-ai/veo3.1/requests/r/status"
            ),
            Some(Route::Poll)
        );
        assert_eq!(
            Route::classify(Service::Runway, &Method::GET, "/runway/t/output.mp4"),
            Some(Route::Content)
        );
        let class = |service, method, path| Route::classify(service, &method, path);
        assert_eq!(
            class(Service::OpenAI, Method::POST, "/v1/videos/video_1/remix"),
            Some(Route::Create)
        );
        assert_eq!(
            class(Service::AzureV1, Method::GET, "/openai/v1/videos/v/content"),
            Some(Route::Content)
        );
        assert_eq!(
            class(
                Service::AzureSora,
                Method::GET,
                "/openai/v1/video/generations/gen_1/content/video"
            ),
            Some(Route::Content)
        );
        assert_eq!(
            class(
                Service::Storage,
                Method::PUT,
                "/storage/v1/object/b/a/k.mp4"
            ),
            Some(Route::StorageUpload)
        );
        assert_eq!(
            class(Service::Storage, Method::GET, "/storage/v1/object/sign/b/k"),
            Some(Route::StorageDownload)
        );
        assert_eq!(
            class(
                Service::Storage,
                Method::POST,
                "/storage/v1/object/sign/b/k"
            ),
            None
        );
    }
}
