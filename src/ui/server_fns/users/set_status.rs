use leptos::prelude::*;

use crate::ui::error::UiError;

/// Disables a user (their sessions end at once) or enables them again, then returns to the
/// users page at `back`.
#[server(prefix = "/api", endpoint = "set-user-status")]
pub async fn set_user_status(user_id: String, status: String, back: String) -> Result<(), UiError> {
    use crate::domain::users::AccountChanges;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let changes = AccountChanges { status: Some(status), ..AccountChanges::default() };
    let account = call.domain.update_user(&call.actor, &user_id, changes).await?;
    let done = format!("{} is now {}", account.email, account.status.as_str());
    leptos_axum::redirect(&crate::ui::server_fns::back_with_done(&back, "/users?", &done));
    Ok(())
}
