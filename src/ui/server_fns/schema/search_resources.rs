use leptos::prelude::*;

use crate::ui::{error::UiError, model::InstanceItem};

/// The instance picker's search-as-you-type over an organization's registered resources.
#[server(prefix = "/api", endpoint = "search-resources")]
pub async fn search_resources(org_id: String, resource_type: String, q: String) -> Result<Vec<InstanceItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let found = call.domain.list_resources(&call.actor, &org_id, &resource_type, Some(&q), None, 20).await?;
    Ok(found
        .resources
        .into_iter()
        .map(|r| InstanceItem { resource_type: r.resource_type, id: r.id, name: r.name })
        .collect())
}
