//! `/v1/me`: who the caller is, and changing their own password.

use axum::{Json, Router, extract::State, http::StatusCode, routing};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
};
use crate::web::{AppState, sessions};

pub fn routes() -> Router<AppState> {
    Router::new().route("/me", routing::get(me)).route("/me/password", routing::put(change_password))
}

#[derive(Debug, Serialize)]
pub struct MeResponse {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: &'static str,
}

/// `GET /v1/me`.
pub async fn me(SignedIn { user, .. }: SignedIn, _: ApiQuery<NoQuery>) -> Json<MeResponse> {
    Json(MeResponse { user_id: user.id, email: user.email, full_name: user.full_name, status: user.status.as_str() })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// `PUT /v1/me/password`: changes the caller's own password. Every other session ends; a
/// calling browser session continues.
pub async fn change_password(
    State(state): State<AppState>,
    session: Session,
    SignedIn { actor, .. }: SignedIn,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    let epoch = state.domain.change_own_password(&actor, &body.current_password, &body.new_password).await?;
    sessions::continue_in_epoch(&session, epoch).await?;
    Ok(StatusCode::NO_CONTENT)
}
