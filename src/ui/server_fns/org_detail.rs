use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrgDetail};

#[server(prefix = "/api", endpoint = "org-detail")]
pub async fn load_org_detail(org_id: String) -> Result<OrgDetail, UiError> {
    use crate::{domain::manage_organizations::OrganizationView, ui::model::OrgCrumb};
    let call = super::context::signed_in_call()?;
    let overview = call.domain.organization_overview(&call.actor, &org_id).await?;
    let (org, full_access) = match overview.view {
        OrganizationView::Full(org) => (org, true),
        OrganizationView::NodeOnly(org) => (org, false),
    };
    let hidden = |value: String| if full_access { value } else { String::new() };
    Ok(OrgDetail {
        is_root: org.parent_organization_id.is_none(),
        contact_email: hidden(org.contact_email),
        updates_email: hidden(org.updates_email.unwrap_or_default()),
        logo_url: hidden(org.logo_url.unwrap_or_default()),
        can_have_child_organizations: org.can_have_child_organizations,
        parent_has_access: org.parent_has_access,
        parent_has_access_to_descendants: org.parent_has_access_to_descendants,
        version: org.version,
        path: overview.path.into_iter().map(|p| OrgCrumb { id: p.id, name: p.name }).collect(),
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
