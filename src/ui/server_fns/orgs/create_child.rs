// Each argument is one field of the form that posts here.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Creates a child organization and opens it. Checkboxes arrive as `Some("on")` when ticked.
#[server(prefix = "/api", endpoint = "create-child-org")]
pub async fn create_child_organization(
    parent_id: String,
    name: String,
    code: Option<String>,
    contact_email: String,
    can_have_child_organizations: Option<String>,
    parent_has_access: Option<String>,
    parent_has_access_to_descendants: Option<String>,
    first_admin_email: Option<String>,
) -> Result<(), UiError> {
    use crate::{
        domain::orgs::{NewOrganization, OrganizationSettings},
        ui::model::PickKind,
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let first_admin_user_id = match first_admin_email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => {
            let user = call.domain.visible_user_by_id_or_email(&call.actor, email).await;
            let message = "No user you can see has this email address".to_owned();
            let asked = (PickKind::User, "", email);
            Some(
                crate::ui::server_fns::pick::named_or_suggested(&call, user, asked, "first_admin_email", message)
                    .await?
                    .id,
            )
        }
        None => None,
    };
    let settings = OrganizationSettings {
        name,
        code,
        contact_email,
        updates_email: None,
        can_have_child_organizations: can_have_child_organizations.is_some(),
        parent_has_access: parent_has_access.is_some(),
        parent_has_access_to_descendants: parent_has_access_to_descendants.is_some(),
        logo_url: None,
        metadata: serde_json::json!({}),
    };
    let org = call
        .domain
        .create_organization(&call.actor, NewOrganization { parent_id, settings, first_admin_user_id })
        .await?;
    leptos_axum::redirect(&format!("/orgs/{}", org.id));
    Ok(())
}
