//! A generated organization tree with users and memberships, written straight into the tables:
//! multi-row inserts, one transaction per table, rows produced as they are sent (the loader's
//! memory stays flat), and the secondary indexes and search triggers dropped before and built
//! after (building an index once is far cheaper than updating it per row). The same seed gives
//! the same data on every run.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use sqlx::{Executor, Row};
use warden::domain::{Database, db::Engine, roles::Predefined};

/// How much to generate.
pub struct Size {
    pub orgs: usize,
    /// The deepest level (the root is level 0).
    pub max_depth: usize,
    /// Organizations (at level 2) given `wide_children` children each, apart from the rest of
    /// the tree, which has three children per organization, breadth first.
    pub wide_parents: usize,
    pub wide_children: usize,
    pub users: usize,
    /// Random organizations each user is a member of (a tenth of the memberships as Admin).
    pub memberships_per_user: usize,
    /// Whether every user is also a member of [`LARGE_ORG`].
    pub everyone_in_large_org: bool,
}

pub const TEN_THOUSAND: Size = Size {
    orgs: 10_000,
    max_depth: 8,
    wide_parents: 0,
    wide_children: 0,
    users: 100_000,
    memberships_per_user: 2,
    everyone_in_large_org: true,
};

pub const HUNDRED_THOUSAND: Size = Size {
    orgs: 100_000,
    max_depth: 10,
    wide_parents: 4,
    wide_children: 5_000,
    users: 1_000_000,
    memberships_per_user: 1,
    everyone_in_large_org: false,
};

/// The organization every user joins when [`Size::everyone_in_large_org`] says so.
pub const LARGE_ORG: usize = 1;

#[path = "../../tests/integration/support/lcg.rs"]
mod lcg;
pub use lcg::Lcg;

/// What was generated, by index: organization `i` has id `org_ids[i]`, user `i` has
/// [`Fixture::user_id`].
pub struct Fixture {
    pub org_ids: Vec<String>,
    pub parents: Vec<Option<usize>>,
    pub depth: Vec<usize>,
    /// The organizations with [`Size::wide_children`] children.
    pub wide: Vec<usize>,
    pub users: usize,
    pub memberships: usize,
    /// Every 100th user and (the index of) the organization of their first membership.
    pub sample_memberships: Vec<(usize, usize)>,
    user_digits: usize,
    org_digits: usize,
    /// How long loading took, and per table.
    pub load_time: Duration,
    pub table_times: Vec<(&'static str, Duration)>,
}

impl Fixture {
    pub fn user_id(&self, i: usize) -> String {
        format!("user-{i:0width$}", width = self.user_digits)
    }

    pub fn org_name(&self, i: usize) -> String {
        format!("Organization {i:0width$}", width = self.org_digits)
    }

    pub fn org_code(&self, i: usize) -> String {
        format!("org-{i:0width$}", width = self.org_digits)
    }

    /// The part of user `i`'s email before the `@`.
    pub fn user_handle(&self, i: usize) -> String {
        format!("user{i:0width$}", width = self.user_digits)
    }

    pub fn max_depth(&self) -> usize {
        self.depth.iter().copied().max().unwrap_or(0)
    }

    pub fn subtree_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![1; self.parents.len()];
        for i in (1..self.parents.len()).rev() {
            if let Some(p) = self.parents[i] {
                sizes[p] += sizes[i];
            }
        }
        sizes
    }
}

pub enum Cell {
    Text(String),
    Int(i64),
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

const NOW: &str = "2026-01-01T00:00:00.000000Z";

/// The tables the loader writes; their secondary indexes are built after loading.
const TABLES: [&str; 8] = [
    "organizations",
    "organization_closure",
    "policies",
    "roles",
    "role_policies",
    "users",
    "memberships",
    "membership_roles",
];

/// Fills a bootstrapped database (its root organization exists) with `size`.
pub async fn load(db: &mut Database, size: &Size) -> Fixture {
    let started = Instant::now();
    let mut rng = Lcg(42);
    let (parents, depth, wide) = shape(size, &mut rng);
    let root_id: String = sqlx::query("SELECT id FROM organizations WHERE parent_id IS NULL")
        .fetch_one(db.pool())
        .await
        .expect("root")
        .get("id");
    let org_digits = digits(size.orgs);
    let org_ids: Vec<String> =
        (0..size.orgs).map(|i| if i == 0 { root_id.clone() } else { format!("org-{i:0org_digits$}") }).collect();
    let mut fixture = Fixture {
        org_ids,
        parents,
        depth,
        wide,
        users: size.users,
        memberships: 0,
        sample_memberships: Vec::new(),
        user_digits: digits(size.users),
        org_digits,
        load_time: Duration::ZERO,
        table_times: Vec::new(),
    };

    let indexes = drop_indexes(db).await;
    let mut times = Vec::new();
    let f = &fixture;

    let t = Instant::now();
    let orgs = (1..size.orgs).map(|i| {
        vec![
            text(&f.org_ids[i]),
            text(f.org_name(i)),
            text(f.org_code(i)),
            text("ops@example.com"),
            text(&f.org_ids[f.parents[i].unwrap_or(0)]),
            Cell::Int(1),
            // A tenth of the organizations withhold access from their parent, as real tenants do.
            Cell::Int(i64::from(i % 10 != 0)),
            Cell::Int(1),
            text("{}"),
            text(NOW),
            text(NOW),
        ]
    });
    let columns = [
        "id",
        "name",
        "code",
        "contact_email",
        "parent_id",
        "can_have_child_organizations",
        "parent_has_access",
        "parent_has_access_to_descendants",
        "metadata",
        "created_at",
        "updated_at",
    ];
    insert(db, "organizations", &columns, orgs).await;
    let closure = (1..size.orgs).flat_map(|i| {
        std::iter::successors(Some((i, 0i64)), |&(a, d)| f.parents[a].map(|p| (p, d + 1)))
            .map(move |(a, d)| vec![text(&f.org_ids[a]), text(&f.org_ids[i]), Cell::Int(d)])
    });
    insert(db, "organization_closure", &["ancestor_id", "descendant_id", "depth"], closure).await;
    times.push(("organizations and their closure", t.elapsed()));

    // The predefined roles and policies of every organization but the root (which has them).
    let t = Instant::now();
    let kinds: Vec<(Predefined, String)> =
        Predefined::ALL.iter().map(|role| (*role, serde_json::to_string(&role.statements()).expect("json"))).collect();
    let kinds = &kinds;
    let per_org =
        || f.org_ids.iter().skip(1).flat_map(move |org| kinds.iter().map(move |(role, json)| (org, role, json)));
    let policies = per_org().map(|(org, role, statements)| {
        vec![
            text(format!("{org}-p-{}", role.slug())),
            text(org),
            text(role.name()),
            text(statements),
            Cell::Int(1),
            text(role.slug()),
            text(NOW),
            text(NOW),
        ]
    });
    let columns = ["id", "org_id", "name", "statements", "managed", "slug", "created_at", "updated_at"];
    insert(db, "policies", &columns, policies).await;
    let roles = per_org().map(|(org, role, _)| {
        vec![
            text(format!("{org}-r-{}", role.slug())),
            text(org),
            text(role.name()),
            Cell::Int(1),
            text(role.slug()),
            text(NOW),
            text(NOW),
        ]
    });
    insert(db, "roles", &["id", "org_id", "name", "managed", "slug", "created_at", "updated_at"], roles).await;
    let links = per_org()
        .map(|(org, role, _)| vec![text(format!("{org}-r-{}", role.slug())), text(format!("{org}-p-{}", role.slug()))]);
    insert(db, "role_policies", &["role_id", "policy_id"], links).await;
    times.push(("predefined roles and policies", t.elapsed()));

    let t = Instant::now();
    let users = (0..size.users).map(|i| {
        let email = format!("{}@example.com", f.user_handle(i));
        let name = format!("User {i:0width$}", width = f.user_digits);
        vec![
            text(f.user_id(i)),
            text(&email),
            text(&email),
            text(&name),
            text("active"),
            text(NOW),
            text(NOW),
            text(warden::domain::users::search_key(&email, &name)),
        ]
    });
    let columns = ["id", "email", "email_normalized", "full_name", "status", "created_at", "updated_at", "search_key"];
    insert(db, "users", &columns, users).await;
    times.push(("users", t.elapsed()));

    // Each membership as (user, organization, Admin or not), compact: 1,000,000 of them fit in
    // a few megabytes.
    let t = Instant::now();
    let mut chosen: Vec<(u32, u32, bool)> = Vec::with_capacity(size.users * (size.memberships_per_user + 1));
    for user in 0..size.users {
        let first = chosen.len();
        while chosen.len() - first < size.memberships_per_user {
            let org = (2 + rng.below(size.orgs - 2)) as u32;
            if !chosen[first..].iter().any(|&(_, o, _)| o == org) {
                chosen.push((user as u32, org, rng.below(10) == 0));
            }
        }
        if size.everyone_in_large_org {
            chosen.push((user as u32, LARGE_ORG as u32, rng.below(10) == 0));
        }
    }
    // In primary-key order: each insert lands beside the previous one.
    chosen.sort_unstable_by_key(|&(user, org, _)| (org, user));
    let memberships = chosen
        .iter()
        .map(|&(user, org, _)| vec![text(f.user_id(user as usize)), text(&f.org_ids[org as usize]), text(NOW)]);
    insert(db, "memberships", &["user_id", "org_id", "joined_at"], memberships).await;
    let member_roles = chosen.iter().map(|&(user, org, admin)| {
        let org = &f.org_ids[org as usize];
        let slug = if admin { "admin" } else { "member" };
        vec![text(f.user_id(user as usize)), text(org), text(format!("{org}-r-{slug}"))]
    });
    insert(db, "membership_roles", &["user_id", "org_id", "role_id"], member_roles).await;
    times.push(("memberships and their roles", t.elapsed()));

    let t = Instant::now();
    for statement in &indexes {
        db.pool().execute(statement.as_str()).await.expect("create index");
    }
    // The user search index and its triggers, as the app builds them when they are missing.
    db.migrate().await.expect("search index");
    if db.engine() == Engine::Postgres {
        // What autovacuum does to a table after bulk inserts: planner statistics, and the
        // visibility map that index-only scans need.
        db.pool().execute("VACUUM ANALYZE").await.expect("vacuum analyze");
    }
    times.push(("indexes, search index, statistics", t.elapsed()));

    fixture.memberships = chosen.len();
    fixture.sample_memberships = chosen
        .iter()
        .filter(|(user, _, _)| user % 100 == 0)
        .map(|&(user, org, _)| (user as usize, org as usize))
        .collect();
    fixture.table_times = times;
    fixture.load_time = started.elapsed();
    fixture
}

/// The tree's shape: each organization's parent and level, and the wide parents.
fn shape(size: &Size, rng: &mut Lcg) -> (Vec<Option<usize>>, Vec<usize>, Vec<usize>) {
    let narrow = size.orgs - size.wide_parents * size.wide_children;
    // Breadth first, three children each, down to the deepest level, then the rest spread over
    // random inner organizations.
    let mut parents: Vec<Option<usize>> = vec![None];
    let mut depth = vec![0];
    let mut next_parent = 0;
    while parents.len() < narrow {
        let parent = if depth[next_parent] < size.max_depth {
            next_parent
        } else {
            loop {
                let candidate = rng.below(parents.len());
                if depth[candidate] < size.max_depth {
                    break candidate;
                }
            }
        };
        for _ in 0..3 {
            if parents.len() < narrow {
                parents.push(Some(parent));
                depth.push(depth[parent] + 1);
            }
        }
        next_parent += 1;
    }
    let wide: Vec<usize> = (0..narrow).filter(|&i| depth[i] == 2).take(size.wide_parents).collect();
    for &parent in &wide {
        for _ in 0..size.wide_children {
            parents.push(Some(parent));
            depth.push(depth[parent] + 1);
        }
    }
    (parents, depth, wide)
}

fn digits(count: usize) -> usize {
    count.saturating_sub(1).max(1).to_string().len()
}

/// Multi-row inserts of `rows`, in one transaction. The values are written into the statement
/// as literals: binding them would cost more than the insert (sqlx looks each SQLite parameter
/// up by name, a linear search per parameter), and they are generated here, never typed.
pub async fn insert(db: &Database, table: &str, columns: &[&str], rows: impl Iterator<Item = Vec<Cell>>) {
    const ROWS_PER_STATEMENT: usize = 2_000;
    let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    let mut tx = db.begin().await.expect("begin");
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut sql = head.clone();
        for (n, row) in rows.by_ref().take(ROWS_PER_STATEMENT).enumerate() {
            sql.push_str(if n == 0 { "(" } else { ",(" });
            for (c, cell) in row.into_iter().enumerate() {
                if c > 0 {
                    sql.push(',');
                }
                match cell {
                    Cell::Text(text) => {
                        sql.push('\'');
                        sql.push_str(&text.replace('\'', "''"));
                        sql.push('\'');
                    }
                    Cell::Int(value) => sql.push_str(&value.to_string()),
                }
            }
            sql.push(')');
        }
        sqlx::raw_sql(&sql).execute(&mut *tx).await.unwrap_or_else(|e| panic!("insert into {table}: {e}"));
    }
    tx.commit().await.expect("commit");
}

/// Drops the loaded tables' secondary indexes and the user search index with its triggers;
/// the statements that recreate the indexes (the search index comes back with `migrate`).
async fn drop_indexes(db: &Database) -> Vec<String> {
    let tables = TABLES.map(|t| format!("'{t}'")).join(", ");
    let mut recreate = Vec::new();
    match db.engine() {
        Engine::Sqlite => {
            let sql = format!(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({tables})"
            );
            for row in sqlx::query(&sql).fetch_all(db.pool()).await.expect("indexes") {
                let name: String = row.get("name");
                db.pool().execute(format!("DROP INDEX {name}").as_str()).await.expect("drop index");
                recreate.push(row.get("sql"));
            }
            let search = "DROP TRIGGER IF EXISTS users_search_trigrams_insert; \
                          DROP TRIGGER IF EXISTS users_search_trigrams_update; \
                          DROP TRIGGER IF EXISTS users_search_trigrams_delete; \
                          DROP TABLE IF EXISTS users_search_trigrams; DROP TABLE IF EXISTS user_search_rows;";
            db.pool().execute(search).await.expect("drop search index");
        }
        Engine::Postgres => {
            // Indexes that back a constraint (primary keys) stay.
            let sql = format!(
                "SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() \
                 AND tablename IN ({tables}) AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            );
            for row in sqlx::query(&sql).fetch_all(db.pool()).await.expect("indexes") {
                let name: String = row.get("indexname");
                db.pool().execute(format!("DROP INDEX {name}").as_str()).await.expect("drop index");
                recreate.push(row.get("indexdef"));
            }
        }
    }
    recreate
}
