//! API tokens: `/v1/tokens` (the caller's own, seed 003 shapes), `/v1/orgs/{org}/iam/tokens`
//! (admins: every member's, and revoking them) and `/v1/orgs/{org}/token-policy`.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging,
};
use crate::{
    domain::{
        DomainError, TokenRestriction,
        tokens::{Expiry, NewToken, Token, TokenFilter, TokenPage, TokenPolicy, TokenStatus},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tokens", routing::get(list_mine).post(create))
        .route("/tokens/{token_id}", routing::get(get_mine).delete(revoke_mine))
        .route("/orgs/{org}/iam/tokens", routing::get(list_members))
        .route("/orgs/{org}/iam/tokens/{token_id}", routing::delete(revoke_member))
        .route("/orgs/{org}/token-policy", routing::get(get_policy).put(put_policy))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    name: String,
    /// A lifetime in days.
    expires_in_days: Option<i64>,
    /// The last day it works (`YYYY-MM-DD`, UTC).
    expires_on: Option<String>,
    /// No expiry (only where every organization of the caller allows it).
    #[serde(default)]
    never_expires: bool,
    #[serde(default)]
    restriction: Option<TokenRestriction>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateQuery {
    #[serde(default)]
    return_active_token_if_exists: bool,
}

/// Without a choice, a token lives 30 days (or less, if the caller's organizations say so).
const DEFAULT_LIFETIME_DAYS: i64 = 30;

impl CreateBody {
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

/// A token as seed 003 shows it, with what Warden adds.
fn shown(token: &Token, secret: Option<&str>) -> Value {
    let mut value = json!({
        "token_id": token.token_id,
        "name": token.name,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "last_used_addr": token.last_used_addr,
        "expires_at": token.expires_at,
        "effective_expires_at": token.effective_expires_at,
        "prefix": token.prefix,
        "restriction": token.restriction,
        "status": token.status,
        "revoked_at": token.revoked_at,
        "revoked_by_admin": token.revoked_by_admin,
    });
    if let Some(secret) = secret {
        value["token"] = json!(secret);
    }
    value
}

/// `POST /v1/tokens`: 201 with the secret (`token`), shown this once. With
/// `?return_active_token_if_exists=true`, a working token of that name is answered (200,
/// without its secret) instead of making another.
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<CreateQuery>,
    ApiJson(body): ApiJson<CreateBody>,
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

/// `GET /v1/tokens`: `{message, data, total}` (seed 003), newest first, never a secret.
pub async fn list_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Value>> {
    let tokens = state.domain.my_tokens(&caller.actor).await?;
    let data: Vec<Value> = tokens.iter().map(|t| shown(t, None)).collect();
    Ok(Json(json!({ "message": "API tokens", "total": data.len(), "data": data })))
}

/// `GET /v1/tokens/{token_id}`: one of the caller's own (anyone else's is 404).
pub async fn get_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(token_id): Path<String>,
) -> ApiResult<Json<Value>> {
    Ok(Json(shown(&state.domain.my_token(&caller.actor, &token_id).await?, None)))
}

/// `DELETE /v1/tokens/{token_id}`: revokes one of the caller's own (seed 003: `{message}`).
pub async fn revoke_mine(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(token_id): Path<String>,
) -> ApiResult<Json<Value>> {
    state.domain.revoke_my_token(&caller.actor, &token_id).await?;
    Ok(Json(json!({ "message": "Token revoked" })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MembersQuery {
    /// A creator's user id or email.
    creator: Option<String>,
    status: Option<String>,
    /// Only tokens not used for at least this many days.
    dormant_days: Option<i64>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET /v1/orgs/{org}/iam/tokens`: the tokens of the organization's members (`token:read`).
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

/// `DELETE /v1/orgs/{org}/iam/tokens/{token_id}`: an admin revokes a member's token
/// (`token:revoke`); its creator sees "revoked by an admin".
pub async fn revoke_member(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, token_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.revoke_member_token(&caller.actor, &org, &token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /v1/orgs/{org}/token-policy`: `{max_lifetime_days, allow_no_expiry}` (`org:read`).
pub async fn get_policy(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
) -> ApiResult<Json<TokenPolicy>> {
    Ok(Json(state.domain.organization_token_policy(&caller.actor, &org).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    max_lifetime_days: Option<i64>,
    allow_no_expiry: Option<bool>,
}

/// `PUT /v1/orgs/{org}/token-policy` (`org:update`): the fields given; the others keep their
/// value.
pub async fn put_policy(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> ApiResult<Json<TokenPolicy>> {
    let current = state.domain.organization_token_policy(&caller.actor, &org).await?;
    let policy = TokenPolicy {
        max_lifetime_days: body.max_lifetime_days.unwrap_or(current.max_lifetime_days),
        allow_no_expiry: body.allow_no_expiry.unwrap_or(current.allow_no_expiry),
    };
    Ok(Json(state.domain.set_organization_token_policy(&caller.actor, &org, policy).await?))
}
