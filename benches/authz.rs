//! Authorization and tree benchmark. Prints figures; asserts nothing.
//!
//!     cargo bench --features ssr --bench authz
//!
//! Builds 10,000 organizations up to depth 8, 100,000 users and 300,000 memberships (two
//! random ones per user, and every user in one large organization; bulk SQL, so that setup
//! takes seconds), then measures through the real domain code: decisions warm and just after
//! an invalidating change, a page of the large organization's members with a search term,
//! "who can" there, listing one level of children, an ancestor path, moving a subtree of
//! about 1,000 organizations, and authenticating a request by API token with one decision.
//!
//! It runs on a fresh SQLite file, then on a fresh PostgreSQL database when one is reachable
//! at WARDEN_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
//! WARDEN_BENCH_ONLY=sqlite or =postgres runs one of them.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The router's page types are deep, as in the crate itself.
#![recursion_limit = "512"]

mod support;

use std::time::{Duration, Instant};

use sqlx::Row;
use support::{
    figures::report,
    fixture::{self, Fixture, LARGE_ORG, Lcg},
};
use warden::domain::{
    Actor, Database, Domain, TokenRestriction,
    authz::permissions::Permission,
    members::MemberQuery,
    orgs::{ChildrenQuery, OrganizationSettings},
    tokens::{Expiry, NewToken},
};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // WARDEN_BENCH_ONLY=sqlite or =postgres runs one engine.
    support::on_each_engine("bench", |url| async move { run(&url).await }).await;
}

async fn run(url: &str) {
    let mut db = Database::open(url).await.expect("database");
    let admin = Domain::new(db.clone())
        .bootstrap(Some("bench@example.com".into()), Some("bench passphrase long".into()))
        .await
        .expect("bootstrap");
    let admin = admin.expect("empty database");
    let actor = Actor::user(admin.user.id.clone(), "Bench".into(), None, None);

    let fixture = fixture::load(&mut db, &fixture::TEN_THOUSAND).await;
    let domain = Domain::new(db.clone());
    let (orgs, users) = (fixture.org_ids.len(), fixture.users);
    println!(
        "setup: {orgs} orgs (depth <= {}), {users} users, {} memberships in {:.1?} on {}",
        fixture.max_depth(),
        fixture.memberships,
        fixture.load_time,
        warden::domain::db::redact(url)
    );

    let mut rng = Lcg(7);
    let permissions =
        ["org:read", "member:assign", "org:delete", "policy:update"].map(|p| Permission::parse(p).expect("p"));
    let mut questions = Vec::new();
    for _ in 0..20_000 {
        let user = fixture.user_id(rng.below(users));
        let org = &fixture.org_ids[rng.below(orgs)];
        questions.push((user, org.clone(), permissions[rng.below(permissions.len())].clone()));
    }

    // Warm: every user and the tree are cached after the first pass.
    let mut allowed = 0;
    for (user, org, permission) in &questions {
        allowed += usize::from(domain.decide(user, org, permission).await.expect("decide").allowed);
    }
    let mut warm = Vec::with_capacity(questions.len());
    for (user, org, permission) in &questions {
        let t = Instant::now();
        let decision = domain.decide(user, org, permission).await.expect("decide");
        warm.push(t.elapsed());
        std::hint::black_box(decision);
    }
    println!("decisions: {allowed} of {} allowed", questions.len());
    report("decision, warm", &mut warm, "p50 <= 2 us, p99 <= 20 us");
    token_authentication(&domain, &actor, &fixture).await;

    // The admin changes things only where the tree lets their root role reach (a tenth of the
    // orgs withhold parent access, as real tenants do).
    let mut reachable = Vec::new();
    for org in &fixture.org_ids {
        if domain.may(&actor, org, &Permission::new("org", "update")).await.expect("may") {
            reachable.push(org.clone());
        }
    }
    println!("the root's Super Admin reaches {} of {orgs} orgs", reachable.len());

    // Just after a membership change of that user: their roles are reloaded.
    let mut after_membership = Vec::new();
    for n in 0..200 {
        let user = &fixture.user_id(n * 37);
        let org = &reachable[1 + rng.below(reachable.len() - 1)];
        let member_role: String = sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND slug = 'member'")
            .bind(org)
            .fetch_one(db.pool())
            .await
            .expect("role")
            .get("id");
        domain.assign_roles(&actor, org, user, &[member_role]).await.expect("assign");
        let t = Instant::now();
        std::hint::black_box(domain.decide(user, org, &permissions[0]).await.expect("decide"));
        after_membership.push(t.elapsed());
    }
    report("decision, first after that user's membership change", &mut after_membership, "printed only");

    // Just after a tree change (an access flag): the tree is reloaded.
    let mut after_tree = Vec::new();
    for (n, (user, target, permission)) in questions.iter().take(20).enumerate() {
        let org = domain.visible_organization(&actor, &reachable[100 + n]).await.expect("org");
        let mut settings = OrganizationSettings::of(&org);
        settings.parent_has_access_to_descendants = !settings.parent_has_access_to_descendants;
        domain.update_organization(&actor, &org.id, settings, org.version).await.expect("update");
        let t = Instant::now();
        std::hint::black_box(domain.decide(user, target, permission).await.expect("decide"));
        after_tree.push(t.elapsed());
    }
    report("decision, first after an access-flag change", &mut after_tree, "printed only");

    let large = &fixture.org_ids[LARGE_ORG];
    let mut member_pages = Vec::new();
    for n in 0..100 {
        let term = format!("user{:03}", rng.below(100));
        let query = MemberQuery { q: Some(&term), limit: 50, ..MemberQuery::default() };
        let t = Instant::now();
        let page = domain.list_members(&actor, large, &query).await.expect("members");
        member_pages.push(t.elapsed());
        if n == 0 {
            println!("members page: {} of {} matching \"{term}\" (of {users} members)", page.members.len(), page.total);
        }
    }
    report("members page: 50 of 100,000 with a search term", &mut member_pages, "<= 30 ms");
    for (label, term) in [
        ("members page: first 50 of 100,000, no search", None),
        ("members page: a term every member matches", Some("example")),
    ] {
        let mut pages = Vec::new();
        for _ in 0..20 {
            let query = MemberQuery { q: term, limit: 50, ..MemberQuery::default() };
            let t = Instant::now();
            std::hint::black_box(domain.list_members(&actor, large, &query).await.expect("members"));
            pages.push(t.elapsed());
        }
        report(label, &mut pages, "printed only");
    }

    // One figure per permission: the one every member holds (the slow case) apart from the
    // ones a tenth or a handful hold.
    for permission in ["org:read", "member:assign", "policy:update", "org:delete"] {
        let mut who = Vec::new();
        let mut allowed = 0;
        for _ in 0..20 {
            let t = Instant::now();
            let page = domain.who_can(&actor, large, permission, None, 50).await.expect("who can");
            who.push(t.elapsed());
            allowed = page.total;
        }
        report(&format!("who can {permission} in the 100,000-member org ({allowed} allowed)"), &mut who, "<= 200 ms");
    }

    // Reading and moving, too, only where the admin's root role reaches (the flags flipped
    // above have closed some subtrees since).
    let mut still_reachable = Vec::new();
    for org in &reachable {
        if domain.may(&actor, org, &Permission::new("org", "update")).await.expect("may") {
            still_reachable.push(org.clone());
        }
    }
    let reaches: std::collections::HashSet<&String> = still_reachable.iter().collect();
    let mut children = Vec::new();
    for _ in 0..500 {
        let org = &still_reachable[rng.below(still_reachable.len())];
        let t = Instant::now();
        let query = ChildrenQuery { limit: 50, ..ChildrenQuery::default() };
        std::hint::black_box(domain.organization_children(&actor, org, &query).await.expect("children"));
        children.push(t.elapsed());
    }
    report("list one level of children, first 50 (with counts, authorized)", &mut children, "<= 5 ms");

    let mut paths = Vec::new();
    let deep: Vec<&String> = fixture
        .org_ids
        .iter()
        .zip(&fixture.depth)
        .filter(|(o, d)| **d == fixture.max_depth() && reaches.contains(o))
        .map(|(o, _)| o)
        .collect();
    for n in 0..500 {
        let t = Instant::now();
        std::hint::black_box(domain.visible_path(&actor, deep[n % deep.len()]).await.expect("path"));
        paths.push(t.elapsed());
    }
    report("visible path of a depth-8 org (breadcrumbs, authorized)", &mut paths, "printed only");

    // Subtrees rooted at depth 2 hold about a thousand orgs; move a few between depth-1 parents.
    let sizes = fixture.subtree_sizes();
    let mut moves = Vec::new();
    let candidates: Vec<usize> = (0..orgs)
        .filter(|&i| fixture.depth[i] == 2 && (900..=1200).contains(&sizes[i]) && reaches.contains(&fixture.org_ids[i]))
        .collect();
    for (n, &org) in candidates.iter().take(5).enumerate() {
        let current_parent = fixture.parents[org].unwrap_or(0);
        let new_parent = (1..orgs)
            .find(|&p| fixture.depth[p] == 1 && p != current_parent && reaches.contains(&fixture.org_ids[p]))
            .unwrap_or(1);
        let t = Instant::now();
        // A subtree holding a private organization may be refused under the rule: not timed.
        if let Err(refused) =
            domain.move_organization(&actor, &fixture.org_ids[org], &fixture.org_ids[new_parent]).await
        {
            println!("a move was refused: {refused}");
            continue;
        }
        moves.push(t.elapsed());
        if n == 0 {
            println!("moving subtrees of {} orgs", sizes[org]);
        }
    }
    report("move a ~1,000-org subtree (authorized, audited)", &mut moves, "<= 200 ms");

    two_servers(url, &domain, &actor, &fixture.org_ids[0], &fixture.user_id(7)).await;
}

/// A second app server on the same database: how long until it honours a change made on the
/// first (a user gets, then loses, Admin in an organization), and its first decision that does.
async fn two_servers(url: &str, a: &Domain, actor: &Actor, org: &str, user: &str) {
    let b = Domain::new(Database::open(url).await.expect("database"));
    let role = |slug: &'static str| async move {
        let row = sqlx::query("SELECT id FROM roles WHERE org_id = $1 AND slug = $2")
            .bind(org)
            .bind(slug)
            .fetch_one(a.db().pool())
            .await
            .expect("role");
        row.get::<String, _>("id")
    };
    let (member, admin) = (role("member").await, role("admin").await);
    let permission = Permission::new("policy", "update");
    b.decide(user, org, &permission).await.expect("warm");
    let (mut delays, mut firsts) = (Vec::new(), Vec::new());
    for n in 0..100 {
        let granted = n % 2 == 0;
        let roles = if granted { vec![member.clone(), admin.clone()] } else { vec![member.clone()] };
        a.set_member_roles(actor, org, user, &roles).await.expect("roles");
        let committed = Instant::now();
        loop {
            let t = Instant::now();
            if b.decide(user, org, &permission).await.expect("decide").allowed == granted {
                firsts.push(t.elapsed());
                break;
            }
            assert!(committed.elapsed() < Duration::from_secs(5), "server B never honoured the change");
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        delays.push(committed.elapsed());
    }
    report("two servers: a change on A honoured by B after", &mut delays, "<= 1 s");
    report("two servers: B's first decision honouring it", &mut firsts, "printed only");
    println!("two servers: B's cache {:?}", b.authz_cache_stats());
}

/// A request by API token, as the middleware and a handler make it: the secret to the user
/// and token (hash, cached look-up), then one decision through the token's restriction.
async fn token_authentication(domain: &Domain, admin: &Actor, fixture: &Fixture) {
    let restriction = TokenRestriction { permissions: Some(vec!["org:*".into(), "member:read".into()]), org_id: None };
    let new = NewToken { name: "bench".into(), expiry: Expiry::Days(30), restriction };
    let secret = domain.create_token(admin, new).await.expect("token").secret;
    let read = Permission::new("org", "read");
    let org = &fixture.org_ids[LARGE_ORG];
    let mut samples = Vec::with_capacity(20_000);
    for round in 0..21_000 {
        let t = Instant::now();
        let (user, token) = domain.authenticate_token(secret.reveal(), Some("10.0.0.1")).await.expect("authenticated");
        let actor = Actor::user(user.id, user.full_name, None, None).through_token(token);
        let allowed = domain.may(&actor, org, &read).await.expect("may");
        if round >= 1_000 {
            samples.push(t.elapsed());
        }
        assert!(allowed);
    }
    report("API token authentication + one decision, warm", &mut samples, "p50 <= 50 us");
}
