use leptos::prelude::*;

use crate::ui::error::UiError;

/// Deletes a policy, taking it out of the roles that use it when `detach` is ticked.
#[server(prefix = "/api", endpoint = "delete-policy")]
pub async fn delete_policy(org_id: String, policy_id: String, detach: Option<String>) -> Result<(), UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    call.domain.delete_policy(&call.actor, &org_id, &policy_id, detach.is_some()).await?;
    leptos_axum::redirect(&format!("/orgs/{org_id}/policies"));
    Ok(())
}
