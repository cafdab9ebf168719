use leptos::prelude::*;

use crate::ui::{error::UiError, model::PolicyListPage};

#[cfg(feature = "ssr")]
const PAGE_SIZE: usize = 25;

#[server(prefix = "/api", endpoint = "list-policies")]
pub async fn list_policies(org_id: String, q: String, cursor: Option<String>) -> Result<PolicyListPage, UiError> {
    use crate::{
        domain::{authz::statements::Effect, policies::PolicyQuery},
        ui::model::PolicyListItem,
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let cursor = cursor.filter(|c| !c.is_empty());
    let query = PolicyQuery { q: Some(&q), cursor: cursor.as_deref(), reverse: false, limit: PAGE_SIZE };
    let page = call.domain.list_policies(&call.actor, &org.id, &query).await?;
    let may_create = call.domain.policy_actions(&call.actor, &org.id, None).await?.may_create;
    let items = page
        .policies
        .into_iter()
        .map(|p| PolicyListItem {
            deny_count: p.statements.iter().filter(|s| s.effect == Effect::Deny).count(),
            allow_count: p.permissions.len(),
            id: p.policy_id,
            name: p.name,
            description: p.description,
            managed: p.managed,
            roles: p.roles_dependency_count,
            users: p.users_dependency_count,
        })
        .collect();
    Ok(PolicyListPage { org_name: org.name, total: page.total, next_cursor: page.next_cursor, items, may_create })
}
