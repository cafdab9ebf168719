use leptos::prelude::*;

use crate::ui::{error::UiError, model::BulkPreviewItem};

/// The confirmation's count: how many members the change would touch. `role_id` is the role
/// picker's entry (an id or a name), `role` the list's role filter (the same).
#[server(prefix = "/api", endpoint = "preview-bulk-member-roles")]
pub async fn preview_bulk_member_roles(
    org_id: String,
    role_id: String,
    ids: String,
    all: bool,
    q: String,
    role: String,
) -> Result<BulkPreviewItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let ids = super::split_ids(&ids);
    let role_id =
        crate::ui::server_fns::roles::role_to_grant(&call, &org_id, &role_id, "bulk_role").await?.unwrap_or_default();
    let filter = super::role_filter(&call, &org_id, &role).await?.unwrap_or_default();
    let preview = call
        .domain
        .preview_bulk_role_change(&call.actor, &org_id, &role_id, super::selection(&ids, all, &q, &filter))
        .await?;
    Ok(BulkPreviewItem {
        role_id: preview.role_id,
        role_name: preview.role_name,
        selected: preview.selected,
        filter_role_id: filter,
    })
}
