//! Housekeeping in the background, every hour from the start: the query planner's statistics
//! (see `Database::refresh_statistics`), PostgreSQL's search indexes that another server was
//! building (`Database::prepare_search_again`), and the audit retention when one is set (by default
//! events are kept forever). Several app servers may all run it: statistics are refreshed only
//! where stale, and a retention batch another server deleted first is simply not found.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::domain::{Domain, Timestamp};

const EVERY: Duration = Duration::from_secs(60 * 60);

pub fn spawn(domain: Domain, audit_retention_days: Option<u32>) -> JoinHandle<()> {
    spawn_every(domain, audit_retention_days, EVERY)
}

/// Runs the housekeeping now, then once every `period`.
pub fn spawn_every(domain: Domain, audit_retention_days: Option<u32>, period: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            if let Err(error) = domain.db().refresh_statistics().await {
                tracing::error!(%error, "could not refresh the database's statistics");
            }
            if let Err(error) = domain.db().prepare_search_again().await {
                tracing::error!(%error, "could not look at the search indexes again");
            }
            let Some(keep_days) = audit_retention_days else { continue };
            match domain.apply_audit_retention(keep_days, Timestamp::now()).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, keep_days, "audit events past retention deleted"),
                Err(error) => tracing::error!(%error, "could not apply the audit retention"),
            }
        }
    })
}
