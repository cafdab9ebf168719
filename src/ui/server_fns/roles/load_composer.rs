use leptos::prelude::*;

use crate::ui::{error::UiError, model::RoleComposerData};

/// The schema, the organization's policies, and the role (none for a new one).
/// With `restore`, the role as an audit event of its history recorded it (`audit:read`).
#[server(prefix = "/api", endpoint = "role-composer")]
pub async fn load_role_composer(
    org_id: String,
    role_id: Option<String>,
    restore: Option<String>,
) -> Result<RoleComposerData, UiError> {
    use crate::{
        domain::policies::PolicyQuery,
        ui::model::{ComposerPolicy, RestoredVersion, RoleItem},
    };
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
    let mut role = role.map(RoleItem::from);
    let mut restoring = None;
    if let (Some(item), Some(event_id)) = (role.as_mut(), restore.filter(|id| !id.is_empty())) {
        let version = call.domain.role_version(&call.actor, &org.id, &item.id, &event_id).await?;
        item.name = version.name.unwrap_or_else(|| item.name.clone());
        item.policy_ids = version.policy_ids;
        item.is_default = version.is_default.unwrap_or(item.is_default);
        item.sso_group_names = version.sso_group_names;
        restoring = Some(RestoredVersion {
            event_id: version.event_id,
            at: version.at,
            missing_policies: version.missing_policy_ids,
        });
    }
    Ok(RoleComposerData {
        org_id: org.id,
        org_name: org.name,
        schema: call.domain.schema().await?,
        policies: policies
            .policies
            .into_iter()
            // A role's own rules stay with it (changed through seed 002's API): not a choice.
            .filter(|p| p.owner_role_id.is_none())
            .map(|p| ComposerPolicy {
                id: p.policy_id,
                name: p.name,
                description: p.description,
                statements: p.statements,
                managed: p.managed,
            })
            .collect(),
        role,
        may_read_history,
        restoring,
        may_save,
    })
}
