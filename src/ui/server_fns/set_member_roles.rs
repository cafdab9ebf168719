use std::collections::HashMap;

use leptos::prelude::*;

use crate::ui::error::UiError;

/// The assign-roles dialog: sets a member's roles to exactly the ticked ones (`roles[<id>]`).
#[server(prefix = "/api", endpoint = "set-member-roles")]
pub async fn set_member_roles(
    org_id: String,
    user_id: String,
    roles: Option<HashMap<String, String>>,
    back: String,
) -> Result<(), UiError> {
    let call = super::context::signed_in_call()?;
    let role_ids: Vec<String> = roles.unwrap_or_default().into_keys().collect();
    call.domain.set_member_roles(&call.actor, &org_id, &user_id, &role_ids).await?;
    let back =
        if back.starts_with(&format!("/orgs/{org_id}/members")) { back } else { format!("/orgs/{org_id}/members") };
    leptos_axum::redirect(&back);
    Ok(())
}
