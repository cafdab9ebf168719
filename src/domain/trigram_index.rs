//! Creating an engine's trigram index once, after the migrations (which stay the same for both
//! engines): the users' search (`users/search_index.rs`) and the audit log's text search
//! (`audit/search_index.rs`). Each engine may lack what it takes (pg_trgm not installable, FTS5
//! not built in): the search then works without, more slowly, and the log says so once.

use sqlx::{Executor, Row};

use super::{DomainResult, db::Database};

/// Creates pg_trgm (trusted since PostgreSQL 13: a database owner may create it), then runs
/// `create_index` (idempotent: `IF NOT EXISTS`); whether both worked. `without` says what
/// searches do if not.
pub async fn postgres(db: &Database, create_index: &str, without: &str) -> bool {
    let created = async {
        db.pool().execute("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
        db.pool().execute(create_index).await
    }
    .await;
    match created {
        Ok(_) => true,
        Err(error) => {
            tracing::warn!(%error, "pg_trgm is unavailable: {without}");
            false
        }
    }
}

/// Whether SQLite's FTS5 table `table` exists, creating it with `create` (its tables, its
/// first rows and the triggers that keep it in step, in one transaction) when missing.
pub async fn sqlite(db: &Database, table: &str, create: &str, without: &str) -> DomainResult<bool> {
    let mut tx = db.begin().await?;
    let existing = sqlx::query("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = $1")
        .bind(table)
        .fetch_one(&mut *tx)
        .await?
        .try_get::<i64, _>("n")?;
    if existing > 0 {
        return Ok(true);
    }
    match (&mut *tx).execute(create).await {
        Ok(_) => {
            tx.commit().await?;
            Ok(true)
        }
        Err(error) => {
            tracing::warn!(%error, "SQLite's FTS5 trigram index is unavailable: {without}");
            Ok(false)
        }
    }
}
