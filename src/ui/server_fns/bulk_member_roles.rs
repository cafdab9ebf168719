use leptos::prelude::*;

use crate::ui::{error::UiError, model::BulkPreviewItem};

/// Which members a bulk change covers, as the page's query carries it: the ticked `ids`
/// (comma-separated), or, with `all`, every member matching `q` and `role`.
#[cfg(feature = "ssr")]
fn selection<'a>(
    ids: &'a [String],
    all: bool,
    q: &'a str,
    role: &'a str,
) -> crate::domain::members::MemberSelection<'a> {
    use crate::domain::members::MemberSelection;
    if all {
        MemberSelection::Matching {
            q: Some(q.trim()).filter(|q| !q.is_empty()),
            role_id: Some(role).filter(|r| !r.is_empty()),
            status: None,
        }
    } else {
        MemberSelection::Users(ids)
    }
}

#[cfg(feature = "ssr")]
fn split_ids(ids: &str) -> Vec<String> {
    ids.split(',').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect()
}

/// The confirmation's count: how many members the change would touch.
#[server(prefix = "/api", endpoint = "preview-bulk-member-roles")]
pub async fn preview_bulk_member_roles(
    org_id: String,
    role_id: String,
    ids: String,
    all: bool,
    q: String,
    role: String,
) -> Result<BulkPreviewItem, UiError> {
    let call = super::context::signed_in_call()?;
    let ids = split_ids(&ids);
    let preview =
        call.domain.preview_bulk_role_change(&call.actor, &org_id, &role_id, selection(&ids, all, &q, &role)).await?;
    Ok(BulkPreviewItem { role_id: preview.role_id, role_name: preview.role_name, selected: preview.selected })
}

/// Adds (`change` = "add") or removes a role for the selected members, then returns to the
/// list with what was done.
#[server(prefix = "/api", endpoint = "bulk-member-roles")]
pub async fn bulk_member_roles(
    org_id: String,
    change: String,
    role_id: String,
    ids: String,
    all: Option<String>,
    q: String,
    role: String,
) -> Result<(), UiError> {
    use crate::domain::bulk_member_roles::BulkRoleChange;
    let call = super::context::signed_in_call()?;
    let change = if change == "remove" { BulkRoleChange::Remove } else { BulkRoleChange::Add };
    let ids = split_ids(&ids);
    let all = all.is_some_and(|a| !a.is_empty());
    let outcome =
        call.domain.bulk_role_change(&call.actor, &org_id, change, &role_id, selection(&ids, all, &q, &role)).await?;
    let verb = if change == BulkRoleChange::Add { "Added" } else { "Removed" };
    let done =
        format!("{verb} role {} for {} of {} selected member(s)", outcome.role_name, outcome.changed, outcome.selected);
    leptos_axum::redirect(&format!(
        "/orgs/{org_id}/members?q={}&role={}&done={}",
        crate::ui::url::encode(&q),
        crate::ui::url::encode(&role),
        crate::ui::url::encode(&done)
    ));
    Ok(())
}
