//! Supabase Storage error answers: `{statusCode, error, message, code}` with `statusCode` a
//! string, and (the surprise for clients) HTTP 400 for nearly all of them.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::wire;

#[derive(Debug)]
pub(crate) struct StorageError {
    http: StatusCode,
    status_code: &'static str,
    error: &'static str,
    code: &'static str,
    message: String,
}

impl StorageError {
    /// The usual case: HTTP 400, the real meaning in the body.
    fn in_400(
        status_code: &'static str,
        error: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            http: StatusCode::BAD_REQUEST,
            status_code,
            error,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn no_such_bucket() -> Self {
        Self::in_400(
            "404",
            "Bucket not found",
            "NoSuchBucket",
            "Bucket not found",
        )
    }
    pub(crate) fn no_such_key() -> Self {
        Self::in_400("404", "not_found", "NoSuchKey", "Object not found")
    }
    pub(crate) fn bucket_exists() -> Self {
        Self::in_400(
            "409",
            "Duplicate",
            "BucketAlreadyExists",
            "The resource already exists",
        )
    }
    pub(crate) fn key_exists() -> Self {
        Self::in_400(
            "409",
            "Duplicate",
            "KeyAlreadyExists",
            "The resource already exists",
        )
    }
    pub(crate) fn resource_exists() -> Self {
        Self::in_400(
            "409",
            "Duplicate",
            "ResourceAlreadyExists",
            "The resource already exists",
        )
    }
    pub(crate) fn bucket_not_empty() -> Self {
        Self::in_400(
            "409",
            "ResourceNotEmpty",
            "ResourceNotEmpty",
            "The bucket you tried to delete is not empty",
        )
    }
    pub(crate) fn too_large() -> Self {
        Self::in_400(
            "413",
            "Payload too large",
            "EntityTooLarge",
            "The object exceeded the maximum allowed size",
        )
    }
    pub(crate) fn invalid_mime_type(mime: &str) -> Self {
        Self::in_400(
            "415",
            "invalid_mime_type",
            "InvalidMimeType",
            format!("mime type {mime} is not supported"),
        )
    }
    /// A request that fails the route's schema (missing field, wrong type...).
    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Self::in_400("400", "Error", "InvalidRequest", message)
    }
    pub(crate) fn invalid_bucket_name() -> Self {
        Self::in_400(
            "400",
            "Invalid Input",
            "InvalidBucketName",
            "Bucket name invalid",
        )
    }
    pub(crate) fn invalid_key(key: &str) -> Self {
        Self::in_400(
            "400",
            "InvalidKey",
            "InvalidKey",
            format!("Invalid key: {key}"),
        )
    }
    pub(crate) fn missing_authorization() -> Self {
        Self::invalid_request("headers must have required property 'authorization'")
    }
    /// A bearer token that is not the project's (message as the JWT library words it).
    pub(crate) fn access_denied(message: &str) -> Self {
        Self::in_400("403", "Unauthorized", "AccessDenied", message)
    }
    /// A write by a role that row-level security restricts, in a project without policies.
    pub(crate) fn row_level_security() -> Self {
        Self::in_400(
            "403",
            "Unauthorized",
            "AccessDenied",
            super::auth::RLS_DENIED,
        )
    }
    /// `POST /bucket/{id}/empty` without the service role: a real HTTP 403.
    pub(crate) fn service_role_only() -> Self {
        Self {
            http: StatusCode::FORBIDDEN,
            status_code: "403",
            error: "Unauthorized",
            code: "AccessDenied",
            message: "Access denied: this operation needs the service_role".to_string(),
        }
    }
    pub(crate) fn invalid_jwt(message: &str) -> Self {
        Self::in_400("400", "InvalidJWT", "InvalidJWT", message)
    }
    pub(crate) fn invalid_signature() -> Self {
        Self::in_400(
            "400",
            "InvalidSignature",
            "InvalidSignature",
            "Invalid signature",
        )
    }
    /// Not in the doc's table; shaped like the others (the doc notes only that 416 is a real status).
    pub(crate) fn range_not_satisfiable() -> Self {
        Self {
            http: StatusCode::RANGE_NOT_SATISFIABLE,
            status_code: "416",
            error: "InvalidRange",
            code: "InvalidRange",
            message: "The requested range is not satisfiable".to_string(),
        }
    }
    /// Unknown route: the one error with a real 404 status.
    pub(crate) fn route_not_found(method: &str, url: &str) -> Self {
        Self {
            http: StatusCode::NOT_FOUND,
            status_code: "404",
            error: "Not Found",
            code: "InvalidRequest",
            message: format!("Route {method}:{url} not found"),
        }
    }

    pub(crate) fn into_response(self) -> Response {
        // For HEAD the server drops the body, as the real one sends none.
        let body = json!({"statusCode": self.status_code, "error": self.error, "message": self.message, "code": self.code});
        wire::json_response(self.http, &body)
    }
}
