//! Committing a change that can alter decisions: the database generation that tells other app
//! servers, and the local cache entries it makes stale.

use sqlx::Row;

use super::cache::Change;
use crate::domain::{AuditEvent, Domain, DomainResult, Mutation, Transaction};

impl Domain {
    /// Commits a change that can alter decisions, and drops what it makes stale.
    pub(crate) async fn commit_authz_change(
        &self,
        mut mutation: Mutation<'_>,
        event: AuditEvent,
        changes: &[Change],
    ) -> DomainResult<()> {
        let generation = bump_generation(mutation.tx()).await?;
        super::broadcast::announce(mutation.tx(), self.db.engine(), generation, changes).await?;
        mutation.commit(event).await?;
        for change in changes {
            self.authz.after_commit(change, generation);
        }
        Ok(())
    }
}

/// Marks a change that can alter decisions; returns the new generation.
async fn bump_generation(tx: &mut Transaction) -> DomainResult<i64> {
    let row = sqlx::query("UPDATE authz_generation SET generation = generation + 1 WHERE id = 1 RETURNING generation")
        .fetch_one(&mut **tx)
        .await?;
    Ok(row.try_get("generation")?)
}

/// Serializes changes whose checks read what a concurrent change could alter: taken as the
/// first statement of the transaction, so that two concurrent moves (A under B, B under A)
/// cannot each pass the cycle check, nor two removals the last-Super-Admin check. A no-op
/// write: a row lock on PostgreSQL, the database write lock on SQLite (taken before the
/// transaction reads anything, so SQLite waits for it instead of failing).
pub async fn serialize_checked_changes(tx: &mut Transaction) -> DomainResult<()> {
    sqlx::query("UPDATE authz_generation SET generation = generation WHERE id = 1").execute(&mut **tx).await?;
    Ok(())
}
