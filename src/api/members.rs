//! `/v1/orgs/{org}/iam/members` (seed 001): listing members, setting their roles, removing them.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::Value;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery},
    paging,
};
use crate::{
    domain::members::{MemberPage, MemberQuery},
    server::AppState,
};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    role_id: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET /v1/orgs/{org}/iam/members`: filters `q` (email or name), `role_id`, `status`; cursor paging.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<MemberPage>> {
    let member_query = MemberQuery {
        q: query.q.as_deref(),
        role_id: query.role_id.as_deref(),
        status: query.status.as_deref(),
        cursor: query.cursor.as_deref(),
        limit: paging::limit(query.limit, 50, 200)?,
    };
    Ok(Json(state.domain.list_members(&caller.actor, &org, &member_query).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    user_id: String,
    role_ids: Vec<String>,
}

/// `POST /v1/orgs/{org}/iam/members`: sets the member's roles (adding the membership if new);
/// answers `null`, as the seed does.
pub async fn assign(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<Value>> {
    state.domain.set_member_roles(&caller.actor, &org, &body.user_id, &body.role_ids).await?;
    Ok(Json(Value::Null))
}

/// `DELETE /v1/orgs/{org}/iam/members/{member_user_id}`
pub async fn remove(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_member(&caller.actor, &org, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
pub struct WhoCanQuery {
    permission: String,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET /v1/orgs/{org}/iam/who-can?permission=...`: every user allowed it there, with why.
pub async fn who_can(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<WhoCanQuery>,
) -> ApiResult<Json<crate::domain::access_explorer::WhoCanPage>> {
    let limit = paging::limit(query.limit, 50, 200)?;
    let page = state.domain.who_can(&caller.actor, &org, &query.permission, query.cursor.as_deref(), limit).await?;
    Ok(Json(page))
}
