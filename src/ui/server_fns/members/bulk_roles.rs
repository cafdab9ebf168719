// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Adds (`change` = "add") or removes a role for the selected members, then returns to the
/// list with what was done. `role_filter_id` is the list's role filter as the confirmation
/// resolved it; `role` the filter as typed, for the way back.
#[server(prefix = "/api", endpoint = "bulk-member-roles")]
pub async fn bulk_member_roles(
    org_id: String,
    change: String,
    role_id: String,
    ids: String,
    all: Option<String>,
    q: String,
    role: String,
    role_filter_id: String,
) -> Result<(), UiError> {
    use crate::domain::members::BulkRoleChange;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let change = if change == "remove" { BulkRoleChange::Remove } else { BulkRoleChange::Add };
    let ids = super::split_ids(&ids);
    let all = all.is_some_and(|a| !a.is_empty());
    // "Every match" of a filtered list covers the role its confirmation resolved, checked
    // again here; a filter without it is refused rather than dropped (that would widen the
    // change to every member matching the search).
    let role_filter_id = match (all && !role.trim().is_empty(), role_filter_id.trim()) {
        (false, _) => String::new(),
        (true, "") => {
            return Err(UiError::invalid_field("role", "Confirm the change again: the role filter was not resolved"));
        }
        (true, id) => call.domain.member_role_filter(&call.actor, &org_id, id).await?,
    };
    let outcome = call
        .domain
        .bulk_role_change(&call.actor, &org_id, change, &role_id, super::selection(&ids, all, &q, &role_filter_id))
        .await?;
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
