use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgSearchHit};

/// Organizations whose name or code contains `q`, each with its path.
#[server(prefix = "/api", endpoint = "search-orgs")]
pub async fn search_orgs(q: String) -> Result<Vec<OrgSearchHit>, UiError> {
    let call = super::context::signed_in_call()?;
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let hits = call.domain.search_organizations(&call.actor, &q, 20).await?;
    Ok(hits.into_iter().map(|(node, path)| hit(node, path)).collect())
}

#[cfg(feature = "ssr")]
pub(crate) fn hit(
    node: crate::domain::organizations::OrganizationNode,
    path: Vec<crate::domain::organizations::OrgLink>,
) -> OrgSearchHit {
    OrgSearchHit {
        node: super::organization_tree::node_item(node),
        path: path.into_iter().map(crate::ui::model::OrgCrumb::from).collect(),
    }
}
