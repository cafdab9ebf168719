//! `/v1/orgs/{org}/iam/policies`: list, create, read, change (PUT and PATCH alike: the
//! fields given) and delete an organization's policies, and preview a change's impact.
//!
//! A policy's content arrives as `statements` (or `definitions`; statement objects or CASL
//! rules) or as `permissions` strings; each is a form API clients already send.

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
        policies::Policy,
        policies::{NewPolicy, PolicyChanges, PolicyContent, PolicyImpact, PolicyPage, PolicyQuery},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get, update, delete)).routes(routes!(impact))
}

/// Every field a policy body may carry; which ones are required depends on the method.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    name: Option<String>,
    description: Option<String>,
    /// Allow and deny statements: `{effect, actions, resources}` objects or CASL rules
    /// (`{action, subject, inverted}`), mixed freely. Send `statements` or `definitions`, not both.
    #[schema(value_type = Option<Vec<Object>>)]
    statements: Option<Vec<Value>>,
    /// The same as `statements`, by another name.
    #[schema(value_type = Option<Vec<Object>>)]
    definitions: Option<Vec<Value>>,
    /// Permission strings (`type:action`, `type:id:action`), each one an allow. With statements
    /// too, the two must agree.
    #[schema(value_type = Option<Vec<String>>)]
    permissions: Option<Vec<Value>>,
    /// The version last read; a stale one is 409.
    version: Option<i64>,
    /// On a change: the id of the audit event whose version of the policy this restores.
    restored_from: Option<String>,
}

/// What a policy as GET shows it holds besides [`PolicyBody`] ([`take_read_only`]).
const POLICY_READ_ONLY: ReadOnly = ReadOnly {
    fixed: &["policy_id", "org_id", "type", "managed", "owner_role_id"],
    kept_by_server: &["roles_dependency_count", "users_dependency_count", "created_at", "updated_at", "created_by"],
    derived: (&["resolved_permissions"], &["statements", "definitions", "permissions"]),
};

fn missing(field: &str) -> DomainError {
    DomainError::invalid(field, "missing", "Field required")
}

impl PolicyBody {
    fn content(&mut self) -> Result<Option<PolicyContent>, DomainError> {
        let statements = match (self.statements.take(), self.definitions.take()) {
            (Some(_), Some(_)) => {
                return Err(DomainError::invalid(
                    "definitions",
                    "value_error.conflict",
                    "Send statements or definitions, not both",
                ));
            }
            (Some(values), None) => Some(("statements".to_owned(), values)),
            (None, Some(values)) => Some(("definitions".to_owned(), values)),
            (None, None) => None,
        };
        let permissions = self.permissions.take();
        Ok((statements.is_some() || permissions.is_some()).then_some(PolicyContent { statements, permissions }))
    }

    /// The whole content, which a create needs.
    fn required_content(&mut self) -> Result<PolicyContent, DomainError> {
        Ok(self.content()?.unwrap_or_default())
    }
}

/// `cursor`, or its other spelling `pageToken`; and `reverse`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only policies whose name or description contains this.
    q: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor` (also accepted as `pageToken`).
    #[serde(alias = "pageToken")]
    cursor: Option<String>,
    /// Page from the end of the name order, backwards.
    #[serde(default)]
    reverse: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Delete the policy even while roles use it, taking it out of them.
    #[serde(default)]
    detach: bool,
}

const POLICY_ID: &str = "The policy's id";

/// List an organization's policies, by name.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/policies", tag = "policies", params(OrgPath, ListQuery),
    responses((status = 200, description = "A page of policies", body = PolicyPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<PolicyPage>> {
    let limit = paging::limit(query.limit)?;
    let policy_query =
        PolicyQuery { q: query.q.as_deref(), cursor: query.cursor.as_deref(), reverse: query.reverse, limit };
    let page = state.domain.list_policies(&caller.actor, &org, &policy_query).await?;
    Ok(Json(page))
}

/// Create a custom policy.
///
/// `name` is required; the content comes as `statements` (or `definitions`), `permissions`, or
/// both. `restored_from` is refused here.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/policies", tag = "policies", params(OrgPath), request_body = PolicyBody,
    responses((status = 201, description = "The policy", body = Policy)))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(mut body): ApiJson<PolicyBody>,
) -> ApiResult<Response> {
    let content = body.required_content()?;
    if body.restored_from.is_some() {
        return Err(DomainError::invalid(
            "restored_from",
            "not_allowed",
            "Only a change of a policy restores a version",
        )
        .into());
    }
    let name = body.name.take().ok_or_else(|| missing("name"))?;
    let new = NewPolicy { name, description: body.description, content };
    let policy = state.domain.create_policy(&caller.actor, &org, new).await?;
    Ok((StatusCode::CREATED, Json(policy)).into_response())
}

/// A policy, with its version as the `ETag`.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/policies/{policy_id}", tag = "policies",
    params(OrgPath, ("policy_id" = String, Path, description = POLICY_ID)),
    responses((status = 200, description = "The policy", body = Policy, headers(("ETag" = String)))))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<Versioned<Policy>> {
    let policy = state.domain.policy(&caller.actor, &org, &policy_id).await?;
    Ok(Versioned(policy.version, policy))
}

/// Change a policy.
///
/// The fields given change; the others keep their value. The version (`If-Match` or the body's)
/// is checked when given. The policy as GET answers it may be sent back: `policy_id`, `org_id`,
/// `type`, `managed`, `owner_role_id` and `resolved_permissions` (unless the content is given,
/// which they follow) must be as they are (422 `read_only` otherwise); the counts and times are
/// ignored.
#[utoipa::path(method(put, patch), path = "/v1/orgs/{org}/iam/policies/{policy_id}", tag = "policies",
    params(OrgPath, ("policy_id" = String, Path, description = POLICY_ID),
        IfMatchHeader),
    request_body = PolicyBody,
    responses((status = 200, description = "The policy as changed", body = Policy, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
    ApiJson(mut sent): ApiJson<Map<String, Value>>,
) -> ApiResult<Versioned<Policy>> {
    if POLICY_READ_ONLY.mentioned_in(&sent) {
        let current = state.domain.policy(&caller.actor, &org, &policy_id).await?;
        take_read_only(&mut sent, &current, &POLICY_READ_ONLY, "")?;
    }
    let mut body: PolicyBody = parse(Value::Object(sent).to_string().as_bytes())?;
    let content = body.content()?;
    let changes = PolicyChanges {
        name: body.name.take(),
        description: body.description.take(),
        content,
        version: if_match.expected(body.version)?,
        restored_from: body.restored_from.take(),
    };
    let policy = state.domain.update_policy(&caller.actor, &org, &policy_id, changes).await?;
    Ok(Versioned(policy.version, policy))
}

/// Delete a custom policy.
///
/// While roles use it, refused unless `detach=true`, which takes it out of them.
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/policies/{policy_id}", tag = "policies",
    params(OrgPath, ("policy_id" = String, Path, description = POLICY_ID), DeleteQuery),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, policy_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    state.domain.delete_policy(&caller.actor, &org, &policy_id, query.detach).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Preview what a change of a policy's content would do.
///
/// Which roles use the policy, and who would gain or lose what if it said this content. Nothing
/// is saved; only the body's content (`statements`, `definitions`, `permissions`) counts.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/policies/{policy_id}/impact", tag = "policies",
    params(OrgPath, ("policy_id" = String, Path, description = POLICY_ID)),
    request_body = PolicyBody,
    responses((status = 200, description = "What the change would do", body = PolicyImpact)))]
pub async fn impact(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
    ApiJson(mut body): ApiJson<PolicyBody>,
) -> ApiResult<Json<PolicyImpact>> {
    let content = body.required_content()?;
    Ok(Json(state.domain.policy_impact(&caller.actor, &org, Some(&policy_id), &content).await?))
}
