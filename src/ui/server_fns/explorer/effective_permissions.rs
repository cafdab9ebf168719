use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationPermissionsItem};

/// The access explorer's "where can this user do anything, and what?" (`user`: email or id).
#[server(prefix = "/api", endpoint = "effective-permissions")]
pub async fn effective_permissions(user: String) -> Result<Vec<OrganizationPermissionsItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let orgs = call.domain.effective_permissions(&call.actor, user.trim()).await?;
    Ok(orgs
        .into_iter()
        .map(|o| OrganizationPermissionsItem { org_id: o.org_id, org_name: o.org_name, permissions: o.permissions })
        .collect())
}
