use leptos::prelude::*;

use crate::ui::{error::UiError, model::PolicyEditorData};

/// The schema, the policy (none for a new one) and what the actor may do with it.
/// With `restore`, the policy as an audit event of its history recorded it (`audit:read`).
#[server(prefix = "/api", endpoint = "policy-editor")]
pub async fn load_policy_editor(
    org_id: String,
    policy_id: Option<String>,
    restore: Option<String>,
) -> Result<PolicyEditorData, UiError> {
    use crate::ui::model::{InstanceItem, PolicyItem, RestoredVersion};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let policy = match policy_id.filter(|id| !id.is_empty()) {
        Some(id) => Some(call.domain.policy(&call.actor, &org.id, &id).await?),
        None => None,
    };
    let actions = call.domain.policy_actions(&call.actor, &org.id, policy.as_ref()).await?;
    let (may_save, may_delete) =
        (if policy.is_some() { actions.may_update } else { actions.may_create }, actions.may_delete);
    let may_read_history = policy.is_some() && call.domain.may_read_audit(&call.actor, &org.id).await?;
    let instances = policy
        .iter()
        .flat_map(|p| &p.resolved_permissions)
        .filter_map(|r| {
            Some(InstanceItem {
                resource_type: r.resource_type.clone(),
                id: r.resource_id.clone()?,
                name: r.resource_name.clone().unwrap_or_default(),
            })
        })
        .collect();
    let mut policy = policy.map(|p| PolicyItem {
        id: p.policy_id,
        name: p.name,
        description: p.description,
        statements: p.statements,
        version: p.version,
        managed: p.managed,
        roles_dependency_count: p.roles_dependency_count,
        users_dependency_count: p.users_dependency_count,
    });
    let mut restoring = None;
    if let (Some(item), Some(event_id)) = (policy.as_mut(), restore.filter(|id| !id.is_empty())) {
        let version = call.domain.policy_version(&call.actor, &org.id, &item.id, &event_id).await?;
        item.name = version.name.unwrap_or_else(|| item.name.clone());
        item.description = version.description.unwrap_or_default();
        item.statements = version.statements;
        restoring = Some(RestoredVersion { event_id: version.event_id, at: version.at, missing_policies: Vec::new() });
    }
    Ok(PolicyEditorData {
        org_id: org.id,
        org_name: org.name,
        schema: call.domain.schema().await?,
        policy,
        instances,
        restoring,
        may_read_history,
        may_save,
        may_delete,
    })
}
