//! `/v1/orgs/{org}/iam/audit`: an organization's audit log, newest first, filtered and paged
//! with a cursor; `…/audit/export`, the same events as a CSV or JSON Lines download, streamed;
//! and `…/history` under each object's path: that object's own events.

use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::{self, MethodRouter},
};
use futures_util::StreamExt;
use serde::Deserialize;

use super::{caller::SignedIn, error::ApiResult, json::ApiQuery, paging};
use crate::{
    domain::{
        DomainError, FieldError,
        audit::{AuditFilter, AuditPage, ExportFormat, HistoryOf},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/audit", routing::get(list))
        .route("/orgs/{org}/iam/audit/export", routing::get(export))
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
    /// `csv` or `jsonl`: on `/export` only.
    format: Option<String>,
}

impl AuditQuery {
    fn filter(self, limit: usize) -> AuditFilter {
        AuditFilter {
            actor: self.actor,
            action: self.action,
            target_type: self.target_type,
            target_id: self.target_id,
            from: self.from,
            until: self.to,
            text: self.q,
            include_descendants: self.include_descendants,
            cursor: self.cursor,
            limit,
        }
    }
}

/// `GET /v1/orgs/{org}/iam/audit`: `{events, next_cursor}`.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    if query.format.is_some() {
        return Err(invalid_query("format", "format applies to …/iam/audit/export only").into());
    }
    let limit = paging::limit(query.limit)?;
    let filter = query.filter(limit);
    Ok(Json(state.domain.audit_log(&caller.actor, &org, &filter).await?))
}

/// `GET /v1/orgs/{org}/iam/audit/export?format=csv|jsonl`: every event the filters select,
/// newest first, written as it is read (`limit` and `cursor` do not apply).
pub async fn export(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Response> {
    let format = query
        .format
        .as_deref()
        .and_then(ExportFormat::parse)
        .ok_or_else(|| invalid_query("format", "format must be csv or jsonl"))?;
    let paging = [("limit", query.limit.is_some()), ("cursor", query.cursor.is_some())];
    if let Some((field, _)) = paging.into_iter().find(|(_, given)| *given) {
        return Err(
            invalid_query(field, "An export holds every event the filters select: leave out limit and cursor").into()
        );
    }
    let export = state.domain.audit_export(&caller.actor, &org, &query.filter(0), format).await?;
    // Fused: the compression layer polls once more after the end.
    let chunks = futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(text)) => Some((Ok(Bytes::from(text)), Some(export))),
            Ok(None) => None,
            // The download ends short: the client sees a broken transfer, never a silently
            // shorter file.
            Err(error) => {
                tracing::error!(%error, "the audit export stopped");
                Some((Err(std::io::Error::other(error.to_string())), None))
            }
        }
    })
    .fuse();
    let name: String = org.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    let disposition = format!("attachment; filename=\"audit-{name}.{}\"", format.extension());
    let headers =
        [(header::CONTENT_TYPE, format.content_type().to_owned()), (header::CONTENT_DISPOSITION, disposition)];
    Ok((headers, Body::from_stream(chunks)).into_response())
}

fn invalid_query(field: &str, message: &str) -> DomainError {
    DomainError::Invalid(vec![FieldError::query(field, "value_error", message)])
}

/// `GET …/history`: `{events, next_cursor}`, the object's own events. The path's parameters are
/// the organization and, for an object inside it, the object's id (`of` names what it is).
fn history(of: fn(&str) -> HistoryOf<'_>) -> MethodRouter<AppState> {
    routing::get(
        move |State(state): State<AppState>,
              caller: SignedIn,
              Path(params): Path<Vec<(String, String)>>,
              ApiQuery(query): ApiQuery<paging::PageQuery>| async move {
            let value = |at: usize| params.get(at).map(|(_, value)| value.as_str()).unwrap_or_default();
            let limit = paging::limit(query.limit)?;
            let page = state.domain.history(&caller.actor, value(0), of(value(1)), query.cursor, limit).await?;
            ApiResult::Ok(Json(page))
        },
    )
}
