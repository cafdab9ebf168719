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
    let call = super::context::signed_in_call()?;
    let role_ids = role_ids.unwrap_or_default();
    call.domain.set_member_roles(&call.actor, &org_id, &user_id, &role_ids).await?;
    let list = format!("/orgs/{org_id}/members?");
    let back = if back.starts_with(&list) { back } else { list };
    let done = crate::ui::url::encode(&format!("Saved the member's {} role(s)", role_ids.len()));
    leptos_axum::redirect(&format!("{back}&done={done}"));
    Ok(())
}
