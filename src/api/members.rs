//! `/v1/orgs/{org}/iam/members` listing members, setting their roles, removing them.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    openapi::{JsonNull, OrgPath},
    paging,
};
use crate::{
    domain::{
        DomainError, FieldError,
        members::{BulkOutcome, BulkRoleChange},
        members::{MemberPage, MemberQuery, MemberSelection},
        order::{MEMBER_ORDERS, PeopleOrder},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, assign)).routes(routes!(bulk_roles)).routes(routes!(remove))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only members whose email or name contains this.
    q: Option<String>,
    /// Only members holding this role (its id).
    role_id: Option<String>,
    /// Only members whose account has this status: `active`, `disabled` or `invited`.
    status: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor` (or the next page's
    /// `previous_cursor`).
    cursor: Option<String>,
    /// The order: `email` (the default), `name`, `joined` or `last_sign_in`; a leading `-`
    /// for descending (`-last_sign_in`: the latest first, those who never signed in last).
    sort: Option<String>,
}

/// List an organization's members, by email (or `sort`), with the roles each holds.
#[utoipa::path(get, path = "/v1/orgs/{org}/iam/members", tag = "members", params(OrgPath, ListQuery),
    responses((status = 200, description = "A page of members", body = MemberPage)))]
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
        order: PeopleOrder::parse(query.sort.as_deref(), MEMBER_ORDERS)?,
    };
    Ok(Json(state.domain.list_members(&caller.actor, &org, &member_query).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberRolesBody {
    /// The user whose roles these are.
    user_id: String,
    /// Exactly the roles the member is to hold, by id: the others they hold are taken away.
    role_ids: Vec<String>,
}

/// Set a member's roles.
///
/// Exactly the roles given, adding the membership (with the organization's default roles) if
/// it is new. Nobody can give or take a role they could not grant. Answers `null`, as clients
/// expect.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/members", tag = "members", params(OrgPath), request_body = MemberRolesBody,
    responses((status = 200, description = "The roles are set: `null`", body = inline(JsonNull))))]
pub async fn assign(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<MemberRolesBody>,
) -> ApiResult<Json<Value>> {
    state.domain.set_member_roles(&caller.actor, &org, &body.user_id, &body.role_ids).await?;
    Ok(Json(Value::Null))
}

/// The members a search selects, as the list's filters do.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFilter {
    /// Only members whose email or name contains this.
    q: Option<String>,
    /// Only members holding this role (its id).
    role_id: Option<String>,
    /// Only members whose account has this status: `active`, `disabled` or `invited`.
    status: Option<String>,
}

/// Exactly one of `user_ids` and `all_matching` says whom the change covers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRolesBody {
    /// Add the role, or remove it.
    change: BulkRoleChange,
    /// The role to add or remove.
    role_id: String,
    /// The members to change, by user id.
    user_ids: Option<Vec<String>>,
    /// Every member matching this filter, however many pages that is.
    all_matching: Option<MemberFilter>,
}

/// Add one role to many members at once, or take it from them.
///
/// The members listed, or every member matching a filter: one change, with the same rules as
/// for one member.
#[utoipa::path(post, path = "/v1/orgs/{org}/iam/members/bulk-roles", tag = "members", params(OrgPath),
    request_body = BulkRolesBody,
    responses((status = 200, description = "How many members were selected and how many changed", body = BulkOutcome)))]
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

/// Remove a member from an organization.
///
/// Their roles there go too. The root organization always keeps at least one active Super
/// Admin.
#[utoipa::path(delete, path = "/v1/orgs/{org}/iam/members/{member_user_id}", tag = "members",
    params(OrgPath, ("member_user_id" = String, Path, description = "The member's user id")),
    responses((status = 204, description = "Removed")))]
pub async fn remove(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path((org, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.domain.remove_member(&caller.actor, &org, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
