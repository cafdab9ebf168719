use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgSearchHit};

/// Organizations whose name or code contains `q`, each with its path.
#[server(prefix = "/api", endpoint = "search-orgs")]
pub async fn search_orgs(q: String) -> Result<Vec<OrgSearchHit>, UiError> {
    search_orgs_inner(&super::context::signed_in_call()?, &q).await
}

#[cfg(feature = "ssr")]
pub(crate) async fn search_orgs_inner(call: &super::context::Call, q: &str) -> Result<Vec<OrgSearchHit>, UiError> {
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let hits = call.domain.search_organizations(&call.actor, q, 20).await?;
    Ok(hits
        .into_iter()
        .map(|(node, path)| OrgSearchHit {
            node: super::organization_tree::node_item(node),
            path: path.into_iter().map(|p| crate::ui::model::OrgCrumb { id: p.id, name: p.name }).collect(),
        })
        .collect())
}
