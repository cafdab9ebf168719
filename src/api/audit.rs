//! `/v1/orgs/{org}/iam/audit`: an organization's audit log, newest first, filtered and paged
//! with a cursor.

use axum::{
    Json, Router,
    extract::{Path, State},
    routing,
};
use serde::Deserialize;

use super::{caller::SignedIn, error::ApiResult, json::ApiQuery, paging};
use crate::{
    domain::audit::{AuditFilter, AuditPage},
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/orgs/{org}/iam/audit", routing::get(list))
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
