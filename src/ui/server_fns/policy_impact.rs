use leptos::prelude::*;

use crate::ui::{error::UiError, model::ImpactItem};

/// The preview as the page shows it.
#[cfg(feature = "ssr")]
pub fn impact_item(
    roles: Vec<String>,
    member_count: usize,
    affected_member_count: usize,
    shifts: Vec<crate::domain::impact::PermissionShift>,
) -> ImpactItem {
    use crate::ui::model::ShiftItem;
    ImpactItem {
        roles,
        member_count,
        affected_member_count,
        shifts: shifts
            .into_iter()
            .map(|s| ShiftItem {
                permission: s.permission,
                gain: s.change == "gain",
                member_count: s.member_count,
                first_names: s.first_names,
            })
            .collect(),
    }
}

/// What saving `document` would change for the members of the roles using the policy.
#[server(prefix = "/api", endpoint = "policy-impact")]
pub async fn preview_policy_impact(org_id: String, policy_id: String, document: String) -> Result<ImpactItem, UiError> {
    let call = super::context::signed_in_call()?;
    let content = super::policy_document::content(&document)?;
    let impact = call.domain.policy_impact(&call.actor, &org_id, Some(&policy_id), &content).await?;
    Ok(impact_item(
        impact.roles.into_iter().map(|r| r.name).collect(),
        impact.member_count,
        impact.affected_member_count,
        impact.shifts,
    ))
}
