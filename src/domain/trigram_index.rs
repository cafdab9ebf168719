//! Creating an engine's trigram index once, after the migrations (which stay the same for both
//! engines): the users' search (`users/search_index.rs`) and the audit log's text search
//! (`audit/search_index.rs`). Each engine may lack what it takes (pg_trgm not installable, FTS5
//! not built in): the search then works without, more slowly, and the log says so (on
//! PostgreSQL, at each hourly look again too: `Database::prepare_search_again`).

use sqlx::{Any, AnyConnection, Connection, Executor, Row};

use super::{DomainResult, db::Database};

/// The first key of the advisory locks under which indexes are built ("WARD"); the second is
/// the index's name, hashed.
pub const INDEX_BUILD_LOCKS: i32 = 0x5741_5244;

/// Creates pg_trgm (trusted since PostgreSQL 13: a database owner may create it), then the
/// index `name` `ON {on}` if missing; whether the index is there and usable. `without` says
/// what searches do if not.
///
/// The index is built `CONCURRENTLY`, so a deployment upgrading to the version that adds it
/// goes on writing while it is built. That statement takes its table lock before it looks at
/// the name, so it is only run when the index is missing or invalid (an interrupted build
/// leaves an invalid one behind), and only by the server holding an advisory lock on the name:
/// servers starting together do not wait on each other's build, and one that does not get the
/// lock searches without the index until it looks again (`Database::prepare_search_again`, hourly).
pub async fn postgres(db: &Database, name: &str, on: &str, without: &str) -> bool {
    let usable = async {
        if valid(db.pool(), name).await? == Some(true) {
            return Ok(true);
        }
        build_alone(AnyConnection::connect(db.url()).await?, name, on, without).await
    }
    .await;
    usable.unwrap_or_else(|error| {
        tracing::warn!(%error, "pg_trgm is unavailable: {without}");
        false
    })
}

/// Whether the index `name` is valid; `None` when there is none.
async fn valid(db: impl Executor<'_, Database = Any>, name: &str) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid \
         WHERE c.relname = $1 AND pg_table_is_visible(c.oid)",
    )
    .bind(name)
    .fetch_optional(db)
    .await
}

/// Builds the index `name` if this server gets the advisory lock on it (never waiting for it);
/// whether the index is usable. The lock belongs to the session of `connection`, which is this
/// call's own and ends with it on every path (an error, a start given up): a pooled connection
/// would go back to the pool still holding the lock.
async fn build_alone(mut connection: AnyConnection, name: &str, on: &str, without: &str) -> sqlx::Result<bool> {
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, hashtext($2))")
        .bind(INDEX_BUILD_LOCKS)
        .bind(name)
        .fetch_one(&mut connection)
        .await?;
    let building_elsewhere = || tracing::warn!("another server is building {name}: {without} until it is built");
    if !locked {
        building_elsewhere();
        return Ok(false);
    }
    match valid(&mut connection, name).await? {
        // Another server built it between the first look and the lock.
        Some(true) => return Ok(true),
        // An invalid index is either an interrupted build, or one under way that took no lock
        // (an earlier Warden, or someone by hand): only the first is dropped.
        Some(false) if building(&mut connection, name).await? => {
            building_elsewhere();
            return Ok(false);
        }
        Some(false) => {
            connection.execute(format!("DROP INDEX CONCURRENTLY IF EXISTS {name}").as_str()).await?;
        }
        None => {}
    }
    connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm").await?;
    connection.execute(format!("CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {on}").as_str()).await?;
    Ok(valid(&mut connection, name).await? == Some(true))
}

/// Whether the index `name` is being built right now.
async fn building(connection: &mut AnyConnection, name: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p JOIN pg_class c ON c.oid = p.index_relid \
         WHERE c.relname = $1)",
    )
    .bind(name)
    .fetch_one(connection)
    .await
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
