//! `/v1/orgs/{org}/iam/members` listing members, setting their roles, removing them.

use axum::{
    Json, Router,
    extract::{Path, State},
    http::StatusCode,
    routing,
};
use serde::Deserialize;
use serde_json::Value;

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging,
};
use crate::{
    domain::{
        DomainError, FieldError,
        members::{BulkOutcome, BulkRoleChange},
        members::{MemberPage, MemberQuery, MemberSelection},
    },
    web::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/orgs/{org}/iam/members", routing::get(list).post(assign))
        .route("/orgs/{org}/iam/members/bulk-roles", routing::post(bulk_roles))
        .route("/orgs/{org}/iam/members/{member_user_id}", routing::delete(remove))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    q: Option<String>,
    role_id: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `GET /v1/orgs/{org}/iam/members`: filters `q` (email or name), `role_id`, `status`; cursor paging.
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(org): Path<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<MemberPage>> {
    let member_query = MemberQuery {
        q: query.q.as_deref(),
        role_id: query.role_id.as_deref(),
        status: query.status.as_deref(),
        cursor: query.cursor.as_deref(),
        limit: paging::limit(query.limit)?,
    };
    Ok(Json(state.domain.list_members(&caller.actor, &org, &member_query).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    user_id: String,
    role_ids: Vec<String>,
}

/// `POST /v1/orgs/{org}/iam/members`: sets the member's roles (adding the membership if new);
/// answers `null`, as clients expect.
pub async fn assign(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<Value>> {
    state.domain.set_member_roles(&caller.actor, &org, &body.user_id, &body.role_ids).await?;
    Ok(Json(Value::Null))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingFilter {
    q: Option<String>,
    role_id: Option<String>,
    status: Option<String>,
}

/// Exactly one of `user_ids` and `all_matching` says whom the change covers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BulkRolesBody {
    change: BulkRoleChange,
    role_id: String,
    user_ids: Option<Vec<String>>,
    all_matching: Option<MatchingFilter>,
}

/// `POST /v1/orgs/{org}/iam/members/bulk-roles`: adds or removes one role for the listed
/// members, or for every member matching a filter; `{role_name, selected, changed}`.
pub async fn bulk_roles(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<BulkRolesBody>,
) -> ApiResult<Json<BulkOutcome>> {
    let selection = match (&body.user_ids, &body.all_matching) {
        (Some(ids), None) => MemberSelection::Users(ids),
        (None, Some(filter)) => MemberSelection::Matching {
            q: filter.q.as_deref(),
            role_id: filter.role_id.as_deref(),
            status: filter.status.as_deref(),
        },
        _ => {
            return Err(DomainError::Invalid(vec![FieldError {
                loc: vec!["body".into(), "user_ids".into()],
                msg: "Give either user_ids or all_matching".into(),
                kind: "value_error.selection".into(),
            }])
            .into());
        }
    };
    Ok(Json(state.domain.bulk_role_change(&caller.actor, &org, body.change, &body.role_id, selection).await?))
}

/// `DELETE /v1/orgs/{org}/iam/members/{member_user_id}`
pub async fn remove(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_member(&caller.actor, &org, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
