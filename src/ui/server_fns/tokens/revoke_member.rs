use leptos::prelude::*;

use crate::ui::error::UiError;

/// An admin revokes a member's token; back to the organization's token list at `back`.
#[server(prefix = "/api", endpoint = "revoke-member-token")]
pub async fn revoke_member_token(org_id: String, token_id: String, name: String, back: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.revoke_member_token(&call.actor, &org_id, &token_id).await?;
    let done = format!("Revoked \"{name}\"; its creator sees it as revoked by an admin");
    let list = format!("/orgs/{org_id}/tokens?");
    leptos_axum::redirect(&crate::ui::server_fns::back_with_done(&back, &list, &done));
    Ok(())
}
