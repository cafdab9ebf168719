//! Limits that keep one request from holding the server: a body size limit for REST and server
//! functions alike (413 beyond it), and a time limit on every request (503 when it runs out).
//! Both answer with the REST error body, which the console shows as an error too.

use std::time::Duration;

use axum::{
    extract::Request,
    http::{StatusCode, header::CONTENT_LENGTH},
    response::{IntoResponse, Response},
};
use http_body_util::Limited;

use crate::api::error::ApiError;

/// The largest request body: REST bodies and server-function forms alike (a 1 MB policy fits).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// How long one request may take before it is answered with 503.
pub const REQUEST_TIME_LIMIT: Duration = Duration::from_secs(30);

/// Refuses a request whose declared body is over [`MAX_BODY_BYTES`], at once.
pub fn refuse_declared_too_large(req: &Request) -> Option<Response> {
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    declared.is_some_and(|length| length > MAX_BODY_BYTES as u64).then(|| too_large().into_response())
}

/// Caps a body of unknown length while it is read, so no request can make the server buffer
/// more than [`MAX_BODY_BYTES`].
pub fn limit_body(req: Request) -> Request {
    req.map(|body| axum::body::Body::new(Limited::new(body, MAX_BODY_BYTES)))
}

pub(super) fn too_large() -> ApiError {
    ApiError::status(
        StatusCode::PAYLOAD_TOO_LARGE,
        "PAYLOAD_TOO_LARGE",
        format!("The request body is larger than the limit of {MAX_BODY_BYTES} bytes"),
    )
}

/// Answers 503 when the handler has not finished within [`REQUEST_TIME_LIMIT`]; the work is
/// dropped (a database transaction in flight rolls back).
pub async fn within_time_limit(handling: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(REQUEST_TIME_LIMIT, handling).await {
        Ok(response) => response,
        Err(_) => ApiError::status(
            StatusCode::SERVICE_UNAVAILABLE,
            "REQUEST_TIMEOUT",
            format!("The request took longer than {} seconds and was stopped", REQUEST_TIME_LIMIT.as_secs()),
        )
        .into_response(),
    }
}
