use leptos::prelude::*;

use crate::ui::{error::UiError, model::RoleComposerData};

/// The schema, the organization's policies, and the role (none for a new one).
#[server(prefix = "/api", endpoint = "role-composer")]
pub async fn load_role_composer(org_id: String, role_id: Option<String>) -> Result<RoleComposerData, UiError> {
    use crate::{domain::policies::PolicyQuery, ui::model::ComposerPolicy};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let role = match role_id.filter(|id| !id.is_empty()) {
        Some(id) => Some(call.domain.role(&call.actor, &org.id, &id).await?),
        None => None,
    };
    let query = PolicyQuery { q: None, cursor: None, reverse: false, limit: super::CHOICES };
    let policies = call.domain.list_policies(&call.actor, &org.id, &query).await?;
    let actions = call.domain.role_actions(&call.actor, &org.id, role.as_ref()).await?;
    let may_save = if role.is_some() { actions.may_update } else { actions.may_create };
    let may_read_history = role.is_some() && call.domain.may_read_audit(&call.actor, &org.id).await?;
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
        role: role.map(crate::ui::model::RoleItem::from),
        may_read_history,
        may_save,
    })
}
