//! The REST API: `/v1` for programs, and `/healthz`. Handlers are thin adapters over the
//! domain; [`error::ApiError`] is the only place domain errors become HTTP responses.

pub mod caller;
pub mod error;
pub mod health;
pub mod json;
pub mod me;
pub mod organizations;

use axum::{
    Router,
    http::StatusCode,
    routing::{get, post, put},
};

use crate::server::AppState;
use error::ApiError;

pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .route("/me", get(me::me))
        .route("/me/password", put(me::change_password))
        .route("/orgs", get(organizations::list).post(organizations::create))
        .route(
            "/orgs/{org}",
            get(organizations::get)
                .put(organizations::replace)
                .patch(organizations::patch)
                .delete(organizations::delete),
        )
        .route("/orgs/{org}/move", post(organizations::move_to))
        .route("/orgs/{org}/children", get(organizations::children))
        .route("/orgs/{org}/ancestors", get(organizations::ancestors))
        .route("/orgs/{org}/deletion_impact", get(organizations::deletion_impact))
        .route("/orgs/{org}/iam/check", post(organizations::check))
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
