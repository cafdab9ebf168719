use leptos::prelude::*;

use crate::ui::{error::UiError, model::ImpactItem};

/// What saving `document` would change for the members of the roles using the policy.
#[server(prefix = "/api", endpoint = "policy-impact")]
pub async fn preview_policy_impact(org_id: String, policy_id: String, document: String) -> Result<ImpactItem, UiError> {
    use crate::ui::model::ShiftItem;
    let call = super::context::signed_in_call()?;
    let content = super::policy_document::content(&document)?;
    let impact = call.domain.policy_impact(&call.actor, &org_id, Some(&policy_id), &content).await?;
    Ok(ImpactItem {
        roles: impact.roles.into_iter().map(|r| r.name).collect(),
        member_count: impact.member_count,
        affected_member_count: impact.affected_member_count,
        shifts: impact
            .shifts
            .into_iter()
            .map(|s| ShiftItem {
                permission: s.permission,
                gain: s.change == "gain",
                member_count: s.member_count,
                first_names: s.first_names,
            })
            .collect(),
    })
}
