use leptos::prelude::*;

use crate::ui::error::UiError;

/// Signs in and goes to `next` (a local path) or the dashboard.
#[server(prefix = "/api", endpoint = "sign-in")]
pub async fn sign_in(email: String, password: String, next: Option<String>) -> Result<(), UiError> {
    use crate::web::{identity::safe_return_path, sessions};
    let call = crate::ui::server_fns::context::call()?;
    let user = call.domain.sign_in(&call.actor, &email, &password).await?;
    sessions::start(&call.session, &user, None).await?;
    leptos_axum::redirect(&safe_return_path(next.as_deref()));
    Ok(())
}
