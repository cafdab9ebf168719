use leptos::prelude::*;

use crate::ui::{error::UiError, model::ChildrenPageItem};

/// A page of one level of children, loaded when a node is expanded (and on "Show more");
/// `including` is the child the tree is opened down to.
#[server(prefix = "/api", endpoint = "org-children")]
pub async fn organization_children(
    org_id: String,
    cursor: Option<String>,
    including: Option<String>,
) -> Result<ChildrenPageItem, UiError> {
    /// How many children a tree row shows at a time.
    const CHILDREN_PER_PAGE: usize = 50;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let query = crate::domain::orgs::ChildrenQuery {
        cursor: cursor.as_deref(),
        limit: CHILDREN_PER_PAGE,
        including: including.as_deref(),
    };
    Ok(call.domain.organization_children(&call.actor, &org_id, &query).await?.into())
}
