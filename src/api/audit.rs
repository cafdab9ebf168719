//! `/v1/orgs/{org}/iam/audit`: an organization's audit log, newest first, filtered and paged
//! with a cursor; and `…/history` under each object's path: that object's own events.

use axum::{
    Json, Router,
    extract::{Path, State},
    routing::{self, MethodRouter},
};
use serde::Deserialize;

use super::{caller::SignedIn, error::ApiResult, json::ApiQuery, paging};
use crate::{
    domain::audit::{AuditFilter, AuditPage, HistoryOf},
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/audit", routing::get(list))
        .route("/orgs/{org}/history", history(|_| HistoryOf::Organization))
        .route("/orgs/{org}/sso/history", history(|_| HistoryOf::Sso))
        .route("/orgs/{org}/iam/policies/{id}/history", history(|id| HistoryOf::Policy(id)))
        .route("/orgs/{org}/iam/roles/{id}/history", history(|id| HistoryOf::Role(id)))
        .route("/orgs/{org}/iam/members/{id}/history", history(|id| HistoryOf::Member(id)))
        .route("/orgs/{org}/iam/groups/{id}/history", history(|id| HistoryOf::Group(id)))
        .route("/orgs/{org}/iam/tokens/{id}/history", history(|id| HistoryOf::Token(id)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    #[serde(default)]
    include_descendants: bool,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET /v1/orgs/{org}/iam/audit`: `{events, next_cursor}`.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    let filter = AuditFilter {
        actor: query.actor,
        action: query.action,
        target_type: query.target_type,
        target_id: query.target_id,
        from: query.from,
        until: query.to,
        text: query.q,
        include_descendants: query.include_descendants,
        cursor: query.cursor,
        limit: paging::limit(query.limit, 50, 200)?,
    };
    Ok(Json(state.domain.audit_log(&caller.actor, &org, &filter).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET …/history`: `{events, next_cursor}`, the object's own events. The path's parameters are
/// the organization and, for an object inside it, the object's id (`of` names what it is).
fn history(of: fn(&str) -> HistoryOf<'_>) -> MethodRouter<AppState> {
    routing::get(
        move |State(state): State<AppState>,
              caller: SignedIn,
              Path(params): Path<Vec<(String, String)>>,
              ApiQuery(query): ApiQuery<HistoryQuery>| async move {
            let value = |at: usize| params.get(at).map(|(_, value)| value.as_str()).unwrap_or_default();
            let limit = paging::limit(query.limit, 50, 200)?;
            let page = state.domain.history(&caller.actor, value(0), of(value(1)), query.cursor, limit).await?;
            ApiResult::Ok(Json(page))
        },
    )
}
