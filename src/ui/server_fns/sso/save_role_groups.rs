use leptos::prelude::*;

use crate::ui::error::UiError;

/// Replaces a role's IdP group names: edited in place on the setup page, or given to another
/// role (`role_id` is then the role picker's entry, the role's id or name).
#[server(prefix = "/api", endpoint = "save-role-groups")]
pub async fn save_role_groups(org_id: String, role_id: String, groups: String) -> Result<(), UiError> {
    use crate::domain::roles::RoleChanges;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let role = crate::ui::server_fns::roles::role_to_grant(&call, &org_id, &role_id, "role_id").await?;
    let Some(role_id) = role else {
        return Err(UiError::invalid_field("role_id", "Choose the role these groups give"));
    };
    let changes = RoleChanges { sso_group_names: Some(super::split_list(&groups)), ..RoleChanges::default() };
    let role = call.domain.update_role(&call.actor, &org_id, &role_id, changes).await?;
    leptos_axum::redirect(&format!(
        "/orgs/{}/sso?done={}",
        role.org_id,
        crate::ui::url::encode(&format!("Group names of {} saved", role.name))
    ));
    Ok(())
}
