use leptos::prelude::*;

use crate::ui::{error::UiError, model::ImpactItem};

/// What making the role (`role_id` empty: a new one) consist of `policy_ids` would change.
#[server(prefix = "/api", endpoint = "role-impact")]
pub async fn preview_role_impact(
    org_id: String,
    role_id: String,
    // A new role with no policy ticked sends none: an empty list, not a missing argument.
    #[server(default)] policy_ids: Vec<String>,
) -> Result<ImpactItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let role_id = Some(role_id.as_str()).filter(|id| !id.is_empty());
    let impact = call.domain.role_impact(&call.actor, &org_id, role_id, &policy_ids).await?;
    Ok(ImpactItem::new(Vec::new(), impact))
}
