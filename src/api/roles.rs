//! `/v1/orgs/{org}/iam/roles`: an organization's roles, each a set of its policies.

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
    versions::{IfMatch, Versioned},
};
use crate::{
    domain::{
        DomainError,
        roles::{Role, RoleChanges, RoleFields, RolePage},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/roles", routing::get(list).post(create))
        .route("/orgs/{org}/iam/roles/{role_id}", routing::get(get).put(update).patch(update).delete(delete))
}

/// Every field a role body may carry; a create requires `name`. Any other field is refused
/// (a role's `policies`, as other APIs send them, would otherwise vanish unseen).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    name: Option<String>,
    description: Option<String>,
    policy_ids: Option<Vec<String>>,
    is_default: Option<bool>,
    sso_group_names: Option<Vec<String>>,
    version: Option<i64>,
    /// The id of the audit event whose version of the role this change restores.
    restored_from: Option<String>,
}

fn missing(field: &str) -> DomainError {
    DomainError::invalid(field, "missing", "Field required")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    #[serde(default)]
    unassign: bool,
}

/// `GET /v1/orgs/{org}/iam/roles`
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<RolePage>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.list_roles(&caller.actor, &org, query.q.as_deref(), query.cursor.as_deref(), limit).await?;
    Ok(Json(page))
}

/// `POST /v1/orgs/{org}/iam/roles`
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Response> {
    let fields = RoleFields {
        name: body.name.ok_or_else(|| missing("name"))?,
        description: body.description.unwrap_or_default(),
        policy_ids: body.policy_ids.unwrap_or_default(),
        is_default: body.is_default.unwrap_or(false),
        sso_group_names: body.sso_group_names.unwrap_or_default(),
    };
    let role = state.domain.create_role(&caller.actor, &org, fields).await?;
    Ok((StatusCode::CREATED, Json(role)).into_response())
}

/// `GET /v1/orgs/{org}/iam/roles/{role_id}`, with its version as the `ETag`.
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, role_id)): Path<(String, String)>,
) -> ApiResult<Versioned<Role>> {
    let role = state.domain.role(&caller.actor, &org, &role_id).await?;
    Ok(Versioned(role.version, role))
}

/// `PUT` and `PATCH /v1/orgs/{org}/iam/roles/{role_id}`: the fields given; the others keep
/// their value. The version (`If-Match` or the body's) is checked when given.
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, role_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<RoleBody>,
) -> ApiResult<Versioned<Role>> {
    let changes = RoleChanges {
        name: body.name,
        description: body.description,
        policy_ids: body.policy_ids,
        is_default: body.is_default,
        sso_group_names: body.sso_group_names,
        version: if_match.expected(body.version)?,
        restored_from: body.restored_from,
    };
    let role = state.domain.update_role(&caller.actor, &org, &role_id, changes).await?;
    Ok(Versioned(role.version, role))
}

/// `DELETE /v1/orgs/{org}/iam/roles/{role_id}[?unassign=true]`
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, role_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    state.domain.delete_role(&caller.actor, &org, &role_id, query.unassign).await?;
    Ok(StatusCode::NO_CONTENT)
}
