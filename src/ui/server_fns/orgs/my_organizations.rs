use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationItem};

/// The organizations the caller is a member of.
#[server(prefix = "/api", endpoint = "my-organizations")]
pub async fn my_organizations() -> Result<Vec<OrganizationItem>, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let organizations = call.domain.my_organizations(&call.actor).await?;
    Ok(organizations.into_iter().map(OrganizationItem::from).collect())
}
