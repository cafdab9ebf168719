//! The audit log at 1,000,000 events: the first page of filtered views, and an export of
//! 100,000 events with this process's memory before and after. Prints figures; asserts nothing.
//!
//!     cargo bench --features ssr --bench audit
//!
//! Ten organizations under the root share the events (time spread over a year, twelve actions,
//! 1,000 actors, 20,000 targets, a member as the subject of every tenth), loaded with multi-row inserts into the migrated table, its
//! indexes in place. Then each view is read through the domain, as the REST endpoint and the
//! page read it. Runs on SQLite, then on PostgreSQL when reachable (see `support`).
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The router's page types (in `support`) are deep, as in the crate itself.
#![recursion_limit = "512"]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{
    EMAIL, PASSWORD,
    figures::{memory, report},
    fixture::{Cell, Lcg, insert},
};
use warden::domain::{
    Actor, Database, Domain, Engine,
    audit::{AuditFilter, ExportFormat},
    orgs::{NewOrganization, OrganizationSettings},
};

const EVENTS: usize = 1_000_000;
const ORGS: usize = 10;
const ACTIONS: [&str; 12] = [
    "role.updated",
    "role.created",
    "policy.updated",
    "policy.created",
    "member.roles_set",
    "member.removed",
    "user_group.updated",
    "org.updated",
    "token.created",
    "token.revoked",
    "sign_in",
    "user.updated",
];
const SAMPLES: usize = 30;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    support::on_each_engine("audit", |url| async move { run(&url).await }).await;
}

async fn run(url: &str) {
    let db = Database::open(url).await.expect("database");
    let domain = Domain::new(db.clone());
    let admin = domain.bootstrap(Some(EMAIL.into()), Some(PASSWORD.into())).await.expect("bootstrap").expect("empty");
    let actor = Actor::user(admin.user.id.clone(), "Bench".into(), None, None);
    let root = domain.visible_organization(&actor, "root").await.expect("root").id;
    let mut orgs = Vec::new();
    for n in 0..ORGS {
        let settings = OrganizationSettings::open(format!("Tenant {n}"), "ops@example.com");
        let new = NewOrganization { parent_id: root.clone(), settings, first_admin_user_id: None };
        orgs.push(domain.create_organization(&actor, new).await.expect("org").id);
    }

    let started = Instant::now();
    load_events(&db, &orgs).await;
    // The planner's statistics, as a deployment has them soon after a load this size (SQLite:
    // Warden's hourly housekeeping; PostgreSQL: autovacuum). Without them the planner guesses,
    // and the first minutes' plans are not the ones a deployment runs.
    match db.engine() {
        Engine::Sqlite => db.refresh_statistics().await.expect("statistics"),
        Engine::Postgres => {
            sqlx::query("ANALYZE audit_events").execute(db.pool()).await.expect("analyze");
        }
    }
    println!(
        "loaded {EVENTS} audit events over {ORGS} organizations in {:.1?} on {}",
        started.elapsed(),
        warden::domain::db::redact(url)
    );

    let tenant = &orgs[0];
    let views: [(&str, AuditFilter); 10] = [
        ("newest first, no filter", AuditFilter::default()),
        ("action family role.*", AuditFilter { action: Some("role.*".into()), ..AuditFilter::default() }),
        (
            "one target",
            AuditFilter {
                target_type: Some("role".into()),
                target_id: Some("target-42".into()),
                ..AuditFilter::default()
            },
        ),
        (
            "a member's history (targets and subjects)",
            AuditFilter {
                target_type: Some("user".into()),
                target_id: Some("target-42".into()),
                ..AuditFilter::default()
            },
        ),
        ("one actor, by id", AuditFilter { actor: Some("actor-7".into()), ..AuditFilter::default() }),
        ("one actor, by email", AuditFilter { actor: Some("actor7@example.com".into()), ..AuditFilter::default() }),
        (
            "a month",
            AuditFilter {
                from: Some("2026-03-01T00:00:00Z".into()),
                until: Some("2026-04-01T00:00:00Z".into()),
                ..AuditFilter::default()
            },
        ),
        (
            "action and a month",
            AuditFilter {
                action: Some("member.removed".into()),
                from: Some("2026-03-01T00:00:00Z".into()),
                until: Some("2026-04-01T00:00:00Z".into()),
                ..AuditFilter::default()
            },
        ),
        (
            "text in few events (through the index)",
            AuditFilter { text: Some("target-4242".into()), ..AuditFilter::default() },
        ),
        (
            "text in many events (found in the newest window)",
            AuditFilter { text: Some("member.removed".into()), ..AuditFilter::default() },
        ),
    ];
    for (label, filter) in views {
        let mut samples = first_pages(&domain, &actor, tenant, AuditFilter { limit: 50, ..filter }).await;
        report(&format!("first page, one tenant: {label}"), &mut samples, "<= 30 ms");
    }
    let below =
        AuditFilter { include_descendants: true, action: Some("role.*".into()), limit: 50, ..AuditFilter::default() };
    let mut samples = first_pages(&domain, &actor, &root, below).await;
    report("first page, root with every tenant: role.*", &mut samples, "<= 30 ms");
    let below =
        AuditFilter { include_descendants: true, actor: Some("actor-7".into()), limit: 50, ..AuditFilter::default() };
    let mut samples = first_pages(&domain, &actor, &root, below).await;
    report("first page, root with every tenant: one actor", &mut samples, "<= 30 ms");

    // One tenant holds a tenth of the events: 100,000.
    for format in [ExportFormat::Csv, ExportFormat::JsonLines] {
        let (rss_before, _) = memory();
        let start = Instant::now();
        let mut export = domain.audit_export(&actor, tenant, &AuditFilter::default(), format).await.expect("export");
        let (mut bytes, mut lines, mut peak) = (0usize, 0usize, rss_before);
        while let Some(chunk) = export.next_chunk().await.expect("chunk") {
            bytes += chunk.len();
            lines += chunk.matches('\n').count();
            peak = peak.max(memory().0);
        }
        let took = start.elapsed();
        let rows = if format == ExportFormat::Csv { lines.saturating_sub(1) } else { lines };
        println!(
            "export {:<5} {rows} events, {:.1} MB in {took:.2?}: {:.0} rows/s (target >= 50,000); RSS {rss_before:.0} MiB before, {peak:.0} MiB at most while streaming",
            format.extension(),
            bytes as f64 / 1e6,
            rows as f64 / took.as_secs_f64().max(f64::EPSILON),
        );
    }
}

/// How long the first page of `filter` takes, `SAMPLES` times.
async fn first_pages(domain: &Domain, actor: &Actor, org: &str, filter: AuditFilter) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let start = Instant::now();
        std::hint::black_box(domain.audit_log(actor, org, &filter).await.expect("page"));
        samples.push(start.elapsed());
    }
    // Each sample in order, to tell a slow first read from a slow one now and then.
    if std::env::var_os("WARDEN_BENCH_EACH").is_some() {
        println!(
            "  each: {:?}",
            samples.iter().map(|s| s.as_secs_f64() * 1000.0).map(|ms| (ms * 10.0).round() / 10.0).collect::<Vec<_>>()
        );
    }
    samples
}

/// `EVENTS` events, oldest first over 2026, each of one of the tenants; every tenth has a
/// member as its subject (as a bulk role change records each member it changed).
async fn load_events(db: &Database, orgs: &[String]) {
    let mut random = Lcg(23);
    let subjects = (0..EVENTS).step_by(10).map(move |n| {
        vec![
            Cell::Text("user".to_owned()),
            Cell::Text(format!("target-{}", random.below(20_000))),
            Cell::Text(format!("event-{n:07}")),
        ]
    });
    insert(db, "audit_event_subjects", &["subject_type", "subject_id", "event_id"], subjects).await;
    let mut random = Lcg(17);
    let year = 365 * 24 * 3600;
    let rows = (0..EVENTS).map(move |n| {
        let second = n * year / EVENTS;
        let at = time::OffsetDateTime::from_unix_timestamp(1_767_225_600 + second as i64).expect("a time");
        let at = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            n % 1_000_000
        );
        let action = ACTIONS[random.below(ACTIONS.len())];
        let target = random.below(20_000);
        let actor = random.below(1_000);
        vec![
            Cell::Text(format!("event-{n:07}")),
            Cell::Text(at),
            Cell::Text(format!("actor-{actor}")),
            Cell::Text(format!("Actor {actor}")),
            Cell::Text(format!("actor{actor}@example.com")),
            Cell::Text(orgs[n % orgs.len()].clone()),
            Cell::Text(action.to_owned()),
            Cell::Text(action.split('.').next().unwrap_or_default().to_owned()),
            Cell::Text(format!("target-{target}")),
            Cell::Text(format!("Target {target}")),
            Cell::Text(json!({ "name": format!("Target {target}"), "version": n }).to_string()),
            Cell::Text(json!({ "name": format!("Target {target}"), "version": n + 1 }).to_string()),
        ]
    });
    let columns = [
        "id",
        "at",
        "actor_id",
        "actor_name",
        "actor_email",
        "org_id",
        "action",
        "target_type",
        "target_id",
        "target_name",
        "before_json",
        "after_json",
    ];
    insert(db, "audit_events", &columns, rows).await;
}
