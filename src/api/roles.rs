//! `/v1/orgs/{org}/iam/roles`: an organization's roles, each a set of its policies.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery, parse},
    openapi::OrgPath,
    paging,
    read_only::{ReadOnly, take_read_only},
    versions::{IfMatch, IfMatchHeader, Versioned},
};
use crate::{
    domain::{
        DomainError,
        roles::{Role, RoleChanges, RoleFields, RolePage},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get, update, delete))
}

/// Every field a role body may carry; a create requires `name`. Any other field is refused
/// (a role's `policies`, as other APIs send them, would otherwise vanish unseen).
#[derive(Debug, Default, Deserialize, ToSchema)]
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

/// What a role as GET shows it holds besides [`RoleBody`] ([`take_read_only`]).
const ROLE_READ_ONLY: ReadOnly = ReadOnly {
    fixed: &["role_id", "org_id", "managed"],
    kept_by_server: &["member_count", "created_at", "updated_at", "created_by"],
    derived: (&["policies"], &["policy_ids"]),
};

fn missing(field: &str) -> DomainError {
    DomainError::invalid(field, "missing", "Field required")
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only roles whose name contains this.
    q: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Delete the role even if members hold it, taking it from them.
    #[serde(default)]
    pub(super) unassign: bool,
}

const ROLE_ID: &str = "The role's id";

/// List an organization's roles, by name.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/roles", tag = "roles", params(OrgPath, ListQuery),
    responses((status = 200, description = "A page of roles", body = RolePage)))]
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

/// Create a role of the organization's policies. `name` is required; nobody can make a role
/// that holds more than they do.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/roles", tag = "roles", params(OrgPath), request_body = RoleBody,
    responses((status = 201, description = "The role", body = Role)))]
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
        own_rules: None,
    };
    let role = state.domain.create_role(&caller.actor, &org, fields).await?;
    Ok((StatusCode::CREATED, Json(role)).into_response())
}

/// A role, with its version as the `ETag`.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/roles/{role_id}", tag = "roles",
    params(OrgPath, ("role_id" = String, Path, description = ROLE_ID)),
    responses((status = 200, description = "The role", body = Role, headers(("ETag" = String)))))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, role_id)): Path<(String, String)>,
) -> ApiResult<Versioned<Role>> {
    let role = state.domain.role(&caller.actor, &org, &role_id).await?;
    Ok(Versioned(role.version, role))
}

/// Change a role: the fields given; the others keep their value. The version (`If-Match` or
/// the body's) is checked when given.
///
/// The role as GET answers it may be sent back: `role_id`, `org_id`, `managed` and `policies`
/// (unless `policy_ids` is given, which `policies` follows) must be as they are (422
/// `read_only` otherwise); `member_count`, `created_at`, `updated_at` and `created_by` are
/// ignored.
#[utoipa::path(method(put, patch), path = "/v1/orgs/{org}/iam/roles/{role_id}", tag = "roles",
    params(OrgPath, ("role_id" = String, Path, description = ROLE_ID), IfMatchHeader),
    request_body = RoleBody,
    responses((status = 200, description = "The role as changed", body = Role, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, role_id)): Path<(String, String)>,
    ApiJson(mut body): ApiJson<Map<String, Value>>,
) -> ApiResult<Versioned<Role>> {
    if ROLE_READ_ONLY.mentioned_in(&body) {
        let current = state.domain.role(&caller.actor, &org, &role_id).await?;
        take_read_only(&mut body, &current, &ROLE_READ_ONLY, "")?;
    }
    let body: RoleBody = parse(Value::Object(body).to_string().as_bytes())?;
    let changes = RoleChanges {
        name: body.name,
        description: body.description,
        policy_ids: body.policy_ids,
        is_default: body.is_default,
        sso_group_names: body.sso_group_names,
        own_rules: None,
        version: if_match.expected(body.version)?,
        restored_from: body.restored_from,
    };
    let role = state.domain.update_role(&caller.actor, &org, &role_id, changes).await?;
    Ok(Versioned(role.version, role))
}

/// Delete a role; with `unassign=true` even while members hold it.
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/roles/{role_id}", tag = "roles",
    params(OrgPath, ("role_id" = String, Path, description = ROLE_ID), DeleteQuery),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, role_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    state.domain.delete_role(&caller.actor, &org, &role_id, query.unassign).await?;
    Ok(StatusCode::NO_CONTENT)
}
