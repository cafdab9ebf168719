use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgSearchHit};

/// Where an organization may be moved: matching orgs that can have children, outside its own
/// subtree, other than its current parent.
#[server(prefix = "/api", endpoint = "move-targets")]
pub async fn move_targets(org_id: String, q: String) -> Result<Vec<OrgSearchHit>, UiError> {
    let call = super::context::signed_in_call()?;
    let org = call.domain.resolve_organization(&org_id).await?;
    let hits = super::search_orgs::search_orgs_inner(&call, &q).await?;
    Ok(hits
        .into_iter()
        .filter(|hit| {
            hit.node.can_have_children
                && hit.node.id != org.id
                && Some(&hit.node.id) != org.parent_organization_id.as_ref()
                && !hit.path.iter().any(|p| p.id == org.id)
        })
        .collect())
}

#[server(prefix = "/api", endpoint = "move-org")]
pub async fn move_org(org_id: String, new_parent_id: String) -> Result<(), UiError> {
    let call = super::context::signed_in_call()?;
    call.domain.move_organization(&call.actor, &org_id, &new_parent_id).await?;
    leptos_axum::redirect(&format!("/orgs/{org_id}"));
    Ok(())
}
