//! The REST API: `/v1` for programs, and `/healthz`. Handlers are thin adapters over the
//! domain; [`error::ApiError`] is the only place domain errors become HTTP responses.

pub mod caller;
pub mod error;
pub mod health;
pub mod json;
pub mod paging;
pub mod versions;

pub mod audit;
pub mod compat;
pub mod explorer;
pub mod groups;
pub mod members;
pub mod orgs;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod sessions;
pub mod sso;
pub mod tokens;
pub mod users;

use axum::{Router, http::StatusCode, routing::get};

use crate::web::AppState;
use error::ApiError;

/// Every capability's routes under `/v1`, and `/healthz`.
pub fn router() -> Router<AppState> {
    let v1 = Router::new()
        .merge(sessions::routes())
        .merge(users::routes())
        .merge(orgs::routes())
        .merge(schema::routes())
        .merge(policies::routes())
        .merge(roles::routes())
        .merge(members::routes())
        .merge(groups::routes())
        .merge(explorer::routes())
        .merge(tokens::routes())
        .merge(sso::routes())
        .merge(audit::routes())
        .merge(compat::routes())
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
