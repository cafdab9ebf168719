//! The access explorer's questions: can this user do this here, and why (`iam/check`); who
//! can (`iam/who-can`); what can this user do, where (`effective-permissions`).

use axum::{
    Json,
    extract::{Path, State},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    openapi::OrgPath,
    paging::{self, PageQuery},
};
use crate::{
    domain::{
        authz::{Reason, RestrictionCheck},
        explorer::{ChainStep, OrganizationPermissions, WhoCanPage},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check)).routes(routes!(who_can)).routes(routes!(effective_permissions))
}

/// Who is asked about, and which permission.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = AccessCheckBody)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// The user asked about, by id or email; left out (or empty), the caller.
    #[serde(default)]
    user_id: Option<String>,
    /// Ask about an API token instead of a user: its restriction and its creator's rights.
    #[serde(default)]
    token_id: Option<String>,
    /// The permission, as `resource_type:action`.
    permission: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WhoCanQuery {
    /// The permission asked about, as `resource_type:action`.
    permission: String,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    cursor: Option<String>,
}

/// The answer of `iam/check`: about an API token when the body named one, else about a user.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum AccessCheck {
    Token(TokenAccessCheck),
    User(UserAccessCheck),
}

/// Can this user do this here, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserAccessCheck {
    allowed: bool,
    permission: String,
    /// The user asked about, by id.
    user_id: String,
    /// The answer in a sentence.
    reason: String,
    /// Why, structured: the decision's reason.
    explanation: Reason,
    /// From the root (first) down to the organization asked about (last), with their access
    /// flags.
    chain: Vec<ChainStep>,
    /// For a denial: the nearest change that would grant it.
    fix: Option<String>,
}

/// Can this API token do this here, and why: its restriction and its creator's rights.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAccessCheck {
    /// The token is usable, its restriction allows it, and so do its creator's rights.
    allowed: bool,
    permission: String,
    token_id: String,
    /// The token's creator.
    user_id: String,
    /// The answer in a sentence.
    reason: String,
    /// Whether the token still works at all (not revoked nor expired).
    usable: bool,
    /// What the token's restriction says about the permission here.
    restriction: RestrictionCheck,
    /// The creator's own decision, explained as for any user.
    creator: CreatorAccessCheck,
}

/// A token creator's own decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatorAccessCheck {
    allowed: bool,
    /// The answer in a sentence.
    reason: String,
    /// Why, structured: the decision's reason.
    explanation: Reason,
    /// From the root (first) down to the organization asked about (last).
    chain: Vec<ChainStep>,
    /// For a denial: the nearest change that would grant it.
    fix: Option<String>,
}

/// A page of the organizations where a user holds anything, with what.
#[derive(Debug, Serialize, ToSchema)]
pub struct EffectivePermissions {
    /// The user asked about, as the path named them.
    user_id: String,
    organizations: Vec<OrganizationPermissions>,
    has_more: bool,
    next_cursor: Option<String>,
}

/// Can this user (or API token) do this here, and why.
///
/// The answer comes with the structured explanation, the chain of organizations from the root
/// and the fix: the explorer's answer. With `token_id`, about the token: its restriction and
/// its creator's rights.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/check", tag = "explorer", params(OrgPath), request_body = CheckBody,
    responses((status = 200, description = "The decision, and why", body = AccessCheck)))]
pub async fn check(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<CheckBody>,
) -> ApiResult<Json<AccessCheck>> {
    if let Some(token_id) = body.token_id.as_deref().filter(|t| !t.is_empty()) {
        let answer =
            Box::pin(state.domain.explain_token_access(&caller.actor, &org, token_id, &body.permission)).await?;
        return Ok(Json(AccessCheck::Token(TokenAccessCheck {
            allowed: answer.allowed,
            permission: answer.creator.permission,
            token_id: answer.token.token_id,
            user_id: answer.creator.user_id,
            reason: answer.summary,
            usable: answer.usable,
            restriction: answer.restriction,
            creator: CreatorAccessCheck {
                allowed: answer.creator.allowed,
                reason: answer.creator.summary,
                explanation: answer.creator.reason,
                chain: answer.creator.chain,
                fix: answer.creator.fix,
            },
        })));
    }
    // Boxed, as the token's answer above: the handler's future is moved whole through the
    // router's layers, and the explorer's own is large.
    let answer =
        Box::pin(state.domain.explain_access(&caller.actor, &org, body.user_id.as_deref(), &body.permission)).await?;
    Ok(Json(AccessCheck::User(UserAccessCheck {
        allowed: answer.allowed,
        permission: answer.permission,
        user_id: answer.user_id,
        reason: answer.summary,
        explanation: answer.reason,
        chain: answer.chain,
        fix: answer.fix,
    })))
}

/// Who can: every user allowed a permission in the organization, with why.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/who-can", tag = "explorer", params(OrgPath, WhoCanQuery),
    responses((status = 200, description = "A page of the users allowed it", body = WhoCanPage)))]
pub async fn who_can(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<WhoCanQuery>,
) -> ApiResult<Json<WhoCanPage>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.who_can(&caller.actor, &org, &query.permission, query.cursor.as_deref(), limit).await?;
    Ok(Json(page))
}

/// What a user can do, where: the organizations where the user holds anything, with what.
///
/// A page at a time, by name. A page reads at most 2,000 candidates, so it can be short while
/// `next_cursor` goes on.
#[utoipa::path(get, path = "/v1/users/{user_id}/effective-permissions", tag = "explorer",
    params(
        ("user_id" = String, Path, description = "The user's id, or their email"),
        PageQuery,
    ),
    responses((status = 200, description = "A page of organizations, with the user's permissions in each", body = EffectivePermissions)))]
pub async fn effective_permissions(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(user_id): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<EffectivePermissions>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.effective_permissions(&caller.actor, &user_id, query.cursor.as_deref(), limit).await?;
    Ok(Json(EffectivePermissions {
        user_id,
        organizations: page.organizations,
        has_more: page.has_more,
        next_cursor: page.next_cursor,
    }))
}
