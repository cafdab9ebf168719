//! The REST API: `/v1` for programs, and `/healthz`. Handlers are thin adapters over the
//! domain; [`error::ApiError`] is the only place domain errors become HTTP responses.

pub mod caller;
pub mod error;
pub mod health;
pub mod json;
pub mod me;

use axum::{
    Router,
    http::StatusCode,
    routing::{get, put},
};

use crate::server::AppState;
use error::ApiError;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .route("/me", get(me::me))
        .route("/me/password", put(me::change_password))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new().route("/healthz", get(health::healthz)).nest("/v1", v1)
}

async fn unknown_path() -> ApiError {
    ApiError::status(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "The requested resource was not found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::status(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "This method is not allowed on this path")
}
