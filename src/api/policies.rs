//! `/v1/orgs/{org}/iam/policies`: list, create, read, change (PUT and PATCH alike: the
//! fields given) and delete an organization's policies, and preview a change's impact.
//!
//! A policy's content arrives as `statements` (or `definitions`; statement objects or CASL
//! rules) or as `permissions` strings; each is a form API clients already send.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::{Deserialize, de::IgnoredAny};
use serde_json::Value;

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
        policies::Policy,
        policies::{NewPolicy, PolicyChanges, PolicyContent, PolicyImpact, PolicyPage, PolicyQuery},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/policies", routing::get(list).post(create))
        .route("/orgs/{org}/iam/policies/{policy_id}", routing::get(get).put(update).patch(update).delete(delete))
        .route("/orgs/{org}/iam/policies/{policy_id}/impact", routing::post(impact))
}

/// Every field a policy body may carry; which ones are required depends on the method. What a
/// GET answers besides is accepted too, so that a policy read can be sent back as it is.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    name: Option<String>,
    description: Option<String>,
    statements: Option<Vec<Value>>,
    definitions: Option<Vec<Value>>,
    permissions: Option<Vec<Value>>,
    version: Option<i64>,
    /// On a change: the id of the audit event whose version of the policy this restores.
    restored_from: Option<String>,
    // What a GET answers besides the fields above (ids, counts, times), so that a policy read
    // goes back with PUT as it is: accepted, never changed through here.
    #[serde(default, rename = "policy_id")]
    _policy_id: Option<IgnoredAny>,
    #[serde(default, rename = "org_id")]
    _org_id: Option<IgnoredAny>,
    #[serde(default, rename = "resolved_permissions")]
    _resolved_permissions: Option<IgnoredAny>,
    #[serde(default, rename = "type")]
    _kind: Option<IgnoredAny>,
    #[serde(default, rename = "managed")]
    _managed: Option<IgnoredAny>,
    #[serde(default, rename = "roles_dependency_count")]
    _roles_dependency_count: Option<IgnoredAny>,
    #[serde(default, rename = "users_dependency_count")]
    _users_dependency_count: Option<IgnoredAny>,
    #[serde(default, rename = "created_at")]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updated_at")]
    _updated_at: Option<IgnoredAny>,
    #[serde(default, rename = "created_by")]
    _created_by: Option<IgnoredAny>,
}

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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    limit: Option<i64>,
    #[serde(alias = "pageToken")]
    cursor: Option<String>,
    #[serde(default)]
    reverse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteQuery {
    #[serde(default)]
    detach: bool,
}

/// `GET /v1/orgs/{org}/iam/policies`
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

/// `POST /v1/orgs/{org}/iam/policies`
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

/// `GET /v1/orgs/{org}/iam/policies/{policy_id}`, with its version as the `ETag`.
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<Versioned<Policy>> {
    let policy = state.domain.policy(&caller.actor, &org, &policy_id).await?;
    Ok(Versioned(policy.version, policy))
}

/// `PUT` and `PATCH /v1/orgs/{org}/iam/policies/{policy_id}`: the fields given; the others keep
/// their value. The version (`If-Match` or the body's) is checked when given.
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
    ApiJson(mut body): ApiJson<PolicyBody>,
) -> ApiResult<Versioned<Policy>> {
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

/// `DELETE /v1/orgs/{org}/iam/policies/{policy_id}[?detach=true]`
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    Path((org, policy_id)): Path<(String, String)>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    state.domain.delete_policy(&caller.actor, &org, &policy_id, query.detach).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /v1/orgs/{org}/iam/policies/{policy_id}/impact`: who would gain or lose what if the
/// policy said this content (nothing is saved).
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
