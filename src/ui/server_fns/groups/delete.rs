use leptos::prelude::*;

use crate::ui::error::UiError;

/// Deletes a user group: its members keep their own roles and lose the group's.
#[server(prefix = "/api", endpoint = "delete-user-group")]
pub async fn delete_user_group(org_id: String, group_id: String, name: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.delete_user_group(&call.actor, &org_id, &group_id).await?;
    leptos_axum::redirect(&crate::ui::server_fns::with_done(
        &format!("/orgs/{org_id}/groups?"),
        &format!("Deleted group \"{name}\""),
    ));
    Ok(())
}
