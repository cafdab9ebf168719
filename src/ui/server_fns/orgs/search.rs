use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationSearchHit};

/// Organizations whose name or code contains `q`, each with its path.
#[server(prefix = "/api", endpoint = "search-orgs")]
pub async fn search_organizations(q: String) -> Result<Vec<OrganizationSearchHit>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    if q.trim().is_empty() {
        return Ok(Vec::new());
    }
    let hits = call.domain.search_organizations(&call.actor, &q, 20).await?;
    Ok(hits.into_iter().map(OrganizationSearchHit::from).collect())
}
