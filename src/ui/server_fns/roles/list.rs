use leptos::prelude::*;

use crate::ui::{error::UiError, model::RoleListPage};

#[cfg(feature = "ssr")]
const PAGE_SIZE: usize = 50;

/// The roles page: the organization's roles matching `q` (name or description), a page at a
/// time after `cursor`.
#[server(prefix = "/api", endpoint = "list-roles")]
pub async fn list_roles(org_id: String, q: String, cursor: Option<String>) -> Result<RoleListPage, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let (q, cursor) = (Some(q.trim()).filter(|q| !q.is_empty()), cursor.filter(|c| !c.is_empty()));
    let page = call.domain.list_roles(&call.actor, &org.id, q, cursor.as_deref(), PAGE_SIZE).await?;
    let may_create = call.domain.role_actions(&call.actor, &org.id, None).await?.may_create;
    Ok(RoleListPage {
        org_name: org.name,
        total: page.total,
        next_cursor: page.next_cursor,
        roles: page.roles.into_iter().map(crate::ui::model::RoleItem::from).collect(),
        may_create,
    })
}
