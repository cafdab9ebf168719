//! Creating an engine's trigram index once, after the migrations (which stay the same for both
//! engines): the users' search (`users/search_index.rs`) and the audit log's text search
//! (`audit/search_index.rs`). Each engine may lack what it takes (pg_trgm not installable, FTS5
//! not built in): the search then works without, more slowly, and the log says so once.

use sqlx::{Executor, Row};

use super::{DomainResult, db::Database};

/// Creates pg_trgm (trusted since PostgreSQL 13: a database owner may create it), then the
/// index `name` `ON {on}` if missing; whether both worked. `without` says what searches do if
/// not. The index is built `CONCURRENTLY`: on a table that already holds rows (a deployment
/// upgrading to the version that adds it) writes go on while it is built. A build that was
/// interrupted leaves an invalid index behind, which `IF NOT EXISTS` would keep for good: it is
/// dropped and built again, unless another server is building it right now.
pub async fn postgres(db: &Database, name: &str, on: &str, without: &str) -> bool {
    let created = async {
        db.pool().execute("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
        let abandoned: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 \
             AND NOT i.indisvalid AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid)",
        )
        .bind(name)
        .fetch_one(db.pool())
        .await?;
        if abandoned > 0 {
            db.pool().execute(format!("DROP INDEX CONCURRENTLY IF EXISTS {name}").as_str()).await?;
        }
        db.pool().execute(format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {on}").as_str()).await
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
