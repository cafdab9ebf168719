//! "Who can" when many hold the permission: the domain lists from the holders while they are
//! few, walks the users past a couple of thousand holdings, and counts by testing every user
//! past twenty thousand (see `access_explorer.rs`). Each way must give exactly the decision
//! function's answer, page after page, on both engines.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use serde_json::json;
use warden::domain::{
    Actor, AuditEvent, Engine, Mutation, NewUser, authz::permissions::Permission, users::storage as users,
};

use crate::support::{
    TestApp,
    http::{call, create_policy, root_org},
};

/// Direct holders of the allowing role; with the group's members they pass the first threshold.
const HOLDERS: usize = 2_100;
const GROUP_MEMBERS: usize = 30;
/// Added later, for more than twenty thousand holdings in all.
const BULK_HOLDERS: usize = 18_500;

/// Adds active users (invited ones have no password yet) as members of `org` holding
/// `role_ids`, in one transaction: the domain's own path would audit and authorize each one,
/// which this test does not need 2,000 times.
async fn add_members(app: &TestApp, org: &str, emails: &[String], role_ids: &[&str]) -> Vec<String> {
    let actor = Actor::system();
    let mut mutation = Mutation::begin(app.domain.db(), &actor).await.unwrap();
    let mut ids = Vec::with_capacity(emails.len());
    for email in emails {
        let new = NewUser { email: email.clone(), full_name: email.clone(), password_hash: None };
        let user = users::insert(mutation.tx(), &new).await.unwrap();
        sqlx::query("UPDATE users SET status = 'active' WHERE id = $1")
            .bind(&user.id)
            .execute(&mut **mutation.tx())
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, joined_at) VALUES ($1, $2, '2026-01-01T00:00:00.000000Z')",
        )
        .bind(org)
        .bind(&user.id)
        .execute(&mut **mutation.tx())
        .await
        .unwrap();
        for role_id in role_ids {
            sqlx::query("INSERT INTO membership_roles (org_id, user_id, role_id) VALUES ($1, $2, $3)")
                .bind(org)
                .bind(&user.id)
                .bind(*role_id)
                .execute(&mut **mutation.tx())
                .await
                .unwrap();
        }
        ids.push(user.id);
    }
    mutation.commit(AuditEvent::new("test.members_added")).await.unwrap();
    ids
}

/// Adds `count` active users `bulk-N` holding `role_id` in `org`, in three statements.
async fn add_bulk_holders(app: &TestApp, org: &str, role_id: &str, count: usize) {
    let pool = app.domain.db().pool();
    let numbers = format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})");
    sqlx::query(&format!(
        "{numbers} INSERT INTO users (id, email, email_normalized, full_name, status, session_epoch, created_at, \
         updated_at, search_key) SELECT 'bulk-' || i, 'bulk' || i || '@many.example', 'bulk' || i || '@many.example', \
         'Bulk', 'active', 0, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', \
         'bulk' || i || '@many.example bulk' FROM n"
    ))
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO memberships (org_id, user_id, joined_at) \
         SELECT $1, id, '2026-01-01T00:00:00.000000Z' FROM users WHERE id LIKE 'bulk-%'",
    )
    .bind(org)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO membership_roles (org_id, user_id, role_id) SELECT $1, id, $2 FROM users WHERE id LIKE 'bulk-%'",
    )
    .bind(org)
    .bind(role_id)
    .execute(pool)
    .await
    .unwrap();
}

/// Pages through "who can read the audit log" and checks it against `expected` (email to id).
async fn assert_who_can_lists(app: &TestApp, org: &str, expected: &BTreeMap<String, String>) {
    let admin = app.admin_actor().await;
    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = app.domain.who_can(&admin, org, "audit:read", cursor.as_deref(), 500).await.unwrap();
        assert_eq!(page.total, expected.len(), "the total counts every allowed user");
        listed.extend(page.users.iter().map(|user| (user.email.clone(), user.user_id.clone())));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let expected: Vec<(String, String)> = expected.iter().map(|(email, id)| (email.clone(), id.clone())).collect();
    assert_eq!(listed.len(), expected.len());
    assert!(listed == expected, "who-can lists exactly the allowed users, in email order, across pages");
}

async fn who_can_goes_through_the_users_when_many_hold_the_permission(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let policies = format!("/v1/orgs/{org}/iam/policies");
    let deny = json!({ "name": "No audit", "statements": [{ "effect": "deny", "actions": ["read"], "resources": ["audit"] }] });
    let (_, no_audit) = call(&app, &cookie, Method::POST, &policies, Some(deny)).await;
    let auditor = app.create_role_with(&org, "Auditor", &[&auditors]).await;
    let muzzled = app.create_role_with(&org, "Muzzled", &[no_audit["policy_id"].as_str().unwrap()]).await;

    let holder_emails: Vec<String> =
        (0..HOLDERS).map(|n| format!("holder{:05}@many.example", n * 7919 % HOLDERS)).collect();
    let holders = add_members(&app, &org, &holder_emails, &[&auditor]).await;
    let muzzled_emails: Vec<String> = (0..40).map(|n| format!("muzzled{n:02}@many.example")).collect();
    add_members(&app, &org, &muzzled_emails, &[&auditor, &muzzled]).await;
    let grouped_emails: Vec<String> = (0..GROUP_MEMBERS).map(|n| format!("grouped{n:02}@many.example")).collect();
    let grouped = add_members(&app, &org, &grouped_emails, &[]).await;
    let body = json!({ "name": "Audit team", "user_ids": grouped, "role_ids": [auditor] });
    let (status, group) = call(&app, &cookie, Method::POST, &format!("/v1/orgs/{org}/iam/groups"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    // Disabled users are never listed, whatever they hold.
    for user_id in holders.iter().step_by(9).chain(grouped.iter().step_by(7)) {
        sqlx::query("UPDATE users SET status = 'disabled' WHERE id = $1")
            .bind(user_id)
            .execute(app.domain.db().pool())
            .await
            .unwrap();
    }

    // The expected answer: every active user the decision function allows, in email order.
    let audit_read = Permission::new("audit", "read");
    let all_users = sqlx::query_as::<_, (String, String, String)>("SELECT id, email_normalized, status FROM users")
        .fetch_all(app.domain.db().pool())
        .await
        .unwrap();
    let mut expected = BTreeMap::new();
    for (user_id, email, status) in all_users {
        if status == "active" && app.domain.decide(&user_id, &org, &audit_read).await.unwrap().allowed {
            expected.insert(email, user_id);
        }
    }
    assert!(expected.contains_key("grouped01@many.example"), "the group's role counts");
    assert!(!expected.contains_key("muzzled00@many.example"), "the deny statement wins");
    assert_who_can_lists(&app, &org, &expected).await;

    // Past twenty thousand holdings: every user is tested for the count too.
    add_bulk_holders(&app, &org, &auditor, BULK_HOLDERS).await;
    // The bulk holders hold the plain Auditor role; the decision function confirms a sample.
    for n in (1..=BULK_HOLDERS).step_by(997) {
        let user_id = format!("bulk-{n}");
        assert!(app.domain.decide(&user_id, &org, &audit_read).await.unwrap().allowed, "{user_id}");
    }
    for n in 1..=BULK_HOLDERS {
        expected.insert(format!("bulk{n}@many.example"), format!("bulk-{n}"));
    }
    assert_who_can_lists(&app, &org, &expected).await;
}

on_both_engines!(who_can_goes_through_the_users_when_many_hold_the_permission);
