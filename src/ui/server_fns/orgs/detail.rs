use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationDetail};

#[server(prefix = "/api", endpoint = "org-detail")]
pub async fn load_organization_detail(org_id: String) -> Result<OrganizationDetail, UiError> {
    use crate::{domain::orgs::OrganizationView, ui::model::OrganizationCrumb};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let overview = call.domain.organization_overview(&call.actor, &org_id).await?;
    let (org, full_access) = match overview.view {
        OrganizationView::Full(org) => (org, true),
        OrganizationView::NodeOnly(org) => (org, false),
    };
    // Seen only through its parent, an organization's settings are not sent at all.
    let hidden = |value: String| if full_access { value } else { String::new() };
    let flag = |value: bool| full_access && value;
    Ok(OrganizationDetail {
        is_root: org.parent_organization_id.is_none(),
        contact_email: hidden(org.contact_email),
        updates_email: hidden(org.updates_email.unwrap_or_default()),
        logo_url: hidden(org.logo_url.unwrap_or_default()),
        can_have_child_organizations: org.can_have_child_organizations,
        parent_has_access: flag(org.parent_has_access),
        parent_has_access_to_descendants: flag(org.parent_has_access_to_descendants),
        version: if full_access { org.version } else { 0 },
        path: overview.path.into_iter().map(OrganizationCrumb::from).collect(),
        may_update: overview.may_update,
        may_create_child: overview.may_create_child,
        may_move: overview.may_move,
        may_delete: overview.may_delete,
        id: org.id,
        name: org.name,
        code: org.code,
        full_access,
    })
}
