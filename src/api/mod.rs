//! The REST API: `/v1` for programs, and `/healthz`. Handlers are thin adapters over the
//! domain; [`error::ApiError`] is the only place domain errors become HTTP responses.

pub mod caller;
pub mod error;
pub mod health;
pub mod json;
mod objects_only;
pub mod openapi;
pub mod paging;
pub mod read_only;
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

use axum::{Router, http::StatusCode, routing::any};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::web::AppState;
use error::ApiError;

/// `/healthz` and every capability's routes under `/v1`, each registered with its description
/// (see [`openapi`]), so that what is served and what is documented cannot differ.
pub fn router() -> Router<AppState> {
    documented_routes().split_for_parts().0
}

/// Each handler names its whole path (`/v1/...`) rather than being nested under `/v1`: a nested
/// route rewrites the request's URI and notes the prefix on every request.
fn documented_routes() -> OpenApiRouter<AppState> {
    let (v1, v1_document) = OpenApiRouter::new()
        .routes(routes!(openapi::openapi_json))
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
        .split_for_parts();
    let mut v1 = OpenApiRouter::from(not_found_under_v1(v1).method_not_allowed_fallback(method_not_allowed));
    *v1.get_openapi_mut() = v1_document;
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).routes(routes!(health::healthz)).merge(v1)
}

/// `/v1` and every path under it that no route takes answer with the API's 404 body (the
/// console's fallback answers everything else).
fn not_found_under_v1(router: Router<AppState>) -> Router<AppState> {
    ["/v1", "/v1/", "/v1/{*rest}"].into_iter().fold(router, |router, path| router.route(path, any(unknown_path)))
}

async fn unknown_path() -> ApiError {
    ApiError::status(StatusCode::NOT_FOUND, "RESOURCE_NOT_FOUND", "The requested resource was not found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::status(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "This method is not allowed on this path")
}
