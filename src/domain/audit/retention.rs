//! Retention: the one way events leave the log. Nothing else updates or deletes them.

use time::Duration;

use super::{AuditEvent, Mutation};
use crate::domain::{Actor, Domain, DomainResult, Timestamp};

/// Deleted per transaction, so that a large backlog never holds the log's writers for long.
const BATCH: i64 = 10_000;

impl Domain {
    /// Deletes the events of the days that ended more than `keep_days` days before `now` (UTC
    /// midnights: whole days go, never part of one). Each batch deleted is recorded, as an
    /// event of Warden itself, in the same transaction; a run that finds nothing records
    /// nothing. Answers how many events were deleted.
    pub async fn apply_audit_retention(&self, keep_days: u32, now: Timestamp) -> DomainResult<u64> {
        let before = now.start_of_day().minus(Duration::days(i64::from(keep_days))).to_rfc3339();
        let actor = Actor::system();
        let mut deleted = 0;
        loop {
            let mut mutation = Mutation::begin(&self.db, &actor).await?;
            // The batch's subjects first, chosen the same way (the same oldest events).
            sqlx::query(
                "DELETE FROM audit_event_subjects WHERE event_id IN \
                 (SELECT id FROM audit_events WHERE at < $1 ORDER BY at, id LIMIT $2)",
            )
            .bind(&before)
            .bind(BATCH)
            .execute(&mut **mutation.tx())
            .await?;
            let batch = sqlx::query(
                "DELETE FROM audit_events WHERE id IN \
                 (SELECT id FROM audit_events WHERE at < $1 ORDER BY at, id LIMIT $2)",
            )
            .bind(&before)
            .bind(BATCH)
            .execute(&mut **mutation.tx())
            .await?
            .rows_affected();
            if batch == 0 {
                return Ok(deleted);
            }
            let event = AuditEvent::new("audit.retention_applied").after(serde_json::json!({
                "keep_days": keep_days,
                "deleted_before": before,
                "deleted": batch,
            }));
            mutation.commit(event).await?;
            deleted += batch;
        }
    }
}
