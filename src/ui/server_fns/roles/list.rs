use leptos::prelude::*;

use crate::ui::{error::UiError, model::RoleListPage};

/// The roles page: every role of the organization.
#[server(prefix = "/api", endpoint = "list-roles")]
pub async fn list_roles(org_id: String) -> Result<RoleListPage, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let page = call.domain.list_roles(&call.actor, &org.id, None, None, super::CHOICES).await?;
    let may_create = call.domain.role_actions(&call.actor, &org.id, None).await?.may_create;
    Ok(RoleListPage {
        org_name: org.name,
        roles: page.roles.into_iter().map(crate::ui::model::RoleItem::from).collect(),
        may_create,
    })
}
