//! API tokens: `/v1/tokens` (the caller's own, seed 003 shapes), `/v1/orgs/{org}/iam/tokens`
//! (admins: every member's, and revoking them) and `/v1/orgs/{org}/token-policy`.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
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
        DomainError, TokenRestriction,
        tokens::{Expiry, NewToken, Token, TokenFilter, TokenPage, TokenPolicy, TokenPolicyChanges, TokenStatus},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_mine, create))
        .routes(routes!(get_mine, revoke_mine))
        .routes(routes!(list_members))
        .routes(routes!(revoke_member))
        .routes(routes!(get_policy, put_policy))
}

/// A new token: at most one of `expires_in_days`, `expires_on` and `never_expires`; without
/// any, it lives 30 days (or less, if the caller's organizations say so).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenBody {
    /// 1 to 100 characters.
    name: String,
    /// A lifetime in days.
    expires_in_days: Option<i64>,
    /// The last day it works (`YYYY-MM-DD`, UTC).
    expires_on: Option<String>,
    /// No expiry (only where every organization of the caller allows it).
    #[serde(default)]
    never_expires: bool,
    /// What the token may be used for; without it, anything its creator may do.
    #[serde(default)]
    restriction: Option<TokenRestriction>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreateQuery {
    /// If the caller has a working token of this name, answer it (200, without its secret)
    /// instead of making another.
    #[serde(default)]
    return_active_token_if_exists: bool,
}

/// Without a choice, a token lives 30 days (or less, if the caller's organizations say so).
const DEFAULT_LIFETIME_DAYS: i64 = 30;

impl NewTokenBody {
    fn expiry(&self) -> Result<Expiry, DomainError> {
        match (self.expires_in_days, &self.expires_on, self.never_expires) {
            (Some(days), None, false) => Ok(Expiry::Days(days)),
            (None, Some(date), false) => Ok(Expiry::Date(date.clone())),
            (None, None, true) => Ok(Expiry::Never),
            (None, None, false) => Ok(Expiry::Default(DEFAULT_LIFETIME_DAYS)),
            _ => Err(DomainError::invalid(
                "expires_in_days",
                "value_error.expiry",
                "Give at most one of expires_in_days, expires_on and never_expires",
            )),
        }
    }
}

/// A token as seed 003 shows it to its creator, with what Warden adds.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnToken {
    token_id: String,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
    /// The address it was last used from.
    last_used_addr: Option<String>,
    /// Its own expiry; `null`: none.
    expires_at: Option<String>,
    /// When it stops working: its own expiry, or sooner if its creator's organizations' policy
    /// now allows less.
    effective_expires_at: Option<String>,
    /// The secret's first characters, to tell tokens apart.
    prefix: String,
    restriction: TokenRestriction,
    status: TokenStatus,
    revoked_at: Option<String>,
    /// Revoked by an admin rather than by its creator.
    revoked_by_admin: bool,
    /// The secret, only in the answer that creates the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
}

/// A token as seed 003 shows it, with what Warden adds.
fn shown(token: &Token, secret: Option<&str>) -> OwnToken {
    OwnToken {
        token_id: token.token_id.clone(),
        name: token.name.clone(),
        created_at: token.created_at.clone(),
        last_used_at: token.last_used_at.clone(),
        last_used_addr: token.last_used_addr.clone(),
        expires_at: token.expires_at.clone(),
        effective_expires_at: token.effective_expires_at.clone(),
        prefix: token.prefix.clone(),
        restriction: token.restriction.clone(),
        status: token.status,
        revoked_at: token.revoked_at.clone(),
        revoked_by_admin: token.revoked_by_admin,
        token: secret.map(str::to_owned),
    }
}

/// The caller's tokens, as seed 003 lists them.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnTokens {
    /// Always `API tokens`.
    message: &'static str,
    /// How many tokens the caller made in all.
    total: i64,
    data: Vec<OwnToken>,
    has_more: bool,
    next_cursor: Option<String>,
}

/// The answer to revoking one's own token, as seed 003 gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenRevoked {
    /// Always `Token revoked`.
    message: &'static str,
}

/// Create an API token for the caller.
///
/// Its secret (`token`) is in this answer only. With `return_active_token_if_exists=true`, a
/// working token of that name is answered (200, without its secret) instead of making another.
/// Only from a session, never through an API token.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", params(CreateQuery), request_body = NewTokenBody,
    responses(
        (status = 201, description = "The token, with its secret in `token`, shown this once", body = OwnToken),
        (status = 200, body = OwnToken,
            description = "With `return_active_token_if_exists`: the working token of that name, without its secret"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<CreateQuery>,
    ApiJson(body): ApiJson<NewTokenBody>,
) -> ApiResult<Response> {
    caller.actor.in_person()?;
    if query.return_active_token_if_exists
        && let Some(existing) = state.domain.active_token_named(&caller.actor, &body.name).await?
    {
        return Ok((StatusCode::OK, Json(shown(&existing, None))).into_response());
    }
    let new = NewToken { expiry: body.expiry()?, name: body.name, restriction: body.restriction.unwrap_or_default() };
    let created = state.domain.create_token(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(shown(&created.token, Some(created.secret.reveal())))).into_response())
}

const TOKEN_ID: &str = "The token's id";

/// List the caller's own tokens.
///
/// Newest first (revoked and expired ones too), never with a secret, a page at a time; seed
/// 003's shape `{message, total, data}` with the paging every list has.
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens", params(PageQuery),
    responses((status = 200, description = "A page of the caller's tokens", body = OwnTokens)))]
pub async fn list_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<OwnTokens>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.my_tokens(&caller.actor, query.cursor.as_deref(), limit).await?;
    Ok(Json(OwnTokens {
        message: "API tokens",
        total: page.total,
        data: page.tokens.iter().map(|t| shown(t, None)).collect(),
        has_more: page.next_cursor.is_some(),
        next_cursor: page.next_cursor,
    }))
}

/// One of the caller's own tokens.
///
/// Without its secret; anyone else's is 404.
#[utoipa::path(get, path = "/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = String, Path, description = TOKEN_ID)),
    responses((status = 200, description = "The token", body = OwnToken)))]
pub async fn get_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(token_id): Path<String>,
) -> ApiResult<Json<OwnToken>> {
    Ok(Json(shown(&state.domain.my_token(&caller.actor, &token_id).await?, None)))
}

/// Revoke one of the caller's own tokens.
///
/// Anyone else's is 404. Seed 003's shape: `{message}`.
#[utoipa::path(delete, path = "/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = String, Path, description = TOKEN_ID)),
    responses((status = 200, description = "Revoked", body = TokenRevoked)))]
pub async fn revoke_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(token_id): Path<String>,
) -> ApiResult<Json<TokenRevoked>> {
    state.domain.revoke_my_token(&caller.actor, &token_id).await?;
    Ok(Json(TokenRevoked { message: "Token revoked" }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MembersQuery {
    /// Only the tokens of this creator: a user id or an email.
    creator: Option<String>,
    /// Only tokens with this status: `active`, `exceeds_policy`, `expired` or `revoked`.
    status: Option<String>,
    /// Only tokens not used for at least this many days: 1 to 36500.
    dormant_days: Option<i64>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor`.
    cursor: Option<String>,
}

/// List the tokens of an organization's members.
///
/// Needs `token:read`.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/tokens", tag = "tokens", params(OrgPath, MembersQuery),
    responses((status = 200, description = "A page of tokens", body = TokenPage)))]
pub async fn list_members(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<MembersQuery>,
) -> ApiResult<Json<TokenPage>> {
    let limit = paging::limit(query.limit)?;
    let status = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(TokenStatus::parse(text).ok_or_else(|| {
            query_problem("status", "enum", "status is one of active, exceeds_policy, expired, revoked")
        })?),
    };
    if query.dormant_days.is_some_and(|d| !(1..=36_500).contains(&d)) {
        return Err(
            query_problem("dormant_days", "value_error.number.out_of_range", "dormant_days is 1 to 36500").into()
        );
    }
    let filter = TokenFilter { creator: query.creator, status, dormant_days: query.dormant_days };
    Ok(Json(state.domain.organization_tokens(&caller.actor, &org, &filter, query.cursor.as_deref(), limit).await?))
}

fn query_problem(field: &str, kind: &str, msg: &str) -> DomainError {
    DomainError::Invalid(vec![crate::domain::FieldError {
        loc: vec!["query".into(), field.into()],
        msg: msg.into(),
        kind: kind.into(),
    }])
}

/// Revoke a member's token, as an admin.
///
/// Needs `token:revoke`; its creator sees "revoked by an admin".
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/tokens/{token_id}", tag = "tokens",
    params(OrgPath, ("token_id" = String, Path, description = TOKEN_ID)),
    responses((status = 204, description = "Revoked")))]
pub async fn revoke_member(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, token_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.revoke_member_token(&caller.actor, &org, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An organization's token policy.
///
/// What it allows its members' tokens. Needs `org:read`.
#[utoipa::path(get, path = "/v1/orgs/{org}/token-policy", tag = "tokens", params(OrgPath),
    responses((status = 200, description = "The token policy", body = TokenPolicy)))]
pub async fn get_policy(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<TokenPolicy>> {
    Ok(Json(state.domain.organization_token_policy(&caller.actor, &org).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenPolicyBody {
    /// The longest lifetime a member's token may have, in days.
    max_lifetime_days: Option<i64>,
    /// Whether members' tokens may have no expiry.
    allow_no_expiry: Option<bool>,
}

/// Change an organization's token policy.
///
/// Needs `org:update`. The fields given change; the others keep their value.
#[utoipa::path(put, path = "/v1/orgs/{org}/token-policy", tag = "tokens", params(OrgPath), request_body = TokenPolicyBody,
    responses((status = 200, description = "The token policy as changed", body = TokenPolicy)))]
pub async fn put_policy(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<TokenPolicyBody>,
) -> ApiResult<Json<TokenPolicy>> {
    let changes =
        TokenPolicyChanges { max_lifetime_days: body.max_lifetime_days, allow_no_expiry: body.allow_no_expiry };
    Ok(Json(state.domain.set_organization_token_policy(&caller.actor, &org, changes).await?))
}
