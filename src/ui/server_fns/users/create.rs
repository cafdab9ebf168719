// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// What the caller must hold in the organization a new user joins: the form's picker offers only
/// those.
pub const JOIN_PERMISSION: &str = "member:assign";

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
    use crate::{
        domain::{explorer::parse_permission, users::NewAccount, users::UserNames},
        ui::{model::PickKind, server_fns::pick::named_or_suggested},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    // Looked up first so that an organization the caller cannot add users to is refused under
    // its field, with the names they may have meant.
    let typed = organization_id.trim();
    let org = call
        .domain
        .authorized_organization(&call.actor, typed, &parse_permission("organization_id", JOIN_PERMISSION)?)
        .await;
    let message = "No organization you may add users to has this code or id".to_owned();
    let org =
        named_or_suggested(&call, org, (PickKind::Organization, JOIN_PERMISSION, typed), "organization_id", message)
            .await?;
    let new = NewAccount {
        email,
        names: UserNames { first_name, last_name, preferred_name: String::new() },
        password: Some(password).filter(|p| !p.is_empty()),
        organization_id: org.id,
    };
    let account = call.domain.create_user(&call.actor, new).await?;
    let done = format!("Created {} ({})", account.email, account.status.as_str());
    leptos_axum::redirect(&crate::ui::server_fns::with_done(
        &format!("/users?q={}", crate::ui::url::encode(&account.email)),
        &done,
    ));
    Ok(())
}
