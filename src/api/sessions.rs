//! `/v1/me`: who the caller is, and changing their own password.

use axum::{Json, extract::State, http::StatusCode};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
};
use crate::web::{AppState, sessions};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(change_password))
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    /// The account's status: `active`, `disabled` or `invited`.
    pub status: &'static str,
}

/// Who the caller is.
///
/// The signed-in user, or the creator of the API token used.
#[utoipa::path(get, path = "/v1/me", tag = "sessions",
    responses((status = 200, description = "The signed-in user", body = MeResponse)))]
pub async fn me(SignedIn { user, .. }: SignedIn, _: ApiQuery<NoQuery>) -> Json<MeResponse> {
    Json(MeResponse { user_id: user.id, email: user.email, full_name: user.full_name, status: user.status.as_str() })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The password in use, to confirm it is the user asking.
    pub current_password: String,
    pub new_password: String,
}

/// Change the caller's own password.
///
/// Every other session of the user ends; a calling browser session continues.
#[utoipa::path(put, path = "/v1/me/password", tag = "sessions", request_body = ChangePasswordRequest,
    responses((status = 204, description = "Changed")))]
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
