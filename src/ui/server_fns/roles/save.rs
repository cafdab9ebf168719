// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Saves the role composer: creates the role, or replaces it at the version it was loaded at.
/// `policy_ids[]` are the ticked policies, `add_policy` one more by its name or id (typed
/// without JavaScript); `sso_groups` is comma-separated; `restored_from`, the audit event whose
/// version the form was filled with.
#[server(prefix = "/api", endpoint = "save-role")]
pub async fn save_role(
    org_id: String,
    role_id: String,
    version: String,
    name: String,
    description: String,
    policy_ids: Option<Vec<String>>,
    add_policy: Option<String>,
    is_default: Option<String>,
    sso_groups: String,
    restored_from: Option<String>,
) -> Result<(), UiError> {
    use crate::domain::roles::{RoleChanges, RoleFields};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let mut policy_ids = policy_ids.unwrap_or_default();
    if let Some(named) = add_policy.as_deref().map(str::trim).filter(|named| !named.is_empty()) {
        let policy = super::policy_to_add(&call, &org_id, named).await?;
        if !policy_ids.contains(&policy.policy_id) {
            policy_ids.push(policy.policy_id);
        }
    }
    let sso_group_names: Vec<String> =
        sso_groups.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect();
    let is_default = is_default.is_some_and(|v| !v.is_empty());
    let role = if role_id.is_empty() {
        let fields = RoleFields { name, description, policy_ids, is_default, sso_group_names, own_rules: None };
        call.domain.create_role(&call.actor, &org_id, fields).await?
    } else {
        let changes = RoleChanges {
            name: Some(name),
            description: Some(description),
            policy_ids: Some(policy_ids),
            is_default: Some(is_default),
            sso_group_names: Some(sso_group_names),
            own_rules: None,
            version: version.parse().ok(),
            restored_from: restored_from.filter(|id| !id.is_empty()),
        };
        call.domain.update_role(&call.actor, &org_id, &role_id, changes).await?
    };
    // `saved` names the version saved: each save is another address, so the composer loads the
    // role again (its new version, for the next save) even after one save followed another.
    leptos_axum::redirect(&format!("/orgs/{org_id}/roles/{}?saved={}", role.role_id, role.version));
    Ok(())
}
