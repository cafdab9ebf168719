//! Storage on both engines: schema parity, SQLite settings, the audit helper's transaction,
//! first-start bootstrap.

use std::collections::BTreeMap;

use crate::support::TestDb;
use sqlx::Row;
use warden::domain::{Actor, AuditEvent, Database, Domain, Engine, Mutation, audit};

/// table -> column names, as the engine reports them, less SQLite's trigram indexes of users
/// and of the audit log (engine-specific by design: src/domain/users/search_index.rs,
/// src/domain/audit/search_index.rs).
async fn schema(db: &Database) -> BTreeMap<String, Vec<String>> {
    let query = match db.engine() {
        Engine::Sqlite => {
            "SELECT m.name AS table_name, p.name AS column_name FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
             AND m.name NOT LIKE '_sqlx%' AND m.name NOT LIKE 'users_search_trigrams%' \
             AND m.name NOT LIKE 'audit_search_trigrams%' \
             AND m.name NOT IN ('user_search_rows', 'audit_search_rows', 'audit_search_orgs') ORDER BY m.name, p.cid"
        }
        Engine::Postgres => {
            "SELECT table_name::TEXT AS table_name, column_name::TEXT AS column_name FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY table_name, ordinal_position"
        }
    };
    let mut tables: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in sqlx::query(query).fetch_all(db.pool()).await.expect("schema query") {
        tables.entry(row.get("table_name")).or_default().push(row.get("column_name"));
    }
    tables
}

#[tokio::test]
async fn both_engines_have_the_same_tables_and_columns() {
    let sqlite = TestDb::sqlite().open().await;
    let Some(postgres) = TestDb::postgres().await else { return };
    let postgres = postgres.open().await;
    let sqlite_schema = schema(&sqlite).await;
    assert!(sqlite_schema.contains_key("users") && sqlite_schema.contains_key("audit_events"), "{sqlite_schema:?}");
    assert_eq!(sqlite_schema, schema(&postgres).await);
}

/// Managed PostgreSQL services require TLS: the driver is built with it, and a URL that asks
/// for it when available connects (the local server offers none, so `prefer` falls back).
#[tokio::test]
async fn postgres_urls_may_ask_for_tls() {
    let Some(postgres) = TestDb::postgres().await else { return };
    let db =
        Database::connect(&format!("{}?sslmode=prefer", postgres.url)).await.expect("connects with sslmode=prefer");
    db.ping().await.expect("answers");
    // `require`: over TLS when the server offers it (Debian's PostgreSQL does, with its own
    // certificate); otherwise refused by the server, never because the driver lacks TLS.
    let server_tls: String =
        sqlx::query_scalar("SHOW ssl").fetch_one(db.pool()).await.expect("the server's ssl setting");
    let required = Database::connect(&format!("{}?sslmode=require", postgres.url)).await;
    match (server_tls.as_str(), required) {
        ("on", Ok(db)) => db.ping().await.expect("answers over TLS"),
        ("on", Err(error)) => panic!("the server offers TLS, yet: {error}"),
        (_, Ok(_)) => panic!("the server offers no TLS, yet sslmode=require connected"),
        (_, Err(error)) => assert!(!error.to_string().contains("without TLS support"), "{error}"),
    }
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let db = TestDb::sqlite().open().await;
    let mut conn = db.pool().acquire().await.expect("connection");
    let pragma = |name: &'static str| format!("PRAGMA {name}");
    let journal: String = sqlx::query(&pragma("journal_mode")).fetch_one(&mut *conn).await.expect("pragma").get(0);
    let foreign_keys: i64 = sqlx::query(&pragma("foreign_keys")).fetch_one(&mut *conn).await.expect("pragma").get(0);
    let busy_timeout: i64 = sqlx::query(&pragma("busy_timeout")).fetch_one(&mut *conn).await.expect("pragma").get(0);
    assert_eq!(journal.to_lowercase(), "wal");
    assert_eq!(foreign_keys, 1);
    assert!(busy_timeout >= 1000, "busy_timeout {busy_timeout}");
}

/// After `refresh_statistics`, a connection other than the one that ran ANALYZE plans with the
/// new statistics too. A connection reads them with the schema, and ANALYZE alone leaves the
/// schema as it was: without the schema change that follows it, the pool's other connections
/// kept planning with what they had read (the audit log's actor filter took 55 ms instead of 4
/// on two reads in three).
#[tokio::test]
async fn sqlite_statistics_reach_every_connection() {
    use sqlx::{AnyConnection, Connection, Executor};
    let test_db = TestDb::sqlite();
    let db = test_db.open().await;
    // Statistics that come to say the opposite of the rows: `a` first tells every row apart,
    // then every row has the same `a` and `b` tells them apart.
    let numbers = |count: u32, row: &str| {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count}) \
             INSERT INTO planner_probe (a, b) SELECT {row} FROM n"
        )
    };
    for statement in [
        "CREATE TABLE planner_probe (a INTEGER NOT NULL, b INTEGER NOT NULL)",
        "CREATE INDEX planner_probe_a ON planner_probe (a)",
        "CREATE INDEX planner_probe_b ON planner_probe (b)",
        numbers(100, "i, 1").as_str(),
    ] {
        db.pool().execute(statement).await.expect(statement);
    }
    db.refresh_statistics().await.expect("first statistics");
    db.pool().execute("DELETE FROM planner_probe").await.expect("emptied");
    db.pool().execute(numbers(10_000, "1, i").as_str()).await.expect("refilled");

    // Another connection to the same file, which has read the schema and its statistics.
    let mut other = AnyConnection::connect(&test_db.url).await.expect("another connection");
    let first = plan(&mut other).await;
    assert!(first.contains("planner_probe_a"), "the statistics say `a` is selective: {first}");
    db.refresh_statistics().await.expect("statistics again");
    let replanned = plan(&mut other).await;
    assert!(replanned.contains("planner_probe_b"), "the other connection plans with the new statistics: {replanned}");
}

/// How `conn` would find the rows with `a = 1 AND b = 1`, after a read of the table (reading is
/// what makes a connection notice that the schema changed). Both values are in both states of
/// the table: SQLite is built with STAT4, whose samples make a value they never saw look rare.
async fn plan(conn: &mut sqlx::AnyConnection) -> String {
    sqlx::query("SELECT COUNT(*) FROM planner_probe").fetch_one(&mut *conn).await.expect("read");
    let steps = sqlx::query("EXPLAIN QUERY PLAN SELECT * FROM planner_probe WHERE a = 1 AND b = 1")
        .persistent(false)
        .fetch_all(&mut *conn)
        .await
        .expect("plan");
    steps.iter().map(|step| step.get::<String, _>(3)).collect::<Vec<_>>().join("; ")
}

async fn count(db: &Database, sql: &str) -> i64 {
    sqlx::query(sql).fetch_one(db.pool()).await.expect("count").get::<i64, _>(0)
}

async fn audit_commits_with_the_mutation(engine: Engine) {
    let Some(test_db) = TestDb::new(engine).await else { return };
    let db = test_db.open().await;
    let actor = Actor::anonymous(Some("req-1".into()), Some("10.0.0.1".into()));
    let mut mutation = Mutation::begin(&db, &actor).await.expect("begin");
    sqlx::query("INSERT INTO sign_in_failures (id, at, email_normalized, client_addr) VALUES ('f1', 'x', 'e', 'a')")
        .execute(&mut **mutation.tx())
        .await
        .expect("insert");
    mutation.commit(AuditEvent::new("test.committed").target("thing", "f1", "F1")).await.expect("commit");

    assert_eq!(count(&db, "SELECT COUNT(*) FROM sign_in_failures").await, 1);
    let events = audit::recent_events(&db, 10).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].action, "test.committed");
    assert_eq!(events[0].request_id.as_deref(), Some("req-1"));
    assert_eq!(events[0].client_addr.as_deref(), Some("10.0.0.1"));
    assert_eq!(events[0].actor_name, "anonymous");
    assert_eq!(events[0].target_id.as_deref(), Some("f1"));
}

async fn audit_rolls_back_with_the_mutation(engine: Engine) {
    let Some(test_db) = TestDb::new(engine).await else { return };
    let db = test_db.open().await;
    let actor = Actor::system();
    {
        let mut mutation = Mutation::begin(&db, &actor).await.expect("begin");
        sqlx::query(
            "INSERT INTO sign_in_failures (id, at, email_normalized, client_addr) VALUES ('f1', 'x', 'e', 'a')",
        )
        .execute(&mut **mutation.tx())
        .await
        .expect("insert");
        // A later step of the mutation fails: the mutation is dropped without committing.
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sign_in_failures").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_events").await, 0);

    // And if the audit event cannot be written, the change does not land either.
    let mut mutation = Mutation::begin(&db, &actor).await.expect("begin");
    sqlx::query("INSERT INTO sign_in_failures (id, at, email_normalized, client_addr) VALUES ('f2', 'x', 'e', 'a')")
        .execute(&mut **mutation.tx())
        .await
        .expect("insert");
    sqlx::query("DROP TABLE audit_events").execute(&mut **mutation.tx()).await.expect("sabotage");
    assert!(mutation.commit(AuditEvent::new("test.never")).await.is_err());
    assert_eq!(count(&db, "SELECT COUNT(*) FROM sign_in_failures").await, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM audit_events").await, 0, "the DROP rolled back too");
}

async fn bootstrap_creates_root_and_admin_once(engine: Engine) {
    let Some(test_db) = TestDb::new(engine).await else { return };
    let domain = Domain::new(test_db.open().await);
    let first = domain.bootstrap(None, None).await.expect("bootstrap").expect("first start creates an admin");
    assert_eq!(first.user.email, "admin@warden.local");
    let password = first.generated_password.expect("a generated password is reported once");
    assert!(password.len() >= 20);
    assert!(domain.bootstrap(None, None).await.expect("second start").is_none(), "second start creates nothing");

    let db = domain.db();
    assert_eq!(count(db, "SELECT COUNT(*) FROM organizations WHERE parent_id IS NULL").await, 1);
    assert_eq!(count(db, "SELECT COUNT(*) FROM memberships").await, 1);
    let events = audit::recent_events(db, 10).await.expect("events");
    assert!(events.iter().any(|e| e.action == "user.admin_created" && e.actor_name == "system"));
    let hash: String = sqlx::query("SELECT password_hash FROM users").fetch_one(db.pool()).await.expect("hash").get(0);
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
    assert!(!hash.contains(&password));

    let actor = Actor::anonymous(None, Some("127.0.0.1".into()));
    let user = domain.sign_in(&actor, "ADMIN@warden.local", &password).await.expect("generated password signs in");
    assert_eq!(user.id, first.user.id);
    assert!(user.last_sign_in_at.is_some());
}

async fn emails_are_unique_in_any_letter_case(engine: Engine) {
    let Some(test_db) = TestDb::new(engine).await else { return };
    let domain = Domain::new(test_db.open().await);
    domain.create_admin(&Actor::system(), "Alice@Example.com", "Alice", "a long enough password").await.expect("first");
    let again = domain.create_admin(&Actor::system(), "alice@example.COM", "Alice 2", "a long enough password").await;
    assert!(matches!(again, Err(warden::domain::DomainError::Conflict(_))), "{again:?}");
}

on_both_engines!(
    audit_commits_with_the_mutation,
    audit_rolls_back_with_the_mutation,
    bootstrap_creates_root_and_admin_once,
    emails_are_unique_in_any_letter_case,
);
