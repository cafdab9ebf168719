//! The REST API: `/v1` for programs, and `/healthz`. Handlers are thin adapters over the
//! domain; [`error::ApiError`] is the only place domain errors become HTTP responses.

pub mod caller;
pub mod error;
pub mod health;
pub mod json;
pub mod me;
pub mod members;
pub mod organizations;
pub mod paging;
pub mod policies;
pub mod resources;
pub mod roles;
pub mod schema;
pub mod user_groups;
pub mod users;

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
        .route("/users", get(users::list).post(users::create))
        .route("/users/{user_id}", get(users::get).patch(users::patch).delete(users::delete))
        .route("/users/{user_id}/effective-permissions", get(users::effective_permissions))
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
        .route("/iam/permissions/schema", put(schema::replace))
        .route("/orgs/{org}/iam/permissions/schema", get(schema::get))
        .route("/orgs/{org}/iam/resources", get(resources::list))
        .route(
            "/orgs/{org}/iam/resources/{resource_type}/{resource_id}",
            put(resources::register).delete(resources::remove),
        )
        .route("/orgs/{org}/iam/policies", get(policies::list).post(policies::create))
        .route(
            "/orgs/{org}/iam/policies/{policy_id}",
            get(policies::get).put(policies::replace).patch(policies::patch).delete(policies::delete),
        )
        .route("/orgs/{org}/iam/policies/{policy_id}/impact", post(policies::impact))
        .route("/orgs/{org}/iam/roles", get(roles::list).post(roles::create))
        .route(
            "/orgs/{org}/iam/roles/{role_id}",
            get(roles::get).put(roles::replace).patch(roles::patch).delete(roles::delete),
        )
        .route("/orgs/{org}/iam/members", get(members::list).post(members::assign))
        .route("/orgs/{org}/iam/members/bulk-roles", axum::routing::post(members::bulk_roles))
        .route("/orgs/{org}/iam/who-can", get(members::who_can))
        .route("/orgs/{org}/iam/groups", get(user_groups::list).post(user_groups::create))
        .route(
            "/orgs/{org}/iam/groups/{group_id}",
            get(user_groups::get).patch(user_groups::patch).delete(user_groups::delete),
        )
        .route("/orgs/{org}/iam/members/{member_user_id}", axum::routing::delete(members::remove))
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
