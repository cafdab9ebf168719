//! Seed 004's organization policies: `/v1/organizations/{organization_id}/iam-policies[/{id}]`
//! (GET, POST, PATCH, DELETE), in its field names and envelope, over the domain calls behind
//! `/v1/orgs/{org}/iam/policies`.
//!
//! - `definitions` are Warden's statements; `any` stands for `*`, both ways.
//! - `conditionsAll` may only be empty (Warden has no conditions yet), and `metadata` too
//!   (Warden keeps none): anything else is a 422 that says so, never dropped.
//! - Lists: `limit` 1-100 (default 10), `pageToken`, `reverse` → `{results, nextPageToken}`.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::{
    api::{
        caller::SignedIn,
        error::{ApiError, ApiResult},
        json::{ApiJson, ApiQuery, NoQuery},
        paging,
    },
    domain::{
        DomainError, FieldError,
        policies::{NewPolicy, Policy, PolicyChanges, PolicyContent, PolicyQuery},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/organizations/{organization_id}/iam-policies", routing::get(list).post(create)).route(
        "/organizations/{organization_id}/iam-policies/{policy_id}",
        routing::get(read).patch(update).delete(delete),
    )
}

/// Seed 004's page sizes, its own rather than `/v1`'s.
const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ListQuery {
    limit: Option<i64>,
    page_token: Option<String>,
    #[serde(default)]
    reverse: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    name: Option<String>,
    description: Option<String>,
    definitions: Option<Vec<Value>>,
    metadata: Option<Value>,
}

/// A policy as seed 004 shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedPolicy {
    id: String,
    name: String,
    description: String,
    roles_dependency_count: i64,
    users_dependency_count: i64,
    created_at: String,
    updated_at: String,
    scope: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    metadata: Value,
    definitions: Vec<Value>,
}

impl From<Policy> for SeedPolicy {
    fn from(policy: Policy) -> Self {
        let definitions = policy
            .statements
            .iter()
            .map(|statement| {
                json!({
                    "effect": statement.effect,
                    "resources": statement.resources.iter().map(|r| seed_word(r)).collect::<Vec<_>>(),
                    "actions": statement.actions.iter().map(|a| seed_word(a)).collect::<Vec<_>>(),
                    "conditionsAll": [],
                })
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
            metadata: json!({ "clouds": [], "apps": [], "groups": [] }),
            definitions,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SeedPage {
    results: Vec<SeedPolicy>,
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

/// `GET …/iam-policies?limit=&pageToken=&reverse=`
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

/// `POST …/iam-policies`: `{name, description?, definitions, metadata?}` → 201.
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

/// `GET …/iam-policies/{policy_id}`
pub async fn read(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<Json<SeedPolicy>> {
    Ok(Json(state.domain.policy(&caller.actor, &org, &policy_id).await?.into()))
}

/// `PATCH …/iam-policies/{policy_id}`: the fields given.
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

/// `DELETE …/iam-policies/{policy_id}`: 204; 409 while a role uses it.
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, policy_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.delete_policy(&caller.actor, &org, &policy_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
