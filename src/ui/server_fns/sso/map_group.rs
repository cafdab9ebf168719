use leptos::prelude::*;

use crate::ui::error::UiError;

/// Maps a group seen at sign-in to a role ("map to role"): `role_id` is the role picker's entry,
/// the role's id or name.
#[server(prefix = "/api", endpoint = "map-sso-group")]
pub async fn map_sso_group(org_id: String, group: String, role_id: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let role = crate::ui::server_fns::roles::role_to_grant(&call, &org_id, &role_id, "role_id").await?;
    let Some(role_id) = role else {
        return Err(UiError::invalid_field("role_id", "Choose the role this group gives"));
    };
    call.domain.map_sso_group(&call.actor, &org_id, &role_id, &group).await?;
    leptos_axum::redirect(&format!(
        "/orgs/{org_id}/sso?done={}",
        crate::ui::url::encode(&format!("Group {} mapped", group.trim()))
    ));
    Ok(())
}
