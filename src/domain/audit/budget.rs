//! Events anyone can cause without signing in (single sign-on starts and failures, failed and
//! throttled sign-ins with an email nobody has): at most [`PER_MINUTE`] are written a minute for one
//! action in one organization (sign-ins belong to none: one budget for all); past that they are
//! counted, and the next event written says how many were not (`unrecorded_before`). A flood
//! then adds a bounded number of rows to the log, however many addresses it comes from.

use serde_json::Value;
use sqlx::Row;

use super::AuditEvent;
use crate::domain::{DomainResult, Timestamp, Transaction};

pub const PER_MINUTE: i64 = 60;

/// Counts `event` against its budget at `now`: the event to write (saying how many before it
/// were not), or `None` when the minute's budget is spent.
pub(super) async fn admit(
    tx: &mut Transaction,
    mut event: AuditEvent,
    now: Timestamp,
) -> DomainResult<Option<AuditEvent>> {
    // Every SET expression reads the row as it was before this event.
    let to_say: i64 = sqlx::query(
        "INSERT INTO audit_event_budget (action, org_id, minute, recorded, unrecorded, to_say) \
         VALUES ($1, $2, $3, 1, 0, 0) \
         ON CONFLICT (action, org_id) DO UPDATE SET \
           to_say = CASE \
             WHEN audit_event_budget.minute <> $3 OR audit_event_budget.recorded < $4 \
               THEN audit_event_budget.unrecorded \
             ELSE -1 END, \
           unrecorded = CASE \
             WHEN audit_event_budget.minute <> $3 OR audit_event_budget.recorded < $4 THEN 0 \
             ELSE audit_event_budget.unrecorded + 1 END, \
           recorded = CASE \
             WHEN audit_event_budget.minute <> $3 THEN 1 \
             WHEN audit_event_budget.recorded < $4 THEN audit_event_budget.recorded + 1 \
             ELSE audit_event_budget.recorded END, \
           minute = $3 \
         RETURNING to_say",
    )
    .bind(event.action)
    .bind(event.org_id.clone().unwrap_or_default())
    .bind(now.minute())
    .bind(PER_MINUTE)
    .fetch_one(&mut **tx)
    .await?
    .try_get("to_say")?;
    if to_say < 0 {
        return Ok(None);
    }
    if to_say > 0 {
        let mut after = match event.after.take() {
            Some(Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        after.insert("unrecorded_before".to_owned(), Value::from(to_say));
        event.after = Some(Value::Object(after));
    }
    Ok(Some(event))
}
