//! `GET /healthz`: the process answers and the database does too.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde_json::json;

use super::json::{ApiQuery, NoQuery};
use crate::web::AppState;

/// Whether the server answers, and its database.
#[utoipa::path(get, path = "/healthz", tag = "health", security(()),
    responses((status = 200, description = "Up", body = Object), (status = 503, description = "The database is unreachable", body = Object)))]
pub async fn healthz(State(state): State<AppState>, _: ApiQuery<NoQuery>) -> impl IntoResponse {
    match state.domain.db().ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ok", "database": "ok" }))),
        Err(error) => {
            tracing::error!(?error, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": "unreachable" })))
        }
    }
}
