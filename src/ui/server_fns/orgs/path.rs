use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationCrumb};

/// The visible path from the top of the caller's tree down to the organization, itself last.
#[server(prefix = "/api", endpoint = "org-path")]
pub async fn organization_path(org_id: String) -> Result<Vec<OrganizationCrumb>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let path = call.domain.visible_path(&call.actor, &org_id).await?;
    Ok(path.into_iter().map(OrganizationCrumb::from).collect())
}
