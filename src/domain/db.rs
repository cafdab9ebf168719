//! The database: SQLite (embedded default) or PostgreSQL, chosen by the URL.
//!
//! All queries go through sqlx's `Any` driver, so each query is written once and runs on both
//! engines. That keeps the SQL portable: `$1` placeholders, `TEXT` ids and timestamps
//! (see [`super::clock`]), `BIGINT` counters, flags as `BIGINT` 0/1 (the `Any` driver cannot
//! read SQLite's `BOOLEAN`; see [`flag`]), JSON as `TEXT`.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::{
    AnyPool, Executor,
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
};

use super::{
    DomainError, DomainResult,
    audit::{AuditSearch, SharedAuditSearch},
    users::search_index::UserSearch,
};

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn of_url(url: &str) -> DomainResult<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(DomainError::Internal(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                redact(url)
            )))
        }
    }
}

pub type Transaction = sqlx::Transaction<'static, sqlx::Any>;

#[derive(Debug, Clone)]
pub struct Database {
    pool: AnyPool,
    engine: Engine,
    user_search: UserSearch,
    audit_search: SharedAuditSearch,
    url: ConnectionUrl,
}

/// The URL a database was opened with (for a second connection, such as a listener); its
/// password never shows in debug output.
#[derive(Clone)]
struct ConnectionUrl(std::sync::Arc<str>);

impl std::fmt::Debug for ConnectionUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl Database {
    /// Connects (creating the SQLite file and its folder if needed) without migrating.
    pub async fn connect(url: &str) -> DomainResult<Self> {
        sqlx::any::install_default_drivers();
        let engine = Engine::of_url(url)?;
        if engine == Engine::Sqlite {
            create_sqlite_folder(url)?;
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                // One writer at a time anyway; a few readers alongside it in WAL mode.
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            // A PostgreSQL connection can die with its server and is checked before use; a
            // SQLite one cannot, and checking it cost a round trip to its thread per query.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match engine {
                        Engine::Sqlite => {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                 PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                        }
                        // Queries take optional filters as `($2 = '' OR column = $2)`. A cached
                        // generic plan cannot tell which filters are off and can be far slower
                        // (a 1 ms membership check took 0.5 s); plan each execution instead.
                        // No JIT: compiling a query took longer than running it (20 to 100 ms
                        // added to a "who can" over 100,000 users).
                        Engine::Postgres => {
                            conn.execute("SET plan_cache_mode = force_custom_plan; SET jit = off").await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            engine,
            user_search: UserSearch::Keys,
            audit_search: SharedAuditSearch::default(),
            url: ConnectionUrl(url.into()),
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &str) -> DomainResult<Self> {
        let mut db = Self::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Brings the schema up to date, then the engine's search indexes of users and of the audit
    /// log ([`UserSearch::prepare`], [`AuditSearch::prepare`]) and the planner's statistics
    /// ([`Self::refresh_statistics`]).
    pub async fn migrate(&mut self) -> DomainResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(|e| DomainError::Internal(format!("migration failed: {e}")))?;
        self.user_search = UserSearch::prepare(self).await?;
        self.audit_search.set(AuditSearch::prepare(self).await?);
        self.refresh_statistics().await
    }

    /// On PostgreSQL, while the audit log's text search goes without its index (another
    /// server was building it when this one started, or a build was abandoned), builds the
    /// search indexes or turns to them: every hour (`server/maintenance.rs`). An index in use
    /// is never given up here (a failed look leaves it on). SQLite's are made at start.
    pub async fn prepare_search_again(&self) -> DomainResult<()> {
        if self.engine == Engine::Postgres && self.audit_search() == AuditSearch::Windows {
            UserSearch::prepare(self).await?;
            self.audit_search.set(AuditSearch::prepare(self).await?);
        }
        Ok(())
    }

    /// Gives SQLite's query planner statistics for every table whose size is not the one its
    /// statistics were taken at (missing, or off by more than half), read whole: at start, then
    /// every hour (`server/maintenance.rs`). Without them the planner guesses, and a filter
    /// served by an index can read every row instead (the audit log's actor filter: 80 ms to
    /// 2 s instead of 2 ms over 1,000,000 events). SQLite's own `PRAGMA optimize` samples the
    /// first rows of each index, which misjudges a column with few values (the organization of
    /// an event), or skips the table. A table of 1,000,000 events takes about 1.5 s, seldom.
    /// PostgreSQL's autovacuum keeps its own statistics.
    pub async fn refresh_statistics(&self) -> DomainResult<()> {
        if self.engine != Engine::Sqlite {
            return Ok(());
        }
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE '%search_trigrams%' AND name NOT GLOB '_sqlx_*'",
        )
        .fetch_all(&self.pool)
        .await?;
        let has_statistics: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            .fetch_one(&self.pool)
            .await?;
        let mut analyzed = false;
        for table in tables {
            let rows: i64 =
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\"")).fetch_one(&self.pool).await?;
            let measured: Option<String> = if has_statistics > 0 {
                sqlx::query_scalar("SELECT stat FROM sqlite_stat1 WHERE tbl = $1 LIMIT 1")
                    .bind(&table)
                    .fetch_optional(&self.pool)
                    .await?
            } else {
                None
            };
            // The first number of a statistic is the row count it was taken at.
            let measured_rows = measured.and_then(|stat| stat.split(' ').next()?.parse::<i64>().ok());
            let stale = match measured_rows {
                Some(measured) => rows > measured.saturating_mul(2) || rows < measured / 2,
                None => rows > 0,
            };
            if stale {
                sqlx::query(&format!("ANALYZE \"{table}\"")).execute(&self.pool).await?;
                analyzed = true;
            }
        }
        if analyzed {
            // A connection reads the statistics when it reads the schema, and ANALYZE only
            // changes the rows of `sqlite_stat1`: the pool's other connections kept planning
            // with the statistics they had (the audit log's actor filter: one page in three at
            // 55 ms instead of 4). A change of schema makes each read it again; in one
            // transaction, so that no table is left behind by an interruption.
            let mut tx = self.begin().await?;
            (&mut *tx)
                .execute(
                    "CREATE TABLE IF NOT EXISTS warden_statistics_changed (x); \
                     DROP TABLE IF EXISTS warden_statistics_changed;",
                )
                .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// How searches for users by a term find them.
    pub fn user_search(&self) -> UserSearch {
        self.user_search
    }

    pub fn audit_search(&self) -> AuditSearch {
        self.audit_search.get()
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn url(&self) -> &str {
        &self.url.0
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a transaction that reads first and writes later could otherwise fail with "database is
    /// locked" when another connection wrote in between, without waiting (the busy timeout does
    /// not apply to that upgrade).
    pub async fn begin(&self) -> DomainResult<Transaction> {
        Ok(match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        })
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> DomainResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Reads a 0/1 flag column.
pub fn flag(row: &sqlx::any::AnyRow, column: &str) -> Result<bool, sqlx::Error> {
    use sqlx::Row;
    Ok(row.try_get::<i64, _>(column)? != 0)
}

/// The stored form of a flag.
pub fn to_flag(value: bool) -> i64 {
    i64::from(value)
}

fn create_sqlite_folder(url: &str) -> DomainResult<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(folder) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .map_err(|e| DomainError::Internal(format!("cannot create {}: {e}", folder.display())))?;
    }
    Ok(())
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `$first, $first+1, ...` for `count` values bound in a row (an `IN (...)` list).
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// The `LIKE` pattern of a search term: case-insensitive (compare with `LOWER(column)`),
/// anywhere in the text, with the pattern's own wildcards dropped; empty when there is no term
/// (queries test `$n = ''` to match everything).
pub fn search_pattern(q: Option<&str>) -> String {
    q.map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("%{}%", q.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_default()
}

/// Whether another row of `table` (policies, roles) in the organization has this name.
pub async fn name_taken_in_org(
    tx: &mut Transaction,
    table: &'static str,
    org_id: &str,
    name: &str,
    except_id: &str,
) -> DomainResult<bool> {
    use sqlx::Row as _;
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE org_id = $1 AND name = $2 AND id <> $3");
    let count: i64 =
        sqlx::query(&sql).bind(org_id).bind(name).bind(except_id).fetch_one(&mut **tx).await?.try_get("n")?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_follows_the_url_scheme() {
        assert_eq!(Engine::of_url("sqlite://data/warden.db?mode=rwc").ok(), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgres://u@h/db").ok(), Some(Engine::Postgres));
        assert!(Engine::of_url("mysql://u@h/db").is_err());
    }

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/w.db"), "sqlite://data/w.db");
    }
}
