use leptos::prelude::*;

use crate::ui::error::UiError;

/// The assign-roles dialog: sets a member's roles to exactly the ticked ones (`role_ids[]`)
/// and the one picked in `add_role` (an id or a name), if any.
#[server(prefix = "/api", endpoint = "set-member-roles")]
pub async fn set_member_roles(
    org_id: String,
    user_id: String,
    role_ids: Option<Vec<String>>,
    add_role: Option<String>,
    back: String,
) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let mut role_ids = role_ids.unwrap_or_default();
    if let Some(added) =
        crate::ui::server_fns::roles::role_to_grant(&call, &org_id, add_role.as_deref().unwrap_or_default(), "add_role")
            .await?
        && !role_ids.contains(&added)
    {
        role_ids.push(added);
    }
    call.domain.set_member_roles(&call.actor, &org_id, &user_id, &role_ids).await?;
    let done = format!("Saved the member's {} role(s)", role_ids.len());
    leptos_axum::redirect(&crate::ui::server_fns::back_with_done(&back, &format!("/orgs/{org_id}/members?"), &done));
    Ok(())
}
