// Each argument is one field of the form that posts here.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Saves the settings form. A stale `version` means someone else saved first.
#[server(prefix = "/api", endpoint = "update-org")]
pub async fn update_organization(
    org_id: String,
    version: i64,
    name: String,
    code: Option<String>,
    contact_email: String,
    updates_email: Option<String>,
    logo_url: Option<String>,
    can_have_child_organizations: Option<String>,
    parent_has_access: Option<String>,
    parent_has_access_to_descendants: Option<String>,
) -> Result<i64, UiError> {
    use crate::domain::orgs::OrganizationSettings;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let current = call.domain.visible_organization(&call.actor, &org_id).await?;
    let settings = OrganizationSettings {
        name,
        code,
        contact_email,
        updates_email,
        can_have_child_organizations: can_have_child_organizations.is_some(),
        parent_has_access: parent_has_access.is_some(),
        parent_has_access_to_descendants: parent_has_access_to_descendants.is_some(),
        logo_url,
        metadata: current.metadata,
    };
    Ok(call.domain.update_organization(&call.actor, &org_id, settings, version).await?.version)
}
