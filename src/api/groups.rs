//! `/v1/orgs/{org}/iam/groups`: an organization's user groups (fields: `name`,
//! `description`, `user_ids`), each holding roles of the organization (`role_ids`).

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery, parse},
    openapi::OrgPath,
    paging::{self, PageQuery},
    read_only::{ReadOnly, take_read_only},
    versions::{IfMatch, IfMatchHeader, Versioned},
};
use crate::{
    domain::groups::{GroupFields, GroupPage, UserGroup},
    web::AppState,
};

/// What a group as GET shows it holds besides [`GroupBody`] ([`take_read_only`]).
const GROUP_READ_ONLY: ReadOnly = ReadOnly {
    fixed: &["group_id", "org_id"],
    kept_by_server: &["created_at", "updated_at", "created_by"],
    derived: (&[], &[]),
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get, update, delete))
}

/// A group body; on PUT and PATCH every field is optional, and `version`, when given, must be
/// current.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    /// The group's name, unique in the organization.
    name: Option<String>,
    description: Option<String>,
    /// The members of the group, by user id (at most 1000); they hold the group's roles.
    user_ids: Option<Vec<String>>,
    /// The organization's roles the group gives its members, by id (at most 100).
    role_ids: Option<Vec<String>>,
    /// The version the change applies to, as last read (a stale one is 409).
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

const GROUP_ID: &str = "The group's id";

/// List an organization's groups, by name.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/groups", tag = "groups",
    params(OrgPath, PageQuery),
    responses((status = 200, description = "A page of groups", body = GroupPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<GroupPage>> {
    let limit = paging::limit(query.limit)?;
    Ok(Json(state.domain.list_user_groups(&caller.actor, &org, query.cursor.as_deref(), limit).await?))
}

/// Create a group: its members, and the organization's roles it gives them.
///
/// `name` is required; only the organization's members can join.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/groups", tag = "groups", params(OrgPath), request_body = GroupBody,
    responses((status = 201, description = "The group", body = UserGroup)))]
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

/// A group, with its version as the `ETag`.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/groups/{group_id}", tag = "groups",
    params(OrgPath, ("group_id" = String, Path, description = GROUP_ID)),
    responses((status = 200, description = "The group", body = UserGroup, headers(("ETag" = String)))))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
) -> ApiResult<Versioned<UserGroup>> {
    let group = state.domain.user_group(&caller.actor, &org, &group_id).await?;
    Ok(Versioned(group.version, group))
}

/// Change a group: the fields given; the others keep their value.
///
/// The version (`If-Match` or the body's) is checked when given. The group as GET answers it
/// may be sent back: `group_id` and `org_id` must be as they are (422 `read_only` otherwise);
/// `created_at`, `updated_at` and `created_by` are ignored.
#[utoipa::path(method(put, patch), path = "/v1/orgs/{org}/iam/groups/{group_id}", tag = "groups",
    params(OrgPath, ("group_id" = String, Path, description = GROUP_ID),
        IfMatchHeader),
    request_body = GroupBody,
    responses((status = 200, description = "The group as changed", body = UserGroup, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
    ApiJson(mut sent): ApiJson<Map<String, Value>>,
) -> ApiResult<Versioned<UserGroup>> {
    if GROUP_READ_ONLY.mentioned_in(&sent) {
        let current = state.domain.user_group(&caller.actor, &org, &group_id).await?;
        take_read_only(&mut sent, &current, &GROUP_READ_ONLY, "")?;
    }
    let body: GroupBody = parse(Value::Object(sent).to_string().as_bytes())?;
    let group = state.domain.update_user_group(&caller.actor, &org, &group_id, body.fields(if_match)?).await?;
    Ok(Versioned(group.version, group))
}

/// Delete a group; its members lose the roles it gave them.
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/groups/{group_id}", tag = "groups",
    params(OrgPath, ("group_id" = String, Path, description = GROUP_ID)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, group_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.delete_user_group(&caller.actor, &org, &group_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
