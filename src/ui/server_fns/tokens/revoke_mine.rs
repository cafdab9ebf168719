use leptos::prelude::*;

use crate::ui::error::UiError;

/// Revokes one of your tokens; back to `/tokens` saying so.
#[server(prefix = "/api", endpoint = "revoke-my-token")]
pub async fn revoke_my_token(token_id: String, name: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.revoke_my_token(&call.actor, &token_id).await?;
    let done = format!("Revoked \"{name}\": programs using it are refused from now on");
    leptos_axum::redirect(&crate::ui::server_fns::with_done("/tokens?", &done));
    Ok(())
}
