use leptos::prelude::*;

use crate::ui::error::UiError;

/// Sets the organization's token policy (from its page).
#[server(prefix = "/api", endpoint = "save-token-policy")]
pub async fn save_token_policy(
    org_id: String,
    max_lifetime_days: String,
    allow_no_expiry: Option<String>,
) -> Result<(), UiError> {
    use crate::domain::{DomainError, tokens::TokenPolicyChanges};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let max_lifetime_days = max_lifetime_days.trim().parse().map_err(|_| {
        DomainError::invalid("max_lifetime_days", "value_error.number", "The longest lifetime is a number of days")
    })?;
    let changes = TokenPolicyChanges {
        max_lifetime_days: Some(max_lifetime_days),
        allow_no_expiry: Some(allow_no_expiry.is_some()),
    };
    call.domain.set_organization_token_policy(&call.actor, &org_id, changes).await?;
    Ok(())
}
