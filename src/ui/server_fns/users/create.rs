// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Creates a user who joins `organization_id` with its default roles. Without a password the
/// account is invited (it cannot sign in until a password is set).
#[server(prefix = "/api", endpoint = "create-user")]
pub async fn create_user(
    email: String,
    first_name: String,
    last_name: String,
    password: String,
    organization_id: String,
) -> Result<(), UiError> {
    use crate::domain::{users::NewAccount, users::UserNames};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let new = NewAccount {
        email,
        names: UserNames { first_name, last_name, preferred_name: String::new() },
        password: Some(password).filter(|p| !p.is_empty()),
        organization_id,
    };
    let account = call.domain.create_user(&call.actor, new).await?;
    let done = format!("Created {} ({})", account.email, account.status.as_str());
    leptos_axum::redirect(&crate::ui::server_fns::with_done(
        &format!("/users?q={}", crate::ui::url::encode(&account.email)),
        &done,
    ));
    Ok(())
}
