// One argument per form field: the generated client and server functions take them all.
#![allow(clippy::too_many_arguments)]
use leptos::prelude::*;

use crate::ui::{error::UiError, model::AuditEventsPage};

/// `/orgs/:id/audit`: a page of the organization's audit log, newest first.
#[server(prefix = "/api", endpoint = "audit-events")]
pub async fn list_audit_events(
    org_id: String,
    actor: String,
    action: String,
    target_type: String,
    target_id: String,
    from: String,
    to: String,
    q: String,
    below: String,
    cursor: String,
) -> Result<AuditEventsPage, UiError> {
    use crate::{domain::audit::AuditFilter, ui::model::AuditRow};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let given = |text: String| Some(text).filter(|t| !t.trim().is_empty());
    let filter = AuditFilter {
        actor: given(actor),
        action: given(action),
        target_type: given(target_type),
        target_id: given(target_id),
        from: given(from),
        until: given(to),
        text: given(q),
        // "on": the checkbox "include suborganizations" was ticked.
        include_descendants: below == "on",
        cursor: given(cursor),
        limit: 50,
    };
    let page = call.domain.audit_log(&call.actor, &org.id, &filter).await?;
    Ok(AuditEventsPage {
        org_name: org.name,
        events: page.events.into_iter().map(AuditRow::new).collect(),
        next_cursor: page.next_cursor,
        searched_to: page.searched_to,
        target_id: page.target_id.unwrap_or_default(),
    })
}
