//! The Videos API's error answers, in OpenAI's `{"error":{"message","type","param","code"}}`
//! shape (the Azure base answers some of Azure's own: see [`crate::azure::errors`]).

use axum::http::StatusCode;
use serde_json::json;

use crate::wire::ErrorAnswer;

pub(crate) fn openai(
    status: StatusCode,
    message: String,
    kind: &str,
    param: Option<&str>,
    code: Option<&str>,
) -> ErrorAnswer {
    ErrorAnswer::new(
        status,
        json!({"error": {"message": message, "type": kind, "param": param, "code": code}}),
    )
}

pub(crate) fn invalid(message: String, param: Option<&str>, code: Option<&str>) -> ErrorAnswer {
    openai(
        StatusCode::BAD_REQUEST,
        message,
        "invalid_request_error",
        param,
        code,
    )
}

pub(crate) fn model_not_found(model: &str) -> ErrorAnswer {
    openai(
        StatusCode::NOT_FOUND,
        format!("The model `{model}` does not exist or you do not have access to it."),
        "invalid_request_error",
        None,
        Some("model_not_found"),
    )
}

pub(crate) fn not_found(id: &str) -> ErrorAnswer {
    openai(
        StatusCode::NOT_FOUND,
        format!("Video with id '{id}' not found."),
        "invalid_request_error",
        None,
        None,
    )
}

pub(crate) fn expired(id: &str) -> ErrorAnswer {
    openai(
        StatusCode::NOT_FOUND,
        format!("The content of video '{id}' has expired and can no longer be downloaded."),
        "invalid_request_error",
        None,
        None,
    )
}
