use leptos::prelude::*;

use crate::ui::{error::UiError, model::OrganizationPermissionsPage};

/// Organizations per page of the answer.
#[cfg(feature = "ssr")]
const ORGANIZATIONS_PER_PAGE: usize = 50;

/// The access explorer's "where can this user do anything, and what?" (`user`: email or id), a
/// page at a time (`cursor`: empty for the first).
#[server(prefix = "/api", endpoint = "effective-permissions")]
pub async fn effective_permissions(user: String, cursor: String) -> Result<OrganizationPermissionsPage, UiError> {
    use crate::ui::model::OrganizationPermissionsItem;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let cursor = Some(cursor.as_str()).filter(|c| !c.is_empty());
    let page = call.domain.effective_permissions(&call.actor, user.trim(), cursor, ORGANIZATIONS_PER_PAGE).await?;
    let orgs = page
        .organizations
        .into_iter()
        .map(|o| OrganizationPermissionsItem { org_id: o.org_id, org_name: o.org_name, permissions: o.permissions })
        .collect();
    Ok(OrganizationPermissionsPage { orgs, next_cursor: page.next_cursor })
}
