use leptos::prelude::*;

use crate::ui::{error::UiError, model::DeletionImpactItem};

#[server(prefix = "/api", endpoint = "org-deletion-impact")]
pub async fn organization_deletion_impact(org_id: String) -> Result<DeletionImpactItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let impact = call.domain.organization_deletion_impact(&call.actor, &org_id).await?;
    Ok(DeletionImpactItem {
        organizations: impact.organizations,
        memberships: impact.memberships,
        roles: impact.roles,
        api_tokens: impact.api_tokens,
    })
}
