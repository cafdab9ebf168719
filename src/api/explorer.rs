//! The access explorer's questions: can this user do this here, and why (`iam/check`); who
//! can (`iam/who-can`); what can this user do, where (`effective-permissions`).

use axum::{
    Json, Router,
    extract::{Path, State},
    routing,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging::{self, PageQuery},
};
use crate::{domain::explorer::WhoCanPage, web::AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/check", routing::post(check))
        .route("/orgs/{org}/iam/who-can", routing::get(who_can))
        .route("/users/{user_id}/effective-permissions", routing::get(effective_permissions))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    #[serde(default)]
    user_id: Option<String>,
    /// Ask about an API token instead of a user: its restriction and its creator's rights.
    #[serde(default)]
    token_id: Option<String>,
    permission: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhoCanQuery {
    permission: String,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `POST /v1/orgs/{org}/iam/check`: `{allowed, reason}`, with the structured explanation, the
/// chain of organizations from the root and the fix (the explorer's answer).
pub async fn check(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<CheckBody>,
) -> ApiResult<Json<Value>> {
    if let Some(token_id) = body.token_id.as_deref().filter(|t| !t.is_empty()) {
        let answer = state.domain.explain_token_access(&caller.actor, &org, token_id, &body.permission).await?;
        return Ok(Json(json!({
            "allowed": answer.allowed,
            "permission": answer.creator.permission,
            "token_id": answer.token.token_id,
            "user_id": answer.creator.user_id,
            "reason": answer.summary,
            "usable": answer.usable,
            "restriction": answer.restriction,
            "creator": {
                "allowed": answer.creator.allowed,
                "reason": answer.creator.summary,
                "explanation": answer.creator.reason,
                "chain": answer.creator.chain,
                "fix": answer.creator.fix,
            },
        })));
    }
    let answer = state.domain.explain_access(&caller.actor, &org, body.user_id.as_deref(), &body.permission).await?;
    Ok(Json(json!({
        "allowed": answer.allowed,
        "permission": answer.permission,
        "user_id": answer.user_id,
        "reason": answer.summary,
        "explanation": answer.reason,
        "chain": answer.chain,
        "fix": answer.fix,
    })))
}

/// `GET /v1/orgs/{org}/iam/who-can?permission=...`: every user allowed it there, with why.
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

/// `GET /v1/users/{user_id}/effective-permissions`: the organizations where the user holds
/// anything, with what, a page at a time (a page reads at most 2,000 candidates, so it can be
/// short while `next_cursor` goes on).
pub async fn effective_permissions(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(user_id): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<Value>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.effective_permissions(&caller.actor, &user_id, query.cursor.as_deref(), limit).await?;
    Ok(Json(json!({
        "user_id": user_id,
        "organizations": page.organizations,
        "has_more": page.has_more,
        "next_cursor": page.next_cursor,
    })))
}
