use leptos::prelude::*;

use crate::ui::{
    error::UiError,
    model::{RoleComposerData, RoleListPage},
};

/// Policies and roles offered on one page; larger organizations search through the REST API.
#[cfg(feature = "ssr")]
const CHOICES: usize = 200;

#[cfg(feature = "ssr")]
fn role_item(role: crate::domain::manage_roles::Role) -> crate::ui::model::RoleItem {
    crate::ui::model::RoleItem {
        id: role.role_id,
        name: role.name,
        description: role.description,
        policy_ids: role.policy_ids,
        is_default: role.is_default,
        sso_group_names: role.sso_group_names,
        managed: role.managed,
        member_count: role.member_count,
        version: role.version,
    }
}

/// The roles page: every role of the organization.
#[server(prefix = "/api", endpoint = "list-roles")]
pub async fn list_roles(org_id: String) -> Result<RoleListPage, UiError> {
    use crate::domain::permissions::Permission;
    let call = super::context::signed_in_call()?;
    let org = call.domain.resolve_organization(&org_id).await?;
    let page = call.domain.list_roles(&call.actor, &org.id, None, None, CHOICES).await?;
    let may_create = call.domain.may(&call.actor, &org.id, &Permission::new("role", "create")).await?;
    Ok(RoleListPage { org_name: org.name, roles: page.roles.into_iter().map(role_item).collect(), may_create })
}

/// The schema, the organization's policies, and the role (none for a new one).
#[server(prefix = "/api", endpoint = "role-composer")]
pub async fn load_role_composer(org_id: String, role_id: Option<String>) -> Result<RoleComposerData, UiError> {
    use crate::{
        domain::{manage_policies::PolicyQuery, permissions::Permission},
        ui::model::ComposerPolicy,
    };
    let call = super::context::signed_in_call()?;
    let org = call.domain.resolve_organization(&org_id).await?;
    let role = match role_id.filter(|id| !id.is_empty()) {
        Some(id) => Some(call.domain.role(&call.actor, &org.id, &id).await?),
        None => None,
    };
    let query = PolicyQuery { q: None, cursor: None, reverse: false, limit: CHOICES };
    let policies = call.domain.list_policies(&call.actor, &org.id, &query).await?;
    let action = if role.is_some() { "update" } else { "create" };
    let managed = role.as_ref().is_some_and(|r| r.managed);
    let may_save = !managed && call.domain.may(&call.actor, &org.id, &Permission::new("role", action)).await?;
    Ok(RoleComposerData {
        org_id: org.id,
        org_name: org.name,
        schema: call.domain.schema().await?,
        policies: policies
            .policies
            .into_iter()
            .map(|p| ComposerPolicy {
                id: p.policy_id,
                name: p.name,
                description: p.description,
                statements: p.statements,
                managed: p.managed,
            })
            .collect(),
        role: role.map(role_item),
        may_save,
    })
}
