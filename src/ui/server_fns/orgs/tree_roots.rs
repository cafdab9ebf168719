use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationNodeItem};

/// The top of the tree as the caller sees it.
#[server(prefix = "/api", endpoint = "org-tree-roots")]
pub async fn organization_tree_roots() -> Result<Vec<OrganizationNodeItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    Ok(call.domain.tree_roots(&call.actor).await?.into_iter().map(OrganizationNodeItem::from).collect())
}
