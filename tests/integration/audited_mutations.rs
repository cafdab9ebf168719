//! Every kind of mutation the domain has writes one audit event, with who did it, what it was
//! done to, and what changed: a table of mutations, each made through the REST API (or the
//! page's form where it has no endpoint), each followed by a look at the newest event.
//!
//! The table must cover every action the domain's code can record: a new `AuditEvent::new("…")`
//! without a row here (or a named test elsewhere) fails `every_action_in_the_code_is_covered`.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{ADMIN_EMAIL, USER_PASSWORD, http::Req, tenants::World};

/// Actions recorded by mutations that need more than this table: each is checked by the test
/// named beside it.
const CHECKED_ELSEWHERE: [(&str, &str); 11] = [
    ("sso.configured", "sso::configuration_is_validated_and_the_secret_never_comes_back"),
    ("sso.updated", "sso::configuration_is_validated_and_the_secret_never_comes_back"),
    ("sso.deleted", "sso::configuration_is_validated_and_the_secret_never_comes_back"),
    ("sso.secret_resealed", "sso::configuration_is_validated_and_the_secret_never_comes_back"),
    ("sso.sign_in_started", "sso::a_first_sign_in_creates_the_user_with_the_roles_their_groups_map_to"),
    ("sso.sign_in", "sso::a_first_sign_in_creates_the_user_with_the_roles_their_groups_map_to"),
    ("sso.sign_in_failed", "sso::every_bad_answer_is_refused_clearly_and_audited"),
    ("sign_in.throttled", "sign_in::throttled_attempts_are_aggregated_per_minute"),
    ("audit.retention_applied", "audit_log::retention_deletes_whole_days_and_says_so"),
    ("role.restored", "audit_log::a_role_is_restored_to_a_version_from_its_history"),
    ("policy.restored", "audit_log::a_policy_is_restored_to_a_version_from_its_history"),
];

/// What the newest event must say.
struct Expected<'a> {
    action: &'a str,
    /// `None` for Warden itself and for people not signed in yet.
    actor_email: Option<&'a str>,
    target_type: &'a str,
    target_id: &'a str,
    /// Fields its diff must show as changed (names beside ids included).
    changed: &'a [&'a str],
}

/// What the newest event must say of a change by the root's admin.
fn expect<'a>(action: &'a str, target_type: &'a str, target_id: &'a str, changed: &'a [&'a str]) -> Expected<'a> {
    Expected { action, actor_email: Some(ADMIN_EMAIL), target_type, target_id, changed }
}

/// The newest event of the whole log, as the root's admin reads it.
async fn newest(world: &World) -> Value {
    let path = format!("/v1/orgs/{}/iam/audit?include_descendants=true&limit=1", world.root);
    let (status, page) = world.root(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["events"][0].clone()
}

/// Checks the newest event against `expected`; returns it.
async fn check(world: &World, expected: Expected<'_>, covered: &mut BTreeSet<String>) -> Value {
    let event = newest(world).await;
    let action = expected.action;
    assert_eq!(event["action"], action, "{event}");
    assert_eq!(event["actor_email"], json!(expected.actor_email), "{action}: the actor as they were: {event}");
    assert_eq!(event["target_type"], expected.target_type, "{action}: {event}");
    assert_eq!(event["target_id"], expected.target_id, "{action}: {event}");
    assert!(event["target_name"].as_str().is_some_and(|n| !n.is_empty()), "{action}: a name: {event}");
    if event["actor_name"] != "system" {
        assert!(event["request_id"].as_str().is_some_and(|r| !r.is_empty()), "{action}: the request: {event}");
    }
    let changed: Vec<&str> =
        event["changes"].as_array().into_iter().flatten().filter_map(|c| c["field"].as_str()).collect();
    for field in expected.changed {
        assert!(changed.contains(field), "{action}: {field} changed: {event}");
    }
    covered.insert(action.to_owned());
    event
}

/// A REST call as the root's admin that must succeed; its answer.
async fn ok(world: &World, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = world.root(method.clone(), path, body).await;
    assert!(status.is_success(), "{method} {path}: {status} {answer}");
    answer
}

fn id(answer: &Value, field: &str) -> String {
    answer[field].as_str().unwrap_or_else(|| panic!("no {field}: {answer}")).to_owned()
}

async fn each_kind_of_mutation_writes_one_event_with_actor_target_and_diff(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let mut covered = BTreeSet::new();
    let root = world.root.clone();

    // Organizations.
    let body = json!({ "name": "Acme", "contact_email": "ops@example.com", "parent_organization_id": root,
                       "can_have_child_organizations": true });
    let acme = id(&ok(&world, Method::POST, "/v1/orgs", Some(body)).await, "id");
    check(&world, expect("org.created", "organization", &acme, &["name"]), &mut covered).await;
    ok(&world, Method::PATCH, &format!("/v1/orgs/{acme}"), Some(json!({ "name": "Acme Inc" }))).await;
    let event = check(&world, expect("org.updated", "organization", &acme, &["name"]), &mut covered).await;
    assert_eq!(event["target_name"], "Acme Inc");
    let sales = world.org("Sales", &root).await;
    ok(&world, Method::POST, &format!("/v1/orgs/{sales}/move"), Some(json!({ "parent_organization_id": acme }))).await;
    check(&world, expect("org.moved", "organization", &sales, &["parent_organization_id"]), &mut covered).await;

    // Policies and roles.
    let reading = json!({ "name": "Reading", "permissions": ["policy:read"] });
    let policy =
        id(&ok(&world, Method::POST, &format!("/v1/orgs/{acme}/iam/policies"), Some(reading)).await, "policy_id");
    check(&world, expect("policy.created", "policy", &policy, &["name", "statements"]), &mut covered).await;
    let policy_path = format!("/v1/orgs/{acme}/iam/policies/{policy}");
    ok(&world, Method::PATCH, &policy_path, Some(json!({ "permissions": ["policy:read", "role:read"] }))).await;
    check(&world, expect("policy.updated", "policy", &policy, &["statements"]), &mut covered).await;
    let body = json!({ "name": "Readers", "policy_ids": [policy] });
    let role = id(&ok(&world, Method::POST, &format!("/v1/orgs/{acme}/iam/roles"), Some(body)).await, "role_id");
    check(&world, expect("role.created", "role", &role, &["policies", "policy_ids"]), &mut covered).await;
    let other_policy = world.policy(&acme, "Writing", json!({ "permissions": ["policy:update"] })).await;
    let role_path = format!("/v1/orgs/{acme}/iam/roles/{role}");
    let change = json!({ "policy_ids": [policy, other_policy], "description": "Reads and writes" });
    ok(&world, Method::PATCH, &role_path, Some(change)).await;
    let changed = ["policies", "policy_ids", "description"];
    let event = check(&world, expect("role.updated", "role", &role, &changed), &mut covered).await;
    let policies = event["changes"].as_array().unwrap().iter().find(|c| c["field"] == "policies").unwrap();
    assert_eq!(policies["after"], json!(["Reading", "Writing"]), "names beside ids: {event}");

    // Users and members.
    let body = json!({ "email": "pat@example.com", "organization_id": acme, "password": USER_PASSWORD });
    let pat = id(&ok(&world, Method::POST, "/v1/users", Some(body)).await, "user_id");
    check(&world, expect("user.created", "user", &pat, &["status"]), &mut covered).await;
    ok(&world, Method::PATCH, &format!("/v1/users/{pat}"), Some(json!({ "first_name": "Pat" }))).await;
    check(&world, expect("user.updated", "user", &pat, &["names"]), &mut covered).await;
    let member = world.predefined(&acme, "member").await;
    world.give(&acme, &pat, &[&member, &role]).await;
    let event = check(&world, expect("member.roles_set", "user", &pat, &["role_ids", "roles"]), &mut covered).await;
    assert!(event.to_string().contains("Readers"), "role names beside ids: {event}");
    let bulk = json!({ "change": "remove", "role_id": role, "user_ids": [pat] });
    ok(&world, Method::POST, &format!("/v1/orgs/{acme}/iam/members/bulk-roles"), Some(bulk)).await;
    let event = check(&world, expect("member.roles_bulk_removed", "role", &role, &["selection"]), &mut covered).await;
    assert_eq!(event["after"]["selection"]["members"], json!(["pat@example.com"]), "emails beside ids: {event}");
    let bulk = json!({ "change": "add", "role_id": role, "user_ids": [pat] });
    ok(&world, Method::POST, &format!("/v1/orgs/{acme}/iam/members/bulk-roles"), Some(bulk)).await;
    check(&world, expect("member.roles_bulk_added", "role", &role, &["changed"]), &mut covered).await;

    // User groups.
    let body = json!({ "name": "Ops", "user_ids": [pat], "role_ids": [role] });
    let group = id(&ok(&world, Method::POST, &format!("/v1/orgs/{acme}/iam/groups"), Some(body)).await, "group_id");
    let event =
        check(&world, expect("user_group.created", "user_group", &group, &["members", "roles"]), &mut covered).await;
    assert_eq!(event["after"]["members"], json!(["pat@example.com"]));
    assert_eq!(event["after"]["roles"], json!(["Readers"]));
    let group_path = format!("/v1/orgs/{acme}/iam/groups/{group}");
    ok(&world, Method::PATCH, &group_path, Some(json!({ "user_ids": [], "description": "On call" }))).await;
    let changed = ["members", "user_ids", "description"];
    check(&world, expect("user_group.updated", "user_group", &group, &changed), &mut covered).await;
    ok(&world, Method::DELETE, &group_path, None).await;
    check(&world, expect("user_group.deleted", "user_group", &group, &["roles"]), &mut covered).await;

    // The person's own session: password changes, signing out and in.
    let cookie = world.app.user_cookie("pat@example.com").await;
    check(
        &world,
        Expected { action: "sign_in", actor_email: None, target_type: "user", target_id: &pat, changed: &[] },
        &mut covered,
    )
    .await;
    let password = |current: &str| {
        let body = json!({ "current_password": current, "new_password": "a brand new passphrase" });
        Req::new(Method::PUT, "/v1/me/password").same_origin().cookie(&cookie).json(&body.to_string())
    };
    let refused = world.app.send(password("not the password")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text());
    let pats = |action| Expected {
        action,
        actor_email: Some("pat@example.com"),
        target_type: "user",
        target_id: &pat,
        changed: &[],
    };
    check(&world, pats("user.password_change_failed"), &mut covered).await;
    let changed = world.app.send(password(USER_PASSWORD)).await;
    assert!(changed.status.is_success(), "{}", changed.text());
    check(&world, pats("user.password_changed"), &mut covered).await;
    let cookie = changed.session_cookie().unwrap_or(cookie.clone());
    let out = world.app.send(Req::new(Method::POST, "/api/sign-out").same_origin().cookie(&cookie).form(&[])).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.status);
    check(&world, pats("sign_out"), &mut covered).await;
    world.app.sign_in("pat@example.com", "wrong password!").await;
    let failed = Expected {
        action: "sign_in.failed",
        actor_email: None,
        target_type: "user",
        target_id: &pat,
        changed: &["reason"],
    };
    check(&world, failed, &mut covered).await;

    // Members leave; roles and policies go.
    ok(&world, Method::DELETE, &format!("/v1/orgs/{acme}/iam/members/{pat}"), None).await;
    let event = check(&world, expect("member.removed", "user", &pat, &["roles"]), &mut covered).await;
    assert!(event["before"]["roles"].as_array().is_some_and(|r| r.contains(&json!("Readers"))), "{event}");
    ok(&world, Method::DELETE, &role_path, None).await;
    let event = check(&world, expect("role.deleted", "role", &role, &["policies"]), &mut covered).await;
    assert_eq!(event["before"]["policies"], json!(["Reading", "Writing"]));
    ok(&world, Method::DELETE, &policy_path, None).await;
    check(&world, expect("policy.deleted", "policy", &policy, &["statements"]), &mut covered).await;
    ok(&world, Method::DELETE, &format!("/v1/users/{pat}"), None).await;
    check(&world, expect("user.deleted", "user", &pat, &["email"]), &mut covered).await;

    // Tokens and their policy.
    let token = ok(&world, Method::POST, "/v1/tokens", Some(json!({ "name": "ci", "expires_in_days": 30 }))).await;
    let token_id = id(&token, "token_id");
    check(&world, expect("token.created", "token", &token_id, &["prefix"]), &mut covered).await;
    ok(&world, Method::DELETE, &format!("/v1/tokens/{token_id}"), None).await;
    check(&world, expect("token.revoked", "token", &token_id, &["revoked_by_admin"]), &mut covered).await;
    let policy_body = json!({ "max_lifetime_days": 365, "allow_no_expiry": true });
    ok(&world, Method::PUT, &format!("/v1/orgs/{acme}/token-policy"), Some(policy_body)).await;
    check(&world, expect("token_policy.updated", "organization", &acme, &["allow_no_expiry"]), &mut covered).await;

    // The permission schema and the resource catalog.
    world.with_projects().await;
    let event = newest(&world).await;
    let schema_id = event["target_id"].as_str().unwrap_or_default().to_owned();
    check(
        &world,
        expect("permission_schema.replaced", "permission_schema", &schema_id, &["resource_types"]),
        &mut covered,
    )
    .await;
    let resource_path = format!("/v1/orgs/{acme}/iam/resources/project/prod");
    ok(&world, Method::PUT, &resource_path, Some(json!({ "name": "Production" }))).await;
    let resource = newest(&world).await["target_id"].as_str().unwrap_or_default().to_owned();
    assert!(resource.contains("prod"), "{resource}");
    check(&world, expect("resource.registered", "resource", &resource, &["name"]), &mut covered).await;
    ok(&world, Method::PUT, &resource_path, Some(json!({ "name": "Production EU" }))).await;
    check(&world, expect("resource.renamed", "resource", &resource, &["name"]), &mut covered).await;
    ok(&world, Method::DELETE, &resource_path, None).await;
    check(&world, expect("resource.removed", "resource", &resource, &["name"]), &mut covered).await;

    // The command line's first admin, as Warden itself.
    let actor = warden::domain::Actor::system();
    let made = world.app.domain.create_admin(&actor, "ops@example.com", "Ops Admin", "an admin's passphrase").await;
    let made = made.expect("created");
    check(
        &world,
        Expected {
            action: "user.admin_created",
            actor_email: None,
            target_type: "user",
            target_id: &made.id,
            changed: &["email"],
        },
        &mut covered,
    )
    .await;

    // And an organization deleted, with what it took.
    ok(&world, Method::DELETE, &format!("/v1/orgs/{sales}"), None).await;
    check(&world, expect("org.deleted", "organization", &sales, &["name"]), &mut covered).await;

    let elsewhere: BTreeSet<String> = CHECKED_ELSEWHERE.iter().map(|(a, _)| (*a).to_owned()).collect();
    let in_the_code = actions_in_the_code();
    let missing: Vec<&String> =
        in_the_code.iter().filter(|a| !covered.contains(*a) && !elsewhere.contains(*a)).collect();
    assert!(missing.is_empty(), "actions the code records that no test checks: {missing:?}");
}

on_both_engines!(each_kind_of_mutation_writes_one_event_with_actor_target_and_diff);

/// Every action named in the domain's code: the `"x.y"` literals of the files that write events
/// (error kinds such as `value_error.name` aside).
fn actions_in_the_code() -> BTreeSet<String> {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/domain").flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    files(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"), &mut paths);
    let mut actions = BTreeSet::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable");
        if !text.contains("AuditEvent::new") {
            continue;
        }
        // A literal is a quote, lower-case words joined by one dot, and a quote.
        for (start, _) in text.match_indices('"') {
            let rest = &text[start + 1..];
            let literal = &rest[..rest.find(|c: char| !(c.is_ascii_lowercase() || c == '_' || c == '.')).unwrap_or(0)];
            let closed = rest[literal.len()..].starts_with('"');
            let (kind, name) = literal.split_once('.').unwrap_or(("", ""));
            let word = |w: &str| !w.is_empty() && !w.contains('.');
            if closed && word(kind) && word(name) && kind != "value_error" && kind != "restriction" {
                actions.insert(literal.to_owned());
            }
        }
    }
    actions
}

#[test]
fn the_code_scan_finds_the_actions() {
    let actions = actions_in_the_code();
    for known in ["org.created", "member.roles_bulk_added", "resource.renamed", "sso.updated", "policy.restored"] {
        assert!(actions.contains(known), "{known} in {actions:?}");
    }
    for (action, test) in CHECKED_ELSEWHERE {
        assert!(actions.contains(action), "{action} (checked in {test}) is no action of the code");
    }
}
