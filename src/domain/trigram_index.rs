//! Creating an engine's trigram index once, after the migrations (which stay the same for both
//! engines): the users' search (`users/search_index.rs`) and the audit log's text search
//! (`audit/search_index.rs`). Each engine may lack what it takes (pg_trgm not installable, FTS5
//! not built in): the search then works without, more slowly, and the log says so once.

use sqlx::{AnyConnection, Executor, Row};

use super::{DomainResult, db::Database};

/// Creates pg_trgm (trusted since PostgreSQL 13: a database owner may create it), then the
/// index `name` `ON {on}` if missing; whether the index is there and usable. `without` says
/// what searches do if not.
///
/// The index is built `CONCURRENTLY`, so a deployment upgrading to the version that adds it
/// goes on writing while it is built. That statement takes its table lock before it looks at
/// the name, so it is only run when the index is missing or invalid (an interrupted build
/// leaves an invalid one behind), and only by the server holding an advisory lock on the name:
/// servers starting together do not wait on each other's build, and one that does not get the
/// lock searches without the index until its next start instead of waiting.
pub async fn postgres(db: &Database, name: &str, on: &str, without: &str) -> bool {
    let built = async {
        let mut connection = db.pool().acquire().await?;
        if valid(&mut connection, name).await? == Some(true) {
            return Ok(true);
        }
        let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
            .bind(name)
            .fetch_one(&mut *connection)
            .await?;
        if !locked {
            tracing::warn!("another server is building {name}: {without} until the next start");
            return Ok(false);
        }
        let built = build(&mut connection, name, on).await;
        sqlx::query("SELECT pg_advisory_unlock(hashtext($1))").bind(name).execute(&mut *connection).await?;
        built
    }
    .await;
    match built {
        Ok(usable) => usable,
        Err(error) => {
            tracing::warn!(%error, "pg_trgm is unavailable: {without}");
            false
        }
    }
}

/// Whether the index `name` is valid; `None` when there is none.
async fn valid(connection: &mut AnyConnection, name: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = $1 AND pg_table_is_visible(c.oid)",
    )
    .bind(name)
    .fetch_optional(connection)
    .await
}

/// Builds the index `name` under the advisory lock, dropping an invalid one first; whether
/// it came out valid.
async fn build(connection: &mut AnyConnection, name: &str, on: &str) -> sqlx::Result<bool> {
    connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
    if valid(connection, name).await? == Some(false) {
        connection.execute(format!("DROP INDEX CONCURRENTLY IF EXISTS {name}").as_str()).await?;
    }
    connection.execute(format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {on}").as_str()).await?;
    Ok(valid(connection, name).await? == Some(true))
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
