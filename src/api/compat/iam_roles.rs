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
//!
//! Reading only, for now: creating and changing roles with inline rules is not served yet
//! (the methods answer 405).

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderName, HeaderValue},
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    api::{
        caller::SignedIn,
        error::{ApiError, ApiResult},
        json::{ApiQuery, NoQuery},
        paging::MAX_LIMIT,
    },
    domain::{
        policies::casl::{CaslRule, casl_rules},
        roles::{Predefined, Role},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(read))
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
#[utoipa::path(get, path = "/iam/roles", tag = "compat: seed 002", params(ListQuery),
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
#[utoipa::path(get, path = "/iam/roles/{id}", tag = "compat: seed 002",
    params(("id" = String, Path, description = "The role's id")),
    responses((status = 200, description = "The role", body = SeedRole)))]
pub async fn read(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(id): Path<String>,
) -> ApiResult<Json<SeedRole>> {
    Ok(Json(SeedRole::of(state.domain.root_role(&caller.actor, &id).await?)))
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
