//! The large size: 100,000 organizations (ten levels deep, four of them with 5,000 children
//! each) and 1,000,000 users, each a member of one organization. Prints figures; asserts
//! nothing.
//!
//!     cargo bench --features ssr --bench scale
//!
//! Loads the data (bulk SQL, indexes after), then measures through the domain: decisions warm
//! and for users seen the first time, the first page of a 5,000-child organization's children,
//! organization search; through the real router on a TCP port: the tree page opened down to
//! one of those children, and the move picker with a search, each as time to the first byte
//! and to the last; and this process's memory (it holds the server).
//!
//! Runs on a fresh SQLite file, then on a fresh PostgreSQL database when one is reachable at
//! WARDEN_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
//! WARDEN_BENCH_ONLY=sqlite or =postgres runs one of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The router's page types are deep, as in the crate itself.
#![recursion_limit = "512"]

mod support;

use std::time::Instant;

use sqlx::Row;
use support::{
    EMAIL, PASSWORD,
    figures::{memory, report},
    fixture::{self, Lcg},
    serve, sign_in, timed_get,
};
use warden::domain::{Actor, Database, Domain, authz::permissions::Permission, orgs::ChildrenQuery};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    support::on_each_engine("scale", |url| async move { run(&url).await }).await;
}

async fn run(url: &str) {
    let mut db = Database::open(url).await.expect("database");
    let admin = Domain::new(db.clone())
        .bootstrap(Some(EMAIL.into()), Some(PASSWORD.into()))
        .await
        .expect("bootstrap")
        .expect("an empty database");
    let actor = Actor::user(admin.user.id.clone(), "Bench".into(), None, None);

    let fixture = fixture::load(&mut db, &fixture::HUNDRED_THOUSAND).await;
    println!(
        "loaded {} organizations (depth {}, {} with {} children), {} users, {} memberships in {:.1?} on {} (target < 1 min on SQLite)",
        fixture.org_ids.len(),
        fixture.max_depth(),
        fixture.wide.len(),
        fixture::HUNDRED_THOUSAND.wide_children,
        fixture.users,
        fixture.memberships,
        fixture.load_time,
        warden::domain::db::redact(url)
    );
    for (part, took) in &fixture.table_times {
        println!("  {part:<40} {took:>10.1?}");
    }
    let (rss, _) = memory();
    println!("memory after loading: {rss:.0} MiB resident");

    let domain = Domain::new(db);
    let addr = serve(domain.clone()).await;
    let cookie = sign_in(addr).await;

    // Decisions: the first one loads the tree; each user's first loads their grants.
    let permissions =
        ["org:read", "member:assign", "org:delete", "policy:update"].map(|p| Permission::parse(p).expect("p"));
    // Half the questions are about a user's own organization, half about a random one.
    let mut rng = Lcg(7);
    let questions: Vec<(String, String, Permission)> = (0..20_000)
        .map(|n| {
            let (user, own) = fixture.sample_memberships[rng.below(fixture.sample_memberships.len())];
            let org = if n % 2 == 0 { own } else { rng.below(fixture.org_ids.len()) };
            (fixture.user_id(user), fixture.org_ids[org].clone(), permissions[rng.below(permissions.len())].clone())
        })
        .collect();
    let t = Instant::now();
    domain.decide(&questions[0].0, &questions[0].1, &questions[0].2).await.expect("decide");
    println!("first decision (loads the 100,000-organization tree): {:.1?}", t.elapsed());
    let mut first = Vec::with_capacity(questions.len());
    for (user, org, permission) in &questions {
        let t = Instant::now();
        std::hint::black_box(domain.decide(user, org, permission).await.expect("decide"));
        first.push(t.elapsed());
    }
    report("decision, a user's first (loads their grants)", &mut first, "printed only");
    let mut warm = Vec::with_capacity(questions.len());
    let mut allowed = 0;
    for (user, org, permission) in &questions {
        let t = Instant::now();
        let decision = domain.decide(user, org, permission).await.expect("decide");
        warm.push(t.elapsed());
        allowed += usize::from(decision.allowed);
    }
    println!("decisions: {allowed} of {} allowed", questions.len());
    report("decision, warm", &mut warm, "p50 <= 2 us, p99 <= 20 us");

    // The children of the organizations with 5,000 children: the first page, then the next.
    let mut first_pages = Vec::new();
    let mut next_pages = Vec::new();
    for round in 0..50 {
        let wide = &fixture.org_ids[fixture.wide[round % fixture.wide.len()]];
        let t = Instant::now();
        let first = ChildrenQuery { limit: 50, ..ChildrenQuery::default() };
        let page = domain.organization_children(&actor, wide, &first).await.expect("children");
        first_pages.push(t.elapsed());
        let cursor = page.next_cursor.expect("more children");
        let t = Instant::now();
        let next = ChildrenQuery { cursor: Some(&cursor), limit: 50, including: None };
        std::hint::black_box(domain.organization_children(&actor, wide, &next).await.expect("children"));
        next_pages.push(t.elapsed());
    }
    report("children of a 5,000-child organization, first page of 50", &mut first_pages, "<= 10 ms");
    report("children of a 5,000-child organization, second page", &mut next_pages, "<= 10 ms");
    let mut rest = Vec::new();
    for _ in 0..20 {
        let path = format!("/v1/orgs/{}/children", fixture.org_ids[fixture.wide[0]]);
        let (status, _, whole, _) = timed_get(addr, &path, &cookie).await;
        assert_eq!(status, 200, "{path}");
        rest.push(whole);
    }
    report("GET /v1/orgs/{5,000-child org}/children (first page)", &mut rest, "<= 10 ms");

    // Searches by name or code, from one match to every organization.
    let one = fixture.org_ids.len() / 2 + 7;
    for (label, term) in [
        ("one match (a whole name)", fixture.org_name(one)),
        ("one match (a code)", fixture.org_code(one)),
        ("about 100 matches", "Organization 421".to_owned()),
        ("every organization", "organization".to_owned()),
        ("no match", "no such organization".to_owned()),
    ] {
        let mut samples = Vec::new();
        let mut found = 0;
        for _ in 0..20 {
            let t = Instant::now();
            found = domain.search_organizations(&actor, &term, 20).await.expect("search").len();
            samples.push(t.elapsed());
        }
        report(&format!("organization search, {label}: {found} shown"), &mut samples, "<= 20 ms");
    }
    // A tenant's member, who reaches a few hundred organizations, searching a term that
    // matches every organization: only theirs may be shown.
    let tenant_org = fixture.depth.iter().position(|d| *d == 5).expect("a depth-5 org");
    let tenant: String = sqlx::query("SELECT user_id FROM memberships WHERE org_id = $1")
        .bind(&fixture.org_ids[tenant_org])
        .fetch_one(domain.db().pool())
        .await
        .expect("a member")
        .get("user_id");
    let tenant = Actor::user(tenant, "Tenant".into(), None, None);
    for (label, term) in [("every organization", "organization"), ("no match", "no such organization")] {
        let mut samples = Vec::new();
        let mut found = 0;
        for _ in 0..20 {
            let t = Instant::now();
            found = domain.search_organizations(&tenant, term, 20).await.expect("search").len();
            samples.push(t.elapsed());
        }
        report(&format!("organization search by a tenant, {label}: {found} shown"), &mut samples, "<= 20 ms");
    }

    // Pages through the router: time to the first byte and to the last.
    let wide_child = fixture.parents.iter().position(|p| *p == Some(fixture.wide[0])).expect("a wide child");
    // The deepest organization the admin reaches (none on its way up withholds access).
    let reached = |i: usize| std::iter::successors(Some(i), |&a| fixture.parents[a]).all(|a| a % 10 != 0 || a == 0);
    let deep = (0..fixture.org_ids.len())
        .find(|&i| fixture.depth[i] == fixture.max_depth() && reached(i))
        .expect("a deep org");
    for (label, path) in [
        ("the tree page", "/orgs".to_owned()),
        (
            "the tree page opened down to a 5,000-child org's child",
            format!("/orgs?reveal={}", fixture.org_ids[wide_child]),
        ),
        ("the tree page opened down to a depth-10 org", format!("/orgs?reveal={}", fixture.org_ids[deep])),
        ("the tree page searching for every organization", "/orgs?q=organization".to_owned()),
        (
            "the move dialog of a depth-10 org, a name typed without JavaScript (~100 match)",
            format!("/orgs/{}?move_to=Organization+0421", fixture.org_ids[deep]),
        ),
        (
            "the move dialog, a name every organization matches",
            format!("/orgs/{}?move_to=organization", fixture.org_ids[deep]),
        ),
    ] {
        let (mut to_first, mut to_last, mut rows) = (Vec::new(), Vec::new(), 0);
        for _ in 0..20 {
            let (status, first_byte, whole, body) = timed_get(addr, &path, &cookie).await;
            assert_eq!(status, 200, "{path}");
            to_first.push(first_byte);
            to_last.push(whole);
            rows = ["data-testid=\"tree-node\"", "data-testid=\"pick-links-new-parent\"", "Show in tree"]
                .iter()
                .map(|row| body.matches(row).count())
                .sum();
        }
        let label = format!("{label} ({rows} rows)");
        report(&format!("{label}: first byte"), &mut to_first, "<= 50 ms");
        report(&format!("{label}: last byte"), &mut to_last, "printed only");
    }

    let (rss, peak) = memory();
    println!(
        "memory: {rss:.0} MiB resident, {peak:.0} MiB at the peak (target <= 300 MiB; the process holds the server and the bench)"
    );
}
