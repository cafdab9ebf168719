//! Applies the audit retention setting in the background: at start, then every hour. Several
//! app servers may all run it; a batch another server deleted first is simply not found.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::domain::{Domain, Timestamp};

const EVERY: Duration = Duration::from_secs(60 * 60);

/// Starts the task when a retention is set (by default events are kept forever).
pub fn spawn(domain: Domain, keep_days: Option<u32>) -> Option<JoinHandle<()>> {
    keep_days.map(|keep_days| spawn_every(domain, keep_days, EVERY))
}

/// Applies the retention now, then once every `period`.
pub fn spawn_every(domain: Domain, keep_days: u32, period: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        loop {
            ticks.tick().await;
            match domain.apply_audit_retention(keep_days, Timestamp::now()).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, keep_days, "audit events past retention deleted"),
                Err(error) => tracing::error!(%error, "could not apply the audit retention"),
            }
        }
    })
}
