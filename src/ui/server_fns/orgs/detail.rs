use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationDetail};

#[server(prefix = "/api", endpoint = "org-detail")]
pub async fn load_organization_detail(org_id: String) -> Result<OrganizationDetail, UiError> {
    use crate::{
        domain::orgs::OrganizationView,
        ui::model::{FlagPreviewItem, ImpactItem, OrganizationCrumb},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let overview = call.domain.organization_overview(&call.actor, &org_id).await?;
    let (org, full_access) = match overview.view {
        OrganizationView::Full(org) => (org, true),
        OrganizationView::NodeOnly(org) => (org, false),
    };
    // What flipping each access flag would do, computed only for whoever may change them.
    let mut flag_previews = Vec::new();
    if full_access && overview.may_update && org.parent_organization_id.is_some() {
        let (pha, ptd) = (org.parent_has_access, org.parent_has_access_to_descendants);
        for (flag, flipped) in [("parent_has_access", (!pha, ptd)), ("parent_has_access_to_descendants", (pha, !ptd))] {
            let preview = call.domain.access_flags_impact(&call.actor, &org.id, flipped.0, flipped.1).await?;
            flag_previews.push(FlagPreviewItem {
                flag: flag.to_owned(),
                turning_on: if flag == "parent_has_access" { flipped.0 } else { flipped.1 },
                refused: preview.refused.into_iter().map(|m| m.permission).collect(),
                impact: ImpactItem::new(Vec::new(), preview.shifts),
            });
        }
    }
    let token_policy = match full_access {
        true => Some(call.domain.organization_token_policy(&call.actor, &org.id).await?).map(|p| {
            crate::ui::model::TokenPolicyItem {
                max_lifetime_days: p.max_lifetime_days,
                allow_no_expiry: p.allow_no_expiry,
            }
        }),
        false => None,
    };
    let may_read_tokens = full_access
        && call
            .domain
            .may(&call.actor, &org.id, &crate::domain::authz::permissions::Permission::new("token", "read"))
            .await?;
    let may_read_sso = full_access && call.domain.may_read_sso(&call.actor, &org.id).await?;
    let may_read_audit = full_access && call.domain.may_read_audit(&call.actor, &org.id).await?;
    // Without it the page still works: only the sentence saying what deleting takes is missing.
    let deletion_impact = match overview.may_delete {
        true => call
            .domain
            .organization_deletion_impact(&call.actor, &org.id)
            .await
            .inspect_err(|error| tracing::warn!(%error, "could not count what deleting the organization removes"))
            .ok()
            .map(|impact| crate::ui::model::DeletionImpactItem {
                organizations: impact.organizations,
                memberships: impact.memberships,
                roles: impact.roles,
                api_tokens: impact.api_tokens,
            }),
        false => None,
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
        flag_previews,
        token_policy,
        may_read_tokens,
        may_read_sso,
        may_read_audit,
        deletion_impact,
        id: org.id,
        name: org.name,
        code: org.code,
        full_access,
    })
}
