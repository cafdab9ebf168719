//! Two app servers on one database: a change made on one is honoured by decisions on the other
//! within a second. On PostgreSQL the change arrives as a notice and the other server patches
//! only what it affects (its cache is never emptied); on SQLite (one server in production) the
//! generation check still catches up.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use serde_json::json;
use warden::domain::{Domain, DomainError, Engine, authz::permissions::Permission};

use crate::support::tenants::World;

/// Waits up to a second for `b` to decide `expected`; returns how long it took.
async fn within_a_second(b: &Domain, user: &str, org: &str, permission: &str, expected: bool) -> Duration {
    let permission = Permission::parse(permission).expect("permission");
    let started = Instant::now();
    loop {
        let allowed = b.decide(user, org, &permission).await.expect("decision").allowed;
        if allowed == expected {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(1), "server B still says {allowed} for {permission} at {org}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn changes_on_one_server_reach_the_other(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let admin = world.app.admin_actor().await;
    let admin = admin.user_id().expect("admin").to_owned();
    let here = world.org("Here", &world.root).await;
    let elsewhere = world.org("Elsewhere", &world.root).await;
    let editors = world.allow_role(&here, "Editors", &["policy:update"]).await;
    let movers = world.allow_role(&elsewhere, "Elsewhere editors", &["policy:update"]).await;
    let person = world.person("person@example.com", &here).await;
    let member = world.predefined(&here, "member").await;

    // Server B, on the same database, warm: on PostgreSQL once it listens for notices (starting
    // to listen empties its cache, which must come before the warm-up it is measured from).
    let b = Domain::new(world.app.db.open().await);
    if engine == Engine::Postgres {
        let started = Instant::now();
        while !b.authz_cache_stats().listening {
            assert!(started.elapsed() < Duration::from_secs(5), "B never started listening");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    within_a_second(&b, &person.id, &here, "policy:update", false).await;
    within_a_second(&b, &admin, &elsewhere, "policy:update", true).await;
    let warm = b.authz_cache_stats();

    // A membership: the person gets Editors here.
    world.give(&here, &person.id, &[&member, &editors]).await;
    let membership = within_a_second(&b, &person.id, &here, "policy:update", true).await;
    // A role: Editors no longer has policy:update.
    let policy = world.policy(&here, "Readers only", json!({ "permissions": ["policy:read"] })).await;
    let (status, body) = world
        .root(Method::PATCH, &format!("/v1/orgs/{here}/iam/roles/{editors}"), Some(json!({ "policy_ids": [policy] })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let role = within_a_second(&b, &person.id, &here, "policy:update", false).await;
    // A move: Here goes below Elsewhere, where the person is given an editor role.
    let (_, person_elsewhere) = world
        .root(
            Method::POST,
            &format!("/v1/orgs/{elsewhere}/iam/members"),
            Some(json!({ "user_id": person.id, "role_ids": [movers] })),
        )
        .await;
    assert!(person_elsewhere.is_null(), "{person_elsewhere}");
    within_a_second(&b, &person.id, &here, "policy:update", false).await;
    let (status, body) = world
        .root(Method::POST, &format!("/v1/orgs/{here}/move"), Some(json!({ "parent_organization_id": elsewhere })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let moved = within_a_second(&b, &person.id, &here, "policy:update", true).await;
    // A flag: Here stops letting its parent in, so Elsewhere's editors lose it.
    let (_, org) = world.root(Method::GET, &format!("/v1/orgs/{here}"), None).await;
    let closed = json!({ "parent_has_access": false, "version": org["version"] });
    let (status, body) = world.root(Method::PATCH, &format!("/v1/orgs/{here}"), Some(closed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let flag = within_a_second(&b, &person.id, &here, "policy:update", false).await;
    println!(
        "server B honoured server A's changes after: membership {membership:?}, role {role:?}, move {moved:?}, flag {flag:?} ({engine:?})"
    );

    if engine == Engine::Postgres {
        let after = b.authz_cache_stats();
        assert_eq!(after.full_drops, warm.full_drops, "B's cache was never emptied: {after:?}");
        assert_eq!(after.tree_loads, warm.tree_loads, "B patched its tree instead of reloading it: {after:?}");
        assert!(after.notices_applied >= 5, "B applied A's notices: {after:?}");
    }
}

on_both_engines!(changes_on_one_server_reach_the_other);

/// An admin who creates an organization on A is redirected to its page, which another request
/// may bring to B before A's notice (or B's next generation check) does: B must know it at once.
async fn an_organization_created_on_one_server_is_known_on_the_other_at_once(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let admin = world.app.admin_actor().await;
    let admin = admin.user_id().expect("admin").to_owned();
    let b = Domain::new(world.app.db.open().await);
    let read = Permission::parse("organization:read").expect("permission");
    // Warm: B has its tree and has just checked the generation, so it would not look again soon.
    assert!(b.decide(&admin, &world.root, &read).await.expect("decision").allowed);

    for round in 0..5 {
        let created = world.org(&format!("Created on A {round}"), &world.root).await;
        let decision = b.decide(&admin, &created, &read).await;
        assert!(matches!(&decision, Ok(d) if d.allowed), "B does not know {created} yet (round {round}): {decision:?}");
    }
    let missing = b.decide(&admin, "no-such-organization", &read).await;
    assert!(matches!(missing, Err(DomainError::NotFound { .. })), "still not found: {missing:?}");
}

on_both_engines!(an_organization_created_on_one_server_is_known_on_the_other_at_once);

/// Editing a role or a policy drops the cached roles of those who hold it, and no one else's:
/// with a million users, one role edit must not make every next decision reload its user.
async fn a_role_or_policy_edit_reloads_only_its_holders(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let here = world.org("Here", &world.root).await;
    let member = world.predefined(&here, "member").await;
    let editing = world.policy(&here, "Editing", json!({ "permissions": ["policy:update"] })).await;
    let editors = world.role(&here, "Editors", &[&editing]).await;
    let readers = world.allow_role(&here, "Readers", &["policy:read"]).await;
    let editor = world.person("editor@example.com", &here).await;
    let reader = world.person("reader@example.com", &here).await;
    world.give(&here, &editor.id, &[&member, &editors]).await;
    world.give(&here, &reader.id, &[&member, &readers]).await;
    let domain = &world.app.domain;
    let decide = |user: &str, permission: &str| {
        let permission = Permission::parse(permission).expect("permission");
        let (user, here) = (user.to_owned(), here.clone());
        async move { domain.decide(&user, &here, &permission).await.expect("decision").allowed }
    };
    assert!(decide(&editor.id, "policy:update").await && decide(&reader.id, "policy:read").await);

    // The policy of the editors' role now allows deleting policies instead.
    let (status, body) = world
        .root(
            Method::PATCH,
            &format!("/v1/orgs/{here}/iam/policies/{editing}"),
            Some(json!({ "permissions": ["policy:delete"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = domain.authz_cache_stats().grant_loads;
    assert!(decide(&reader.id, "policy:read").await, "the reader is unaffected");
    assert_eq!(domain.authz_cache_stats().grant_loads, before, "the reader's roles stayed cached");
    assert!(!decide(&editor.id, "policy:update").await && decide(&editor.id, "policy:delete").await);
    assert_eq!(domain.authz_cache_stats().grant_loads, before + 1, "only the editor's roles were reloaded");

    // The editors' role loses its policy altogether.
    let (status, body) = world
        .root(Method::PATCH, &format!("/v1/orgs/{here}/iam/roles/{editors}"), Some(json!({ "policy_ids": [] })))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = domain.authz_cache_stats().grant_loads;
    assert!(decide(&reader.id, "policy:read").await);
    assert!(!decide(&editor.id, "policy:delete").await, "the editor's role allows nothing now");
    assert_eq!(domain.authz_cache_stats().grant_loads, before + 1, "only the editor's roles were reloaded");
}

on_both_engines!(a_role_or_policy_edit_reloads_only_its_holders);

/// A bulk role change reloads the roles of the members it selected, and a deleted organization
/// those of whoever held a role there: no one else's (they used to empty the whole cache).
async fn bulk_changes_and_deletions_reload_only_those_affected(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let here = world.org("Here", &world.root).await;
    let elsewhere = world.org("Elsewhere", &world.root).await;
    let member = world.predefined(&here, "member").await;
    let readers = world.allow_role(&here, "Updaters", &["policy:update"]).await;
    // At home in the root, so that deleting Here later takes only their membership.
    let chosen = world.person("chosen@example.com", &world.root).await;
    let bystander = world.person("bystander@example.com", &world.root).await;
    world.give(&here, &chosen.id, &[&member]).await;
    world.give(&here, &bystander.id, &[&member, &readers]).await;
    let outsider = world.person("outsider@example.com", &elsewhere).await;
    let domain = &world.app.domain;
    let decide = |user: &str, org: &str| {
        let permission = Permission::parse("policy:update").expect("permission");
        let (user, org) = (user.to_owned(), org.to_owned());
        async move { domain.decide(&user, &org, &permission).await.expect("decision").allowed }
    };
    assert!(!decide(&chosen.id, &here).await && decide(&bystander.id, &here).await);
    decide(&outsider.id, &elsewhere).await;

    let bulk = json!({ "change": "add", "role_id": readers, "user_ids": [chosen.id] });
    let (status, body) = world.root(Method::POST, &format!("/v1/orgs/{here}/iam/members/bulk-roles"), Some(bulk)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = domain.authz_cache_stats().grant_loads;
    assert!(decide(&bystander.id, &here).await);
    decide(&outsider.id, &elsewhere).await;
    assert_eq!(domain.authz_cache_stats().grant_loads, before, "those not selected stayed cached");
    assert!(decide(&chosen.id, &here).await, "the selected member holds the role at once");
    assert_eq!(domain.authz_cache_stats().grant_loads, before + 1);

    // Every match of a filter: the same.
    let bulk = json!({ "change": "remove", "role_id": readers, "all_matching": { "q": "chosen" } });
    let (status, body) = world.root(Method::POST, &format!("/v1/orgs/{here}/iam/members/bulk-roles"), Some(bulk)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let before = domain.authz_cache_stats().grant_loads;
    assert!(decide(&bystander.id, &here).await);
    assert!(!decide(&chosen.id, &here).await, "the role is gone at once");
    assert_eq!(domain.authz_cache_stats().grant_loads, before + 1, "only the selected member was reloaded");

    let (status, body) = world.root(Method::DELETE, &format!("/v1/orgs/{here}"), None).await;
    assert!(status.is_success(), "{status} {body}");
    let before = domain.authz_cache_stats().grant_loads;
    decide(&outsider.id, &elsewhere).await;
    assert_eq!(domain.authz_cache_stats().grant_loads, before, "no role of theirs was there");
    let gone = domain.decide(&bystander.id, &here, &Permission::parse("policy:update").expect("permission")).await;
    assert!(!matches!(&gone, Ok(d) if d.allowed), "nothing is allowed in a deleted organization: {gone:?}");
}

on_both_engines!(bulk_changes_and_deletions_reload_only_those_affected);
