use leptos::prelude::*;

use crate::ui::error::UiError;

/// The assign-roles dialog: sets a member's roles to exactly the ticked ones (`role_ids[]`).
#[server(prefix = "/api", endpoint = "set-member-roles")]
pub async fn set_member_roles(
    org_id: String,
    user_id: String,
    role_ids: Option<Vec<String>>,
    back: String,
) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let role_ids = role_ids.unwrap_or_default();
    call.domain.set_member_roles(&call.actor, &org_id, &user_id, &role_ids).await?;
    let done = format!("Saved the member's {} role(s)", role_ids.len());
    leptos_axum::redirect(&crate::ui::server_fns::back_with_done(&back, &format!("/orgs/{org_id}/members?"), &done));
    Ok(())
}
