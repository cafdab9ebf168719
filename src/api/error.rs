//! The REST error bodies clients expect, and the one conversion from [`DomainError`] into them.
//!
//! 401/403/404/409/429/500 and friends: `{"error", "message", "details", "timestamp", "status_code"}`.
//! 422: `{"detail": [{"loc", "msg", "type", "input", "ctx"}]}`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::domain::{DomainError, FieldError, Timestamp};

#[derive(Debug)]
pub enum ApiError {
    /// A status with the error body clients expect.
    Status { status: StatusCode, code: &'static str, message: String, details: Value },
    /// 422 with one entry per problem.
    Unprocessable(Vec<ValidationProblem>),
}

/// One problem of a 422: where (`loc`, such as `["body", "name"]` or `["query", "limit"]`),
/// what, and its kind.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ValidationProblem {
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub input: Value,
    pub ctx: Value,
}

impl From<FieldError> for ValidationProblem {
    fn from(error: FieldError) -> Self {
        Self {
            // Positions in lists are numbers in `loc`, as clients expect.
            loc: error
                .loc
                .into_iter()
                .map(|part| match part.parse::<u64>() {
                    Ok(index) => json!(index),
                    Err(_) => Value::String(part),
                })
                .collect(),
            msg: error.msg,
            kind: error.kind,
            input: Value::Null,
            ctx: json!({}),
        }
    }
}

impl ApiError {
    pub fn status(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self::Status { status, code, message: message.into(), details: json!({}) }
    }

    pub fn with_details(self, details: Value) -> Self {
        match self {
            Self::Status { status, code, message, .. } => Self::Status { status, code, message, details },
            other => other,
        }
    }

    pub fn unauthenticated() -> Self {
        Self::status(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "Authentication required")
    }

    pub fn not_found(resource_type: &str, resource_id: &str) -> Self {
        Self::status(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "The requested resource was not found")
            .with_details(json!({ "resource_type": resource_type, "resource_id": resource_id }))
    }

    pub fn internal() -> Self {
        Self::status(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "An unexpected error occurred")
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        if error.is_internal() {
            tracing::error!(error = ?error, "request failed");
        }
        match error {
            DomainError::Unauthenticated => Self::unauthenticated(),
            DomainError::InvalidCredentials => {
                Self::status(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", error.to_string())
            }
            DomainError::TooManyAttempts { retry_after_secs } => {
                Self::status(StatusCode::TOO_MANY_REQUESTS, "TOO_MANY_REQUESTS", error.to_string())
                    .with_details(json!({ "retry_after_seconds": retry_after_secs }))
            }
            DomainError::Forbidden { required_permission } => {
                Self::status(StatusCode::FORBIDDEN, "FORBIDDEN", "You don't have permission to perform this action")
                    .with_details(json!({ "required_permission": required_permission }))
            }
            DomainError::NotHeld { missing } => {
                let message = DomainError::NotHeld { missing: missing.clone() }.to_string();
                let required = missing.first().map(|m| m.permission.clone()).unwrap_or_default();
                Self::status(StatusCode::FORBIDDEN, "FORBIDDEN", message)
                    .with_details(json!({ "required_permission": required, "permissions": missing }))
            }
            DomainError::NotFound { resource_type, resource_id } => Self::not_found(resource_type, &resource_id),
            DomainError::Conflict(message) => Self::status(StatusCode::CONFLICT, "CONFLICT", message),
            DomainError::Rule(rule) => Self::status(StatusCode::CONFLICT, "CONFLICT", rule.to_string())
                .with_details(json!({ "rule": rule.key() })),
            DomainError::InUse { message, details } => {
                Self::status(StatusCode::CONFLICT, "CONFLICT", message).with_details(details)
            }
            DomainError::Invalid(errors) => Self::Unprocessable(errors.into_iter().map(Into::into).collect()),
            DomainError::Storage(_) | DomainError::Internal(_) => Self::internal(),
        }
    }
}

/// The body of every error but 422, as clients expect it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code: `AUTHENTICATION_FAILED`, `FORBIDDEN`, `RESOURCE_NOT_FOUND`, `CONFLICT`, ...
    #[schema(example = "RESOURCE_NOT_FOUND")]
    pub error: &'static str,
    pub message: String,
    /// More about the error, by kind (`required_permission`, `resource_type`, `rule`, ...).
    pub details: Value,
    #[schema(example = "2026-12-05T10:00:00Z")]
    pub timestamp: String,
    pub status_code: u16,
}

/// The body of a 422: one entry per problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationBody {
    pub detail: Vec<ValidationProblem>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            Self::Status { status, code, message, details } => {
                let body = ErrorBody {
                    error: code,
                    message,
                    details,
                    timestamp: Timestamp::now().to_rfc3339(),
                    status_code: status.as_u16(),
                };
                (status, Json(body)).into_response()
            }
            Self::Unprocessable(problems) => {
                let body = ValidationBody { detail: problems };
                (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
            }
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
