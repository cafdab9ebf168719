use leptos::prelude::*;

use crate::ui::error::UiError;

/// Replaces a role's IdP group names (edited in place on the setup page).
#[server(prefix = "/api", endpoint = "save-role-groups")]
pub async fn save_role_groups(org_id: String, role_id: String, groups: String) -> Result<(), UiError> {
    use crate::domain::roles::RoleChanges;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let changes = RoleChanges { sso_group_names: Some(super::split_list(&groups)), ..RoleChanges::default() };
    let role = call.domain.update_role(&call.actor, &org_id, &role_id, changes).await?;
    leptos_axum::redirect(&format!(
        "/orgs/{}/sso?done={}",
        role.org_id,
        crate::ui::url::encode(&format!("Group names of {} saved", role.name))
    ));
    Ok(())
}
