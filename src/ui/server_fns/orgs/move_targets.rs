use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationSearchHit};

/// Where the organization may be moved (invalid targets are never offered).
#[server(prefix = "/api", endpoint = "move-targets")]
pub async fn move_targets(org_id: String, q: String) -> Result<Vec<OrganizationSearchHit>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let targets = call.domain.move_targets(&call.actor, &org_id, &q).await?;
    Ok(targets.into_iter().map(|(node, path)| OrganizationSearchHit::from((node, path))).collect())
}
