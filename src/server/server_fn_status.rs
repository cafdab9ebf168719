//! Server functions answer failures with a JSON `UiError` under status 500 (the framework's
//! default). This gives each failure the status its kind means (401, 403, 404, 409, 422, 429,
//! 503), so that a 500 keeps meaning that something broke.

use axum::{
    body::{Body, to_bytes},
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::Response,
};

use crate::ui::error::{UiError, UiErrorKind};

const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<UiError>(&bytes) {
        parts.status = status_of(error.kind);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn status_of(kind: UiErrorKind) -> StatusCode {
    match kind {
        UiErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        UiErrorKind::Forbidden => StatusCode::FORBIDDEN,
        UiErrorKind::NotFound => StatusCode::NOT_FOUND,
        UiErrorKind::Conflict => StatusCode::CONFLICT,
        UiErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        UiErrorKind::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
        UiErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        UiErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}
