use leptos::prelude::*;

use crate::ui::error::UiError;

/// Ends the session (its cookie is void afterwards) and goes to the sign-in page.
#[server(prefix = "/api", endpoint = "sign-out")]
pub async fn sign_out() -> Result<(), UiError> {
    use crate::web::{identity::SIGN_IN_PATH, sessions};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.sign_out(&call.actor).await?;
    sessions::end(&call.session).await?;
    leptos_axum::redirect(SIGN_IN_PATH);
    Ok(())
}
