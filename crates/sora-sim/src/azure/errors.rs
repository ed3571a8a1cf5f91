//! Azure's error answers: the gateway's (`401`, the generic 404 "Resource not found") and the
//! jobs API's own `{"error":{"code","message",...}}` bodies.

use axum::http::StatusCode;
use serde_json::json;

use crate::wire::ErrorAnswer;

pub(crate) fn invalid_request(message: String, param: Option<&str>) -> ErrorAnswer {
    ErrorAnswer::new(
        StatusCode::BAD_REQUEST,
        json!({"error": {
            "code": "invalid_request_error", "type": "invalid_request_error", "message": message, "param": param,
        }}),
    )
}

/// What the gateway answers for a path it has no operation for, and what the content routes
/// answer for content that does not exist (yet, or any more).
pub(crate) fn resource_not_found() -> ErrorAnswer {
    ErrorAnswer::new(
        StatusCode::NOT_FOUND,
        json!({"error": {"code": "404", "message": "Resource not found"}}),
    )
}

/// A well-formed route naming a job or generation that does not exist.
pub(super) fn no_such(kind: &str, id: &str) -> ErrorAnswer {
    ErrorAnswer::new(
        StatusCode::NOT_FOUND,
        json!({"error": {"code": "NotFound", "message": format!("The {kind} '{id}' was not found.")}}),
    )
}

/// The body seen live for a deployment that does not exist (mslearn-ai-vision #81).
pub(crate) fn deployment_not_found(model: &str) -> ErrorAnswer {
    ErrorAnswer::new(
        StatusCode::NOT_FOUND,
        json!({"error": {
            "message": format!("The API deployment '{model}' for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."),
            "type": "video_generation_user_error", "param": null, "code": null,
        }}),
    )
}

pub(crate) fn unauthorized() -> ErrorAnswer {
    ErrorAnswer::new(
        StatusCode::UNAUTHORIZED,
        json!({"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}),
    )
}

pub(super) fn api_version(given: Option<&str>) -> ErrorAnswer {
    let message = match given {
        None => "Missing required query parameter 'api-version'. The video generation API needs api-version=preview.".to_string(),
        Some(_) => "API version not supported".to_string(),
    };
    ErrorAnswer::new(
        StatusCode::BAD_REQUEST,
        json!({"error": {"code": "BadRequest", "message": message}}),
    )
}
