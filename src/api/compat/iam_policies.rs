//! Seed 004's organization policies: `/v1/organizations/{organization_id}/iam-policies[/{id}]`
//! (GET, POST, PATCH, DELETE), in its field names and envelope, over the domain calls behind
//! `/v1/orgs/{org}/iam/policies`.
//!
//! - `definitions` are Warden's statements; `any` stands for `*`, both ways.
//! - `conditionsAll` may only be empty (Warden has no conditions yet), and `metadata` too
//!   (Warden keeps none): anything else is a 422 that says so, never dropped.
//! - Lists: `limit` 1-100 (default 10), `pageToken`, `reverse` → `{results, nextPageToken}`.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    api::{
        caller::SignedIn,
        error::{ApiError, ApiResult},
        json::{ApiJson, ApiQuery, NoQuery},
        paging,
    },
    domain::{
        DomainError, FieldError,
        authz::statements::Effect,
        policies::{NewPolicy, Policy, PolicyChanges, PolicyContent, PolicyQuery},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, update, delete))
}

/// Seed 004's page sizes, its own rather than `/v1`'s.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The page's size: 1 to 100, 10 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `nextPageToken`.
    page_token: Option<String>,
    /// By name from the end (Z to A) rather than from the start.
    #[serde(default)]
    reverse: bool,
}

/// A policy as seed 004 writes it; a create requires `name` and `definitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = SeedPolicyBody)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    name: Option<String>,
    description: Option<String>,
    /// The policy's statements, each `{effect, resources, actions, conditionsAll}`: `effect` is
    /// `allow` or `deny`, `any` stands for every resource or action, and `conditionsAll` may
    /// only be empty (or left out).
    #[schema(value_type = Option<Vec<Object>>)]
    definitions: Option<Vec<Value>>,
    /// Only empty (or left out): Warden keeps no metadata for a policy.
    #[schema(value_type = Option<Object>)]
    metadata: Option<Value>,
}

/// A policy as seed 004 shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedPolicy {
    id: String,
    name: String,
    description: String,
    /// How many roles hold the policy.
    roles_dependency_count: i64,
    /// How many people hold it, through their roles.
    users_dependency_count: i64,
    created_at: String,
    updated_at: String,
    /// Always `organization`.
    scope: &'static str,
    /// `managed` (predefined, read-only) or `custom`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// Always empty: Warden keeps none.
    metadata: SeedMetadata,
    definitions: Vec<SeedDefinition>,
}

/// A statement as seed 004 shows it; `any` stands for `*`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedDefinition {
    effect: Effect,
    resources: Vec<String>,
    actions: Vec<String>,
    /// Always empty: Warden has no conditions yet.
    #[schema(value_type = Vec<Object>)]
    conditions_all: Vec<Value>,
}

/// A policy's metadata as seed 004 shows it: always empty lists.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeedMetadata {
    #[schema(value_type = Vec<Object>)]
    clouds: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    apps: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    groups: Vec<Value>,
}

impl From<Policy> for SeedPolicy {
    fn from(policy: Policy) -> Self {
        let definitions = policy
            .statements
            .iter()
            .map(|statement| SeedDefinition {
                effect: statement.effect,
                resources: statement.resources.iter().map(|r| seed_word(r).to_owned()).collect(),
                actions: statement.actions.iter().map(|a| seed_word(a).to_owned()).collect(),
                conditions_all: Vec::new(),
            })
            .collect();
        Self {
            id: policy.policy_id,
            name: policy.name,
            description: policy.description,
            roles_dependency_count: policy.roles_dependency_count,
            users_dependency_count: policy.users_dependency_count,
            created_at: policy.created_at,
            updated_at: policy.updated_at,
            scope: "organization",
            kind: policy.kind,
            metadata: SeedMetadata { clouds: Vec::new(), apps: Vec::new(), groups: Vec::new() },
            definitions,
        }
    }
}

/// A page of policies as seed 004 shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedPage {
    results: Vec<SeedPolicy>,
    /// The next page's `pageToken`; none after the last page.
    next_page_token: Option<String>,
}

fn seed_word(word: &str) -> &str {
    if word == "*" { "any" } else { word }
}

fn warden_word(word: &Value) -> Value {
    if word == "any" { json!("*") } else { word.clone() }
}

impl PolicyBody {
    /// The content in Warden's terms; refuses what Warden cannot keep (conditions, metadata).
    fn content(&mut self) -> ApiResult<Option<PolicyContent>> {
        let mut problems = Vec::new();
        if self.metadata.take().is_some_and(|metadata| !is_empty(&metadata)) {
            let msg = "metadata is not supported: Warden keeps none for a policy. Leave it out (or empty).";
            problems.push(FieldError::new("metadata", "not_supported", msg));
        }
        let definitions = self.definitions.take().map(|items| {
            items
                .into_iter()
                .enumerate()
                .map(|(index, mut item)| {
                    if let Some(fields) = item.as_object_mut() {
                        if fields.remove("conditionsAll").is_some_and(|conditions| !is_empty(&conditions)) {
                            let loc = ["body", "definitions", &index.to_string(), "conditionsAll"];
                            problems.push(FieldError {
                                loc: loc.map(str::to_owned).to_vec(),
                                msg: "Conditions are not supported yet: send an empty conditionsAll, or none.".into(),
                                kind: "not_supported".into(),
                            });
                        }
                        for key in ["actions", "resources"] {
                            if let Some(Value::Array(words)) = fields.get_mut(key) {
                                *words = words.iter().map(warden_word).collect();
                            }
                        }
                    }
                    item
                })
                .collect::<Vec<_>>()
        });
        if !problems.is_empty() {
            return Err(DomainError::Invalid(problems).into());
        }
        Ok(definitions
            .map(|items| PolicyContent { statements: Some(("definitions".to_owned(), items)), permissions: None }))
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.values().all(is_empty),
        _ => false,
    }
}

fn missing(field: &str) -> ApiError {
    DomainError::invalid(field, "missing", "Field required").into()
}

const ORGANIZATION_ID: &str = "The organization's id, or its code";
const POLICY_ID: &str = "The policy's id";

/// List an organization's policies by name, in seed 004's shape.
#[utoipa::path(get, path = "/v1/organizations/{organization_id}/iam-policies", tag = "compat: seed 004",
    params(("organization_id" = String, Path, description = ORGANIZATION_ID), ListQuery),
    responses((status = 200, description = "A page of policies", body = SeedPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<SeedPage>> {
    let limit = paging::limit_within(query.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
    let policy_query = PolicyQuery { q: None, cursor: query.page_token.as_deref(), reverse: query.reverse, limit };
    let page = state.domain.list_policies(&caller.actor, &org, &policy_query).await?;
    Ok(Json(SeedPage {
        results: page.policies.into_iter().map(SeedPolicy::from).collect(),
        next_page_token: page.next_cursor,
    }))
}

/// Create a policy from seed 004's shape: `name` and `definitions` are required.
#[utoipa::path(post, path = "/v1/organizations/{organization_id}/iam-policies", tag = "compat: seed 004",
    params(("organization_id" = String, Path, description = ORGANIZATION_ID)),
    request_body = PolicyBody,
    responses((status = 201, description = "The policy", body = SeedPolicy)))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(mut body): ApiJson<PolicyBody>,
) -> ApiResult<Response> {
    let content = body.content()?.ok_or_else(|| missing("definitions"))?;
    let name = body.name.take().ok_or_else(|| missing("name"))?;
    let new = NewPolicy { name, description: body.description, content };
    let policy = state.domain.create_policy(&caller.actor, &org, new).await?;
    Ok((StatusCode::CREATED, Json(SeedPolicy::from(policy))).into_response())
}

/// A policy, in seed 004's shape.
#[utoipa::path(get, path = "/v1/organizations/{organization_id}/iam-policies/{policy_id}", tag = "compat: seed 004",
    params(("organization_id" = String, Path, description = ORGANIZATION_ID), ("policy_id" = String, Path, description = POLICY_ID)),
    responses((status = 200, description = "The policy", body = SeedPolicy)))]
pub async fn read(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<Json<SeedPolicy>> {
    Ok(Json(state.domain.policy(&caller.actor, &org, &policy_id).await?.into()))
}

/// Change a policy: the fields given; the others keep their value.
#[utoipa::path(patch, path = "/v1/organizations/{organization_id}/iam-policies/{policy_id}", tag = "compat: seed 004",
    params(("organization_id" = String, Path, description = ORGANIZATION_ID), ("policy_id" = String, Path, description = POLICY_ID)),
    request_body = PolicyBody,
    responses((status = 200, description = "The policy as changed", body = SeedPolicy)))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
    ApiJson(mut body): ApiJson<PolicyBody>,
) -> ApiResult<Json<SeedPolicy>> {
    let content = body.content()?;
    let changes = PolicyChanges { name: body.name, description: body.description, content, ..PolicyChanges::default() };
    Ok(Json(state.domain.update_policy(&caller.actor, &org, &policy_id, changes).await?.into()))
}

/// Delete a policy; refused (409) while a role uses it.
#[utoipa::path(delete, path = "/v1/organizations/{organization_id}/iam-policies/{policy_id}", tag = "compat: seed 004",
    params(("organization_id" = String, Path, description = ORGANIZATION_ID), ("policy_id" = String, Path, description = POLICY_ID)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.delete_policy(&caller.actor, &org, &policy_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
