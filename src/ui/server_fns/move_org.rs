use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgSearchHit};

/// Where the organization may be moved (invalid targets are never offered).
#[server(prefix = "/api", endpoint = "move-targets")]
pub async fn move_targets(org_id: String, q: String) -> Result<Vec<OrgSearchHit>, UiError> {
    let call = super::context::signed_in_call()?;
    let targets = call.domain.move_targets(&call.actor, &org_id, &q).await?;
    Ok(targets.into_iter().map(|(node, path)| super::search_orgs::hit(node, path)).collect())
}

#[server(prefix = "/api", endpoint = "move-org")]
pub async fn move_org(org_id: String, new_parent_id: String) -> Result<(), UiError> {
    let call = super::context::signed_in_call()?;
    call.domain.move_organization(&call.actor, &org_id, &new_parent_id).await?;
    leptos_axum::redirect(&format!("/orgs/{org_id}"));
    Ok(())
}
