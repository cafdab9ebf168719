//! `/v1/orgs/{org}/iam/groups`: an organization's user groups (fields: `name`,
//! `description`, `user_ids`), each holding roles of the organization (`role_ids`).

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
    paging::{self, PageQuery},
    versions::{IfMatch, Versioned},
};
use crate::{
    domain::groups::{GroupFields, GroupPage, UserGroup},
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/groups", routing::get(list).post(create))
        .route("/orgs/{org}/iam/groups/{group_id}", routing::get(get).put(update).patch(update).delete(delete))
}

/// A group body; on PUT and PATCH every field is optional, and `version`, when given, must be
/// current.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    name: Option<String>,
    description: Option<String>,
    user_ids: Option<Vec<String>>,
    role_ids: Option<Vec<String>>,
    version: Option<i64>,
}

impl From<GroupBody> for GroupFields {
    fn from(body: GroupBody) -> Self {
        GroupFields {
            name: body.name,
            description: body.description,
            user_ids: body.user_ids,
            role_ids: body.role_ids,
            version: body.version,
        }
    }
}

impl GroupBody {
    /// The fields, expected at the version `If-Match` or the body names.
    fn fields(self, if_match: IfMatch) -> ApiResult<GroupFields> {
        let version = if_match.expected(self.version)?;
        Ok(GroupFields { version, ..self.into() })
    }
}

/// `GET /v1/orgs/{org}/iam/groups`: a page of groups by name.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<GroupPage>> {
    let limit = paging::limit(query.limit)?;
    Ok(Json(state.domain.list_user_groups(&caller.actor, &org, query.cursor.as_deref(), limit).await?))
}

/// `POST /v1/orgs/{org}/iam/groups`
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<GroupBody>,
) -> ApiResult<Response> {
    let group = state.domain.create_user_group(&caller.actor, &org, body.into()).await?;
    Ok((StatusCode::CREATED, Json(group)).into_response())
}

/// `GET /v1/orgs/{org}/iam/groups/{group_id}`
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
) -> ApiResult<Versioned<UserGroup>> {
    let group = state.domain.user_group(&caller.actor, &org, &group_id).await?;
    Ok(Versioned(group.version, group))
}

/// `PUT` and `PATCH /v1/orgs/{org}/iam/groups/{group_id}`: the fields given; the version
/// (`If-Match` or the body's) is checked when given.
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<GroupBody>,
) -> ApiResult<Versioned<UserGroup>> {
    let group = state.domain.update_user_group(&caller.actor, &org, &group_id, body.fields(if_match)?).await?;
    Ok(Versioned(group.version, group))
}

/// `DELETE /v1/orgs/{org}/iam/groups/{group_id}`
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.delete_user_group(&caller.actor, &org, &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
