use leptos::prelude::*;

use crate::ui::error::UiError;

#[server(prefix = "/api", endpoint = "move-org")]
pub async fn move_organization(org_id: String, new_parent_id: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.move_organization(&call.actor, &org_id, &new_parent_id).await?;
    leptos_axum::redirect(&format!("/orgs/{org_id}"));
    Ok(())
}
