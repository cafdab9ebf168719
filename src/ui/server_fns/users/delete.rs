use leptos::prelude::*;

use crate::ui::error::UiError;

/// Deletes a user with their memberships, then returns to the users page at `back`.
#[server(prefix = "/api", endpoint = "delete-user")]
pub async fn delete_user(user_id: String, email: String, back: String) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.delete_user(&call.actor, &user_id).await?;
    leptos_axum::redirect(&crate::ui::server_fns::back_with_done(&back, "/users?", &format!("Deleted {email}")));
    Ok(())
}
