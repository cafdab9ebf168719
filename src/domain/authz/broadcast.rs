//! Telling the other app servers on the same PostgreSQL database what changed, so that each
//! patches or drops only what a change affects instead of its whole decision cache.
//!
//! Every change that can alter a decision sends, in its own transaction, a notice on the
//! [`CHANNEL`] with the generation it produced and the [`Change`]s (PostgreSQL delivers it at
//! commit, in commit order). Each server listens on its own connection and applies the notices
//! in order; one missed (a gap in generations, a lost connection) drops everything, and while
//! not listening the cache falls back to checking the generation (see `cache.rs`). SQLite is one
//! server: nothing is sent.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::PgListener;

use super::cache::{AuthzCache, Change};
use crate::domain::{Database, DomainResult, Engine, Transaction};

pub const CHANNEL: &str = "warden_authz";
/// PostgreSQL's limit on a notice is 8,000 bytes; bigger lists of changes are sent as "drop
/// everything".
const MAX_NOTICE_BYTES: usize = 7_500;

/// What one committed change tells the other servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub generation: i64,
    /// `None`: too much changed to list; drop everything.
    pub changes: Option<Vec<Change>>,
}

/// Sends the notice of a change, inside its transaction (PostgreSQL only).
pub async fn announce(tx: &mut Transaction, engine: Engine, generation: i64, changes: &[Change]) -> DomainResult<()> {
    if engine != Engine::Postgres {
        return Ok(());
    }
    let listed = Notice { generation, changes: Some(changes.to_vec()) };
    let mut payload = serde_json::to_string(&listed).unwrap_or_default();
    if payload.is_empty() || payload.len() > MAX_NOTICE_BYTES {
        payload = serde_json::to_string(&Notice { generation, changes: None }).unwrap_or_default();
    }
    sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(&mut **tx).await?;
    Ok(())
}

/// Starts listening for other servers' notices, for as long as the process runs (PostgreSQL
/// only; needs a Tokio runtime).
pub fn listen(db: &Database, cache: AuthzCache) {
    if db.engine() != Engine::Postgres || tokio::runtime::Handle::try_current().is_err() {
        return;
    }
    let url = db.url().to_owned();
    tokio::spawn(async move {
        loop {
            if let Ok(mut listener) = PgListener::connect(&url).await
                && listener.listen(CHANNEL).await.is_ok()
            {
                // Notices sent before now were missed: start over from the database.
                cache.listening(true);
                // `Ok(None)`: the connection was lost, and notices with it.
                while let Ok(Some(notification)) = listener.try_recv().await {
                    match serde_json::from_str::<Notice>(notification.payload()) {
                        Ok(notice) => cache.apply_notice(&notice),
                        Err(_) => cache.listening(true),
                    }
                }
                cache.listening(false);
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}
