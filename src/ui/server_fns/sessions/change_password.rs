use leptos::prelude::*;

use crate::ui::error::UiError;

/// Changes the caller's own password. Other sessions of the user end; this one continues.
#[server(prefix = "/api", endpoint = "change-password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), UiError> {
    use crate::web::sessions;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    if new_password != confirm_password {
        return Err(UiError::invalid_field("confirm_password", "The two new passwords do not match"));
    }
    let epoch = call.domain.change_own_password(&call.actor, &current_password, &new_password).await?;
    sessions::continue_in_epoch(&call.session, epoch).await?;
    Ok(())
}
