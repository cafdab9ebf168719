//! `/v1/orgs/{org}/iam/audit`: an organization's audit log, newest first, filtered and paged
//! with a cursor; `…/audit/export`, the same events as a CSV or JSON Lines download, streamed;
//! and `…/history` under each object's path: that object's own events.

use axum::{
    Json,
    body::{Body, Bytes},
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::ApiQuery,
    openapi::OrgPath,
    paging::{self, PageQuery},
};
use crate::{
    domain::{
        DomainError, FieldError,
        audit::{AuditFilter, AuditPage, ExportFormat, HistoryOf},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(export))
        .routes(routes!(organization_history))
        .routes(routes!(sso_history))
        .routes(routes!(policy_history))
        .routes(routes!(role_history))
        .routes(routes!(member_history))
        .routes(routes!(group_history))
        .routes(routes!(token_history))
}

/// The query of the log and of its export. As parameters, only the filters both share are
/// described here; each operation adds its own (`limit` and `cursor`, or `format`), and refuses
/// the other's.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Events of this actor: a user id, or the actor's name or email as recorded.
    actor: Option<String>,
    /// An action (`role.updated`), or a family of them (`role.*`).
    action: Option<String>,
    /// Events whose target is of this type (`role`, `user_group`, …).
    target_type: Option<String>,
    /// Events whose target has this id.
    target_id: Option<String>,
    /// Events from this time on (RFC 3339).
    from: Option<String>,
    /// Events before this time (RFC 3339).
    to: Option<String>,
    /// Text found in the action, the actor's or the target's name or id, or the changed values.
    q: Option<String>,
    /// Also the events of the organizations below whose log the caller may read.
    #[serde(default)]
    include_descendants: bool,
    #[param(ignore)]
    limit: Option<i64>,
    #[param(ignore)]
    cursor: Option<String>,
    /// `csv` or `jsonl`: on `/export` only.
    #[param(ignore)]
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

const LIMIT: &str = "The page's size: 1 to 200, 50 if not given";
const CURSOR: &str = "Where the page starts: the previous page's `next_cursor`";

/// Read an organization's audit log, newest first, filtered.
///
/// A page of events; `next_cursor` continues it. With `q`, a page may be short (see
/// `searched_to`) while more events remain.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/audit", tag = "audit",
    params(OrgPath, AuditQuery,
        ("limit" = Option<i64>, Query, description = LIMIT), ("cursor" = Option<String>, Query, description = CURSOR)),
    responses((status = 200, description = "A page of events", body = AuditPage)))]
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

/// Download an organization's audit log as CSV or JSON Lines.
///
/// Every event the filters select, newest first, streamed as it is read (`limit` and `cursor`
/// are refused). A failure midway ends the transfer broken, never as a shorter file.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/audit/export", tag = "audit",
    params(OrgPath, AuditQuery,
        ("format" = String, Query, description = "`csv` (`text/csv; charset=utf-8`) or `jsonl` (`application/x-ndjson`)")),
    responses((status = 200, description = "The events, as an attachment named `audit-{org}.csv` or `.jsonl`",
        content((String = "text/csv"), (String = "application/x-ndjson")),
        headers(("Content-Disposition" = String, description = "`attachment`, with the file's name")))))]
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

/// An object's own events, newest first, a page of them (`of` names the object, inside the
/// organization `org`).
async fn history(
    state: AppState,
    caller: SignedIn,
    org: &str,
    of: HistoryOf<'_>,
    query: PageQuery,
) -> ApiResult<Json<AuditPage>> {
    let limit = paging::limit(query.limit)?;
    let page = state.domain.history(&caller.actor, org, of, query.cursor, limit).await?;
    Ok(Json(page))
}

/// What the history of an object answers.
const HISTORY: &str = "A page of the object's events, newest first";

/// An organization's own history: the events whose target is the organization itself.
#[utoipa::path(get, path = "/v1/orgs/{org}/history", tag = "audit",
    params(OrgPath, PageQuery),
    responses((status = 200, description = HISTORY, body = AuditPage)))]
pub async fn organization_history(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<AuditPage>> {
    history(state, caller, &org, HistoryOf::Organization, query).await
}

/// The history of an organization's SSO configuration.
#[utoipa::path(get, path = "/v1/orgs/{org}/sso/history", tag = "audit",
    params(OrgPath, PageQuery),
    responses((status = 200, description = HISTORY, body = AuditPage)))]
pub async fn sso_history(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> ApiResult<Json<AuditPage>> {
    history(state, caller, &org, HistoryOf::Sso, query).await
}

/// A `GET …/{id}/history` handler: one object's own events, newest first.
macro_rules! history_of {
    ($handler:ident, $path:literal, $summary:literal, $id_is:literal, $of:path) => {
        #[utoipa::path(get, path = $path, tag = "audit", summary = $summary,
                                            params(OrgPath, ("id" = String, Path, description = $id_is), PageQuery),
                                            responses((status = 200, description = HISTORY, body = AuditPage)))]
        pub async fn $handler(
            State(state): State<AppState>,
            caller: SignedIn,
            Path((org, id)): Path<(String, String)>,
            ApiQuery(query): ApiQuery<PageQuery>,
        ) -> ApiResult<Json<AuditPage>> {
            history(state, caller, &org, $of(&id), query).await
        }
    };
}

history_of!(
    policy_history,
    "/v1/orgs/{org}/iam/policies/{id}/history",
    "The history of a policy.",
    "The policy's id",
    HistoryOf::Policy
);
history_of!(
    role_history,
    "/v1/orgs/{org}/iam/roles/{id}/history",
    "The history of a role.",
    "The role's id",
    HistoryOf::Role
);
history_of!(
    member_history,
    "/v1/orgs/{org}/iam/members/{id}/history",
    "The history of a member of the organization.",
    "The member's user id",
    HistoryOf::Member
);
history_of!(
    group_history,
    "/v1/orgs/{org}/iam/groups/{id}/history",
    "The history of a group.",
    "The group's id",
    HistoryOf::Group
);
history_of!(
    token_history,
    "/v1/orgs/{org}/iam/tokens/{id}/history",
    "The history of an API token.",
    "The token's id",
    HistoryOf::Token
);
