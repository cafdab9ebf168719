use leptos::prelude::*;

use crate::ui::{error::UiError, model::UserListPage};

#[cfg(feature = "ssr")]
const USER_PAGE_SIZE: usize = 50;

/// A page of the users the caller may see, matching a search and a status, in `sort` order
/// (`name`, `-last_sign_in`, ...), and the
/// organizations where the caller may create a user: theirs, and `org` (the one whose members
/// page led here) when they may assign members there.
#[server(prefix = "/api", endpoint = "list-users")]
pub async fn list_users(
    q: String,
    status: String,
    sort: String,
    cursor: String,
    org: String,
) -> Result<UserListPage, UiError> {
    use crate::{
        domain::{
            order::{PeopleOrder, USER_ORDERS},
            users::AccountFilter,
        },
        ui::model::{OrganizationItem, UserRow},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let me = call.user()?.id.clone();
    let filter = AccountFilter {
        q: Some(q.trim()).filter(|q| !q.is_empty()),
        organization_id: None,
        status: Some(status.as_str()).filter(|s| !s.is_empty()),
    };
    let cursor = Some(cursor.as_str()).filter(|c| !c.is_empty());
    let order = PeopleOrder::parse(Some(&sort), USER_ORDERS)?;
    let page = call.domain.list_users(&call.actor, &filter, order, cursor, USER_PAGE_SIZE).await?;
    let create_in = call
        .domain
        .organizations_for_new_users(&call.actor, Some(&org))
        .await?
        .into_iter()
        .map(OrganizationItem::from)
        .collect();
    let users = page
        .users
        .into_iter()
        .map(|u| UserRow {
            is_me: u.user_id == me,
            user_id: u.user_id,
            email: u.email,
            full_name: u.full_name,
            status: u.status.as_str().to_owned(),
            created_at: u.created_at,
            last_sign_in_at: u.last_sign_in_at,
        })
        .collect();
    Ok(UserListPage {
        total: page.total,
        next_cursor: page.next_cursor,
        previous_cursor: page.previous_cursor.map(crate::domain::cursor::first_page_as_empty),
        users,
        create_in,
    })
}
