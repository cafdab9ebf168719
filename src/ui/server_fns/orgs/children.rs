use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationNodeItem};

/// One level of children, loaded when a node is expanded.
#[server(prefix = "/api", endpoint = "org-children")]
pub async fn organization_children(org_id: String) -> Result<Vec<OrganizationNodeItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    Ok(call
        .domain
        .organization_children(&call.actor, &org_id)
        .await?
        .into_iter()
        .map(OrganizationNodeItem::from)
        .collect())
}
