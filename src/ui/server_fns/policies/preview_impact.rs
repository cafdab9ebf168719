use leptos::prelude::*;

use crate::ui::{error::UiError, model::ImpactItem};

/// What saving `document` would change for the members of the roles using the policy.
#[server(prefix = "/api", endpoint = "policy-impact")]
pub async fn preview_policy_impact(org_id: String, policy_id: String, document: String) -> Result<ImpactItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let content = super::document::content(&document)?;
    let impact = call.domain.policy_impact(&call.actor, &org_id, Some(&policy_id), &content).await?;
    Ok(ImpactItem::new(impact.roles.into_iter().map(|r| r.name).collect(), impact.members))
}
