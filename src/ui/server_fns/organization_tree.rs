use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgNodeItem};

#[cfg(feature = "ssr")]
pub(crate) fn node_item(node: crate::domain::organizations::OrganizationNode) -> OrgNodeItem {
    OrgNodeItem {
        id: node.id,
        name: node.name,
        code: node.code,
        child_count: node.child_count,
        member_count: node.member_count,
        can_have_children: node.can_have_child_organizations,
    }
}

/// The top of the tree as the caller sees it.
#[server(prefix = "/api", endpoint = "org-tree-roots")]
pub async fn org_tree_roots() -> Result<Vec<OrgNodeItem>, UiError> {
    let call = super::context::signed_in_call()?;
    Ok(call.domain.tree_roots(&call.actor).await?.into_iter().map(node_item).collect())
}

/// One level of children, loaded when a node is expanded.
#[server(prefix = "/api", endpoint = "org-children")]
pub async fn org_children(org_id: String) -> Result<Vec<OrgNodeItem>, UiError> {
    let call = super::context::signed_in_call()?;
    Ok(call.domain.organization_children(&call.actor, &org_id).await?.into_iter().map(node_item).collect())
}
