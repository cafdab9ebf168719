use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgNodeItem};

/// The top of the tree as the caller sees it.
#[server(prefix = "/api", endpoint = "org-tree-roots")]
pub async fn org_tree_roots() -> Result<Vec<OrgNodeItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    Ok(call.domain.tree_roots(&call.actor).await?.into_iter().map(OrgNodeItem::from).collect())
}
