use leptos::prelude::*;

use crate::ui::{error::UiError, model::RoleComposerData};

/// The schema, the role (none for a new one) and the policies the form shows: those the role
/// holds, and those the form names besides (`typed_policy_ids`, ticked in a failed post without
/// JavaScript). With `restore`, the role as an audit event of its history recorded it
/// (`audit:read`), with that version's policies.
#[server(prefix = "/api", endpoint = "role-composer")]
pub async fn load_role_composer(
    org_id: String,
    role_id: Option<String>,
    restore: Option<String>,
    typed_policy_ids: Option<Vec<String>>,
) -> Result<RoleComposerData, UiError> {
    use crate::{
        domain::{DomainError, roles::MAX_POLICIES},
        ui::model::{ComposerPolicy, ImpactItem, RestoredVersion, RoleItem},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let role = match role_id.filter(|id| !id.is_empty()) {
        Some(id) => Some(call.domain.role(&call.actor, &org.id, &id).await?),
        None => None,
    };
    let actions = call.domain.role_actions(&call.actor, &org.id, role.as_ref()).await?;
    let may_save = if role.is_some() { actions.may_update } else { actions.may_create };
    let may_read_history = role.is_some() && call.domain.may_read_audit(&call.actor, &org.id).await?;
    // Whoever may read a role may read its policies. A role's own rules stay with it (changed
    // through seed 002's API): not a choice.
    let mut policies: Vec<ComposerPolicy> = role
        .as_ref()
        .map(|role| {
            role.policies.iter().filter(|p| p.owner_role_id.is_none()).cloned().map(ComposerPolicy::from).collect()
        })
        .unwrap_or_default();
    let mut role = role.map(RoleItem::from);
    let mut restoring = None;
    if let (Some(item), Some(event_id)) = (role.as_mut(), restore.filter(|id| !id.is_empty())) {
        let version = call.domain.role_version(&call.actor, &org.id, &item.id, &event_id).await?;
        item.name = version.name.unwrap_or_else(|| item.name.clone());
        item.description = version.description.unwrap_or_else(|| item.description.clone());
        item.policy_ids = version.policy_ids;
        item.is_default = version.is_default.unwrap_or(item.is_default);
        item.sso_group_names = version.sso_group_names;
        restoring = Some(RestoredVersion {
            event_id: version.event_id,
            at: version.at,
            missing_policies: version.missing_policy_ids,
        });
    }
    // The policies the form names that the role does not hold, read as the caller may.
    let named = role.iter().flat_map(|r| r.policy_ids.iter()).chain(typed_policy_ids.iter().flatten());
    let wanted: Vec<String> = named.take(MAX_POLICIES).cloned().collect();
    for policy_id in &wanted {
        if policies.iter().any(|p| &p.id == policy_id) {
            continue;
        }
        match call.domain.policy(&call.actor, &org.id, policy_id).await {
            Ok(policy) if policy.owner_role_id.is_none() => policies.push(policy.into()),
            Ok(_) | Err(DomainError::NotFound { .. } | DomainError::Forbidden { .. }) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let ticked =
        typed_policy_ids.clone().unwrap_or_else(|| role.as_ref().map(|r| r.policy_ids.clone()).unwrap_or_default());
    let role_id = role.as_ref().map(|r| r.id.as_str());
    let impact = call.domain.role_impact(&call.actor, &org.id, role_id, &ticked).await;
    let opening_impact = (ticked, impact.map(|impact| ImpactItem::new(Vec::new(), impact)).map_err(UiError::from));
    Ok(RoleComposerData {
        opening_impact,
        org_id: org.id,
        org_name: org.name,
        schema: call.domain.schema().await?,
        policies,
        role,
        may_read_history,
        restoring,
        may_save,
    })
}
