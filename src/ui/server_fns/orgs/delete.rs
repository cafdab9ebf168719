use leptos::prelude::*;

use crate::ui::error::UiError;

/// Deletes the organization and its subtree once its name has been typed, then opens the parent.
#[server(prefix = "/api", endpoint = "delete-org")]
pub async fn delete_organization(org_id: String, confirm_name: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    call.domain.delete_organization(&call.actor, &org.id, Some(&confirm_name)).await?;
    leptos_axum::redirect(&format!("/orgs/{}", org.parent_organization_id.unwrap_or_default()));
    Ok(())
}
