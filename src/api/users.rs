//! `/v1/users`: create, list, read, change and delete user accounts.

use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    caller::SignedIn,
    error::ApiResult,
    json::{ApiJson, ApiQuery, NoQuery},
    paging,
};
use crate::{
    domain::{
        order::{PeopleOrder, USER_ORDERS},
        users::UserNames,
        users::{Account, AccountChanges, AccountFilter, AccountPage, NewAccount},
    },
    web::AppState,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get, patch, delete))
}

/// A new user account.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewUserBody)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    email: String,
    /// The organization (id or code) the user joins, with its default roles.
    organization_id: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    preferred_name: String,
    /// Left out (or empty), the account is `invited`: it cannot sign in until a password is set.
    #[serde(default)]
    password: Option<String>,
}

/// The changes to a user account: the fields given; the others keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = UserChangesBody)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    first_name: Option<String>,
    last_name: Option<String>,
    preferred_name: Option<String>,
    /// `active` or `disabled`: enables or disables the account (disabling ends its sessions;
    /// nobody can disable themselves).
    status: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only users whose email or name contains this (ignoring case).
    q: Option<String>,
    /// Only the members of this organization (id or code); without it, the members of every
    /// organization where the caller may read members.
    organization_id: Option<String>,
    /// Only users of this status: `active`, `disabled` or `invited`.
    status: Option<String>,
    /// The page's size: 1 to 200, 50 if not given.
    limit: Option<i64>,
    /// Where the page starts: the previous page's `next_cursor` (or the next page's
    /// `previous_cursor`).
    cursor: Option<String>,
    /// The order: `email` (the default), `name`, `created` or `last_sign_in`; a leading `-`
    /// for descending (`-last_sign_in`: the latest first, those who never signed in last).
    sort: Option<String>,
}

const USER_ID: &str = "The user's id";

/// Create a user account.
///
/// The user joins `organization_id` with its default roles; without a password the account is
/// `invited`.
#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = CreateBody,
    responses((status = 201, description = "The account", body = Account)))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    ApiJson(body): ApiJson<CreateBody>,
) -> ApiResult<Response> {
    let new = NewAccount {
        email: body.email,
        names: UserNames {
            first_name: body.first_name,
            last_name: body.last_name,
            preferred_name: body.preferred_name,
        },
        password: body.password.filter(|p| !p.is_empty()),
        organization_id: body.organization_id,
    };
    let account = state.domain.create_user(&caller.actor, new).await?;
    Ok((StatusCode::CREATED, Json(account)).into_response())
}

/// List the users the caller may see, by email (or `sort`).
///
/// Filtered by `q`, `organization_id` and `status`; a page at a time.
#[utoipa::path(get, path = "/v1/users", tag = "users", params(ListQuery),
    responses((status = 200, description = "A page of users", body = AccountPage)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<AccountPage>> {
    let limit = paging::limit(query.limit)?;
    let filter = AccountFilter {
        q: query.q.as_deref(),
        organization_id: query.organization_id.as_deref(),
        status: query.status.as_deref(),
    };
    let order = PeopleOrder::parse(query.sort.as_deref(), USER_ORDERS)?;
    Ok(Json(state.domain.list_users(&caller.actor, &filter, order, query.cursor.as_deref(), limit).await?))
}

/// A user account.
#[utoipa::path(get, path = "/v1/users/{user_id}", tag = "users",
    params(("user_id" = String, Path, description = USER_ID)),
    responses((status = 200, description = "The account", body = Account)))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
) -> ApiResult<Json<Account>> {
    Ok(Json(state.domain.user(&caller.actor, &user_id).await?))
}

/// Change a user account: its names, and its `status` (`active` or `disabled`).
///
/// The fields given; the others keep their value.
#[utoipa::path(patch, path = "/v1/users/{user_id}", tag = "users",
    params(("user_id" = String, Path, description = USER_ID)),
    request_body = PatchBody,
    responses((status = 200, description = "The account as changed", body = Account)))]
pub async fn patch(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<PatchBody>,
) -> ApiResult<Json<Account>> {
    let changes = AccountChanges {
        first_name: body.first_name,
        last_name: body.last_name,
        preferred_name: body.preferred_name,
        status: body.status,
    };
    Ok(Json(state.domain.update_user(&caller.actor, &user_id, changes).await?))
}

/// Delete a user account, with its memberships.
///
/// Nobody can delete themselves.
#[utoipa::path(delete, path = "/v1/users/{user_id}", tag = "users",
    params(("user_id" = String, Path, description = USER_ID)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    State(state): State<AppState>,
    caller: SignedIn,
    _: ApiQuery<NoQuery>,
    Path(user_id): Path<String>,
) -> ApiResult<StatusCode> {
    state.domain.delete_user(&caller.actor, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
