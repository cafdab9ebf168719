//! Seed 002's roles: `/v1/iam/roles[/{id}]`, the platform's own roles (the root
//! organization's) in seed 002's shape, over the domain calls behind `/v1/orgs/{org}/iam/roles`.
//!
//! - Each role's `policies` are CASL rules, one per action and resource of its statements
//!   (`domain::policies::casl`, the vocabulary policies are read in too).
//! - The predefined roles carry seed 002's slugs (`predefined_super_admin`, ...); a custom
//!   role's slug is its name in lower case with `_` between words, never one that starts like a
//!   predefined role's (a custom role named "Predefined Super Admin" is `custom_predefined_super_admin`).
//!   Two names that differ only in case or punctuation share a slug: `id` is what identifies.
//! - The list is one array, as seed 002 gives it, of at most [`LIST_LIMIT`] roles; when more
//!   remain, the `X-Next-Cursor` header says where the next call (`?cursor=`) starts.
//! - A create or a change gives `policies` inline (CASL rules, or Warden statements): they are
//!   kept as the role's own rules, a policy the role owns and no other role may use, written in
//!   the role's transaction and checked like any policy (schema, catalog, and nobody gives a
//!   role more than they hold). A change with `policies` makes the role exactly those rules
//!   (policies it was composed of besides are taken out of it); without, they stay.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    api::{
        caller::SignedIn,
        error::{ApiError, ApiResult},
        json::{ApiJson, ApiQuery, NoQuery},
        paging::MAX_LIMIT,
        roles::DeleteQuery,
        versions::{IfMatch, IfMatchHeader, Versioned},
    },
    domain::{
        policies::{
            PolicyContent,
            casl::{CaslRule, casl_rules},
        },
        roles::{Predefined, Role, RoleChanges, RoleFields},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(read, update, delete))
}

/// The most roles one list answers.
pub const LIST_LIMIT: usize = 1_000;

const NEXT_CURSOR: HeaderName = HeaderName::from_static("x-next-cursor");

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Where the list starts: a previous answer's `X-Next-Cursor` header.
    cursor: Option<String>,
}

/// A role as seed 002 shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SeedRole {
    id: String,
    /// `predefined_super_admin`, `predefined_admin` or `predefined_member` for the predefined
    /// roles; the name in lower case with `_` between words for the others.
    slug: String,
    name: String,
    policies: Vec<CaslRule>,
    created_at: String,
    updated_at: String,
}

/// A role as seed 002 creates it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSeedRole {
    name: String,
    /// The role's rules: CASL rules (`{action, subject, conditions: {}, inverted}`; `manage` is
    /// every action, `all` every subject; conditions must be empty) or Warden statements
    /// (`{effect, actions, resources}`).
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    policies: Vec<Value>,
}

/// A change to a role as seed 002 gives it: the fields given replace the stored ones.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeedRoleChanges {
    name: Option<String>,
    /// The role's rules, all of them (as in [`NewSeedRole`]).
    #[schema(value_type = Option<Vec<Object>>)]
    policies: Option<Vec<Value>>,
}

/// Inline rules as a policy's content: located under `policies` in errors.
fn own_rules(policies: Vec<Value>) -> PolicyContent {
    PolicyContent { statements: Some(("policies".to_owned(), policies)), permissions: None }
}

impl SeedRole {
    fn of(role: Role) -> Self {
        let predefined = Predefined::ALL.into_iter().find(|p| role.managed && p.name() == role.name);
        let slug = match predefined {
            Some(predefined) => format!("predefined_{}", predefined.slug()),
            None => slug_of(&role.name),
        };
        let policies = role.policies.iter().flat_map(|policy| policy.statements.iter().flat_map(casl_rules)).collect();
        Self {
            id: role.role_id,
            slug,
            name: role.name,
            policies,
            created_at: role.created_at,
            updated_at: role.updated_at,
        }
    }
}

fn slug_of(name: &str) -> String {
    let words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect();
    let slug = words.join("_");
    if slug.is_empty() || slug.starts_with("predefined") { format!("custom_{slug}") } else { slug }
}

/// The platform's roles (the root organization's), as one array.
///
/// Needs `role:read` at the root. At most 1,000 roles; when more remain, the `X-Next-Cursor`
/// header says where to continue (`?cursor=`).
#[utoipa::path(get, path = "/v1/iam/roles", tag = "compat: seed 002", params(ListQuery),
    responses((status = 200, description = "The roles", body = Vec<SeedRole>,
        headers(("X-Next-Cursor" = Option<String>, description = "Where the next list starts, when more roles remain")))))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let mut roles = Vec::new();
    let mut cursor = query.cursor;
    loop {
        let limit = MAX_LIMIT.min(LIST_LIMIT - roles.len());
        let page = state.domain.list_root_roles(&caller.actor, cursor.as_deref(), limit).await?;
        roles.extend(page.roles.into_iter().map(SeedRole::of));
        cursor = page.next_cursor;
        if cursor.is_none() || roles.len() >= LIST_LIMIT {
            break;
        }
    }
    let mut response = Json(roles).into_response();
    if let Some(cursor) = cursor {
        // Cursors are URL-safe text; one that were not could not be sent, and the list would
        // look complete.
        let value = HeaderValue::from_str(&cursor).map_err(|_| ApiError::internal())?;
        response.headers_mut().insert(NEXT_CURSOR, value);
    }
    Ok(response)
}

/// One of the platform's roles (the root organization's). Needs `role:read` at the root.
#[utoipa::path(get, path = "/v1/iam/roles/{id}", tag = "compat: seed 002",
    params(("id" = String, Path, description = "The role's id")),
    responses((status = 200, description = "The role", body = SeedRole)))]
pub async fn read(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(id): Path<String>,
) -> ApiResult<Versioned<SeedRole>> {
    let role = state.domain.root_role(&caller.actor, &id).await?;
    Ok(Versioned(role.version, SeedRole::of(role)))
}

/// Create one of the platform's roles, with its rules.
///
/// Needs `role:create` at the root; nobody gives a role more than they hold there. The rules
/// are kept as the role's own rules (a policy it owns).
#[utoipa::path(post, path = "/v1/iam/roles", tag = "compat: seed 002", request_body = NewSeedRole,
    responses((status = 201, description = "The role as created", body = SeedRole, headers(("ETag" = String)))))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<NewSeedRole>,
) -> ApiResult<Response> {
    let rules = (!body.policies.is_empty()).then(|| own_rules(body.policies));
    let fields = RoleFields { name: body.name, own_rules: rules, ..RoleFields::default() };
    let role = state.domain.create_root_role(&caller.actor, fields).await?;
    Ok((StatusCode::CREATED, Versioned(role.version, SeedRole::of(role))).into_response())
}

/// Change one of the platform's roles.
///
/// The fields given replace the stored ones (`policies`: all of its rules); the others keep
/// their value. The `If-Match` version is checked when given. Needs `role:update` at the root;
/// predefined roles cannot be changed (409).
#[utoipa::path(put, path = "/v1/iam/roles/{id}", tag = "compat: seed 002",
    params(("id" = String, Path, description = "The role's id"), IfMatchHeader),
    request_body = SeedRoleChanges,
    responses((status = 200, description = "The role as changed", body = SeedRole, headers(("ETag" = String)))))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    if_match: IfMatch,
    _: ApiQuery<NoQuery>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SeedRoleChanges>,
) -> ApiResult<Versioned<SeedRole>> {
    let rules_given = body.policies.is_some();
    let changes = RoleChanges {
        name: body.name,
        // The rules given are all the role's: whatever else it was made of is taken out.
        policy_ids: rules_given.then(Vec::new),
        own_rules: body.policies.map(own_rules),
        version: if_match.expected(None)?,
        ..RoleChanges::default()
    };
    let role = state.domain.update_root_role(&caller.actor, &id, changes).await?;
    Ok(Versioned(role.version, SeedRole::of(role)))
}

/// Delete one of the platform's roles, and its own rules.
///
/// With `unassign=true` even while members hold it. Needs `role:delete` at the root.
#[utoipa::path(delete, path = "/v1/iam/roles/{id}", tag = "compat: seed 002",
    params(("id" = String, Path, description = "The role's id"), DeleteQuery),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(id): Path<String>,
    ApiQuery(query): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    state.domain.delete_root_role(&caller.actor, &id, query.unassign).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_slugs_are_names_in_lower_case() {
        assert_eq!(slug_of("Compliance Officer"), "compliance_officer");
        assert_eq!(slug_of("  Billing / Read-only "), "billing_read_only");
        assert_eq!(slug_of("Predefined Super Admin"), "custom_predefined_super_admin", "never a predefined one's");
        assert_eq!(slug_of("!!"), "custom_");
    }
}
