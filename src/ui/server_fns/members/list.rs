use leptos::prelude::*;

use crate::ui::{error::UiError, model::MemberListPage};

#[cfg(feature = "ssr")]
const MEMBER_PAGE_SIZE: usize = 50;

/// A page of an organization's members, matching a search and a role (its id or its name, as
/// the role picker holds it), in `sort` order. A role that is not there is said so, with no
/// members.
#[server(prefix = "/api", endpoint = "list-members")]
pub async fn list_members(
    org_id: String,
    q: String,
    role_id: String,
    sort: String,
    cursor: Option<String>,
) -> Result<MemberListPage, UiError> {
    use crate::{
        domain::{
            members::MemberQuery,
            order::{MEMBER_ORDERS, PeopleOrder},
        },
        ui::model::{MemberRow, RoleOption},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let may_assign = call.domain.member_actions(&call.actor, &org.id).await?.may_assign;
    let role_id = match super::role_filter(&call, &org.id, &role_id).await {
        Ok(role_id) => role_id,
        Err(error) if error.field("role").is_some() => {
            return Ok(MemberListPage {
                org_name: org.name,
                total: 0,
                next_cursor: None,
                previous_cursor: None,
                members: Vec::new(),
                role_problem: Some(error.message),
                may_assign,
            });
        }
        Err(error) => return Err(error),
    };
    let query = MemberQuery {
        q: Some(q.trim()).filter(|q| !q.is_empty()),
        role_id: role_id.as_deref(),
        status: None,
        cursor: cursor.as_deref().filter(|c| !c.is_empty()),
        limit: MEMBER_PAGE_SIZE,
        order: PeopleOrder::parse(Some(&sort), MEMBER_ORDERS)?,
    };
    let page = call.domain.list_members(&call.actor, &org.id, &query).await?;
    let members = page
        .members
        .into_iter()
        .map(|m| MemberRow {
            roles: m.roles_detail.into_iter().map(RoleOption::held).collect(),
            user_id: m.user_id,
            email: m.email,
            full_name: m.full_name,
            status: m.status,
            joined_at: m.joined_at,
            last_sign_in_at: m.last_sign_in_at,
        })
        .collect();
    Ok(MemberListPage {
        org_name: org.name,
        total: page.total,
        next_cursor: page.next_cursor,
        previous_cursor: page.previous_cursor.map(crate::domain::cursor::first_page_as_empty),
        members,
        role_problem: None,
        may_assign,
    })
}
