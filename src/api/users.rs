//! `/v1/users`: create, list, read, change and delete user accounts.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::Deserialize;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging,
};
use crate::{
    domain::{
        users::UserNames,
        users::{Account, AccountChanges, AccountFilter, AccountPage, NewAccount},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", routing::get(list).post(create))
        .route("/users/{user_id}", routing::get(get).patch(patch).delete(delete))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    email: String,
    organization_id: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    preferred_name: String,
    #[serde(default)]
    password: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    first_name: Option<String>,
    last_name: Option<String>,
    preferred_name: Option<String>,
    status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    organization_id: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `POST /v1/users`: the user joins `organization_id` with its default roles; without a
/// password the account is `invited`.
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<Response> {
    let new = NewAccount {
        email: body.email,
        names: UserNames {
            first_name: body.first_name,
            last_name: body.last_name,
            preferred_name: body.preferred_name,
        },
        password: body.password.filter(|p| !p.is_empty()),
        organization_id: body.organization_id,
    };
    let account = state.domain.create_user(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

/// `GET /v1/users`: filters `q`, `organization_id`, `status`; cursor paging.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<AccountPage>> {
    let limit = paging::limit(query.limit)?;
    let filter = AccountFilter {
        q: query.q.as_deref(),
        organization_id: query.organization_id.as_deref(),
        status: query.status.as_deref(),
    };
    Ok(Json(state.domain.list_users(&caller.actor, &filter, query.cursor.as_deref(), limit).await?))
}

/// `GET /v1/users/{user_id}`
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
) -> ApiResult<Json<Account>> {
    Ok(Json(state.domain.user(&caller.actor, &user_id).await?))
}

/// `PATCH /v1/users/{user_id}`: names, and `status` (`active` or `disabled`).
pub async fn patch(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Account>> {
    let changes = AccountChanges {
        first_name: body.first_name,
        last_name: body.last_name,
        preferred_name: body.preferred_name,
        status: body.status,
    };
    Ok(Json(state.domain.update_user(&caller.actor, &user_id, changes).await?))
}

/// `DELETE /v1/users/{user_id}`
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_user(&caller.actor, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
