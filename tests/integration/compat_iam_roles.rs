//! Seed 002's roles at `/v1/iam/roles`: the platform's (root organization's) roles in its
//! shape, with its predefined slugs and CASL rules, and their writes with inline rules (kept
//! as a policy the role owns).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::{World, refused_permissions};

fn by_slug<'a>(roles: &'a Value, slug: &str) -> &'a Value {
    roles.as_array().unwrap().iter().find(|role| role["slug"] == slug).unwrap_or_else(|| panic!("{slug} in {roles}"))
}

async fn seed_002_lists_and_reads_the_platform_roles(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let reading = w.policy(&w.root, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let officer = w.role(&w.root, "Compliance Officer", &[&reading]).await;

    let (status, roles) = w.root(Method::GET, "/v1/iam/roles", None).await;
    assert_eq!(status, StatusCode::OK, "{roles}");
    let super_admin = by_slug(&roles, "predefined_super_admin");
    let mut fields: Vec<&String> = super_admin.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(fields, ["createdAt", "id", "name", "policies", "slug", "updatedAt"], "seed 002's fields only");
    assert_eq!(super_admin["name"], "Super Admin");
    assert_eq!(super_admin["policies"], json!([{ "action": "manage", "subject": "all", "conditions": {} }]));
    assert_eq!(by_slug(&roles, "predefined_member")["name"], "Member");
    let custom = by_slug(&roles, "compliance_officer");
    assert_eq!(custom["id"], officer.as_str());
    assert_eq!(custom["policies"], json!([{ "action": "read", "subject": "policy", "conditions": {} }]));

    let (status, one) = w.root(Method::GET, &format!("/v1/iam/roles/{officer}"), None).await;
    assert_eq!((status, &one), (StatusCode::OK, custom));

    // Only the root's roles: another organization's role is not one of them.
    let acme = w.org("Acme", &w.root).await;
    let acme_role = w.role(&acme, "Acme readers", &[]).await;
    let (status, _) = w.root(Method::GET, &format!("/v1/iam/roles/{acme_role}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Someone who may not read the root's roles learns nothing of them, not even the root's id.
    let member = w.person("member@acme.example", &acme).await;
    for (path, asked) in [("/v1/iam/roles".to_owned(), "root"), (format!("/v1/iam/roles/{officer}"), officer.as_str())]
    {
        let (status, body) = w.as_(&member, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!(body["details"], json!({ "resource_type": "role", "resource_id": asked }), "{path}");
        assert!(!body.to_string().contains(&w.root), "{body}");
    }
}

on_both_engines!(seed_002_lists_and_reads_the_platform_roles);

fn rule(action: &str, subject: &str) -> Value {
    json!({ "action": action, "subject": subject, "conditions": {} })
}

/// The org-scoped view of a root role: its policies with their owners.
async fn composition(w: &World, role_id: &str) -> Vec<(String, Value)> {
    let (status, role) = w.root(Method::GET, &format!("/v1/orgs/{}/iam/roles/{role_id}", w.root), None).await;
    assert_eq!(status, StatusCode::OK, "{role}");
    role["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["policy_id"].as_str().unwrap().to_owned(), p["owner_role_id"].clone()))
        .collect()
}

async fn seed_002_creates_changes_and_deletes_roles_with_inline_rules(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let events = |action: &'static str| w.app.audit_count(action);
    let (policies_before, roles_before) = (events("policy.created").await, events("role.created").await);

    // Seed 002's own example: a role made of inline CASL rules.
    let body = json!({ "name": "Compliance Officer", "policies": [rule("read", "policy"), rule("read", "role")] });
    let (status, created) = w.root(Method::POST, "/v1/iam/roles", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["slug"], "compliance_officer");
    assert_eq!(created["policies"], json!([rule("read", "policy"), rule("read", "role")]));
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, read) = w.root(Method::GET, &format!("/v1/iam/roles/{id}"), None).await;
    assert_eq!((status, &read), (StatusCode::OK, &created));
    // The rules are a policy of the root that this role owns, written with the role, each audited.
    let own = composition(&w, &id).await;
    assert_eq!(own.len(), 1, "{own:?}");
    assert_eq!(own[0].1, json!(id));
    let own_policy = own[0].0.clone();
    assert_eq!(events("policy.created").await, policies_before + 1);
    assert_eq!(events("role.created").await, roles_before + 1);

    // No other role may be made of them.
    let body = json!({ "name": "Borrower", "policy_ids": [own_policy] });
    let (status, refused) = w.root(Method::POST, &format!("/v1/orgs/{}/iam/roles", w.root), Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["detail"][0]["type"], "owned_policy", "{refused}");

    // A change with `policies` makes the role exactly those rules, in the same owned policy.
    let reading = w.policy(&w.root, "Reading members", json!({ "permissions": ["member:read"] })).await;
    let path = format!("/v1/orgs/{}/iam/roles/{id}", w.root);
    let (status, _) = w.root(Method::PUT, &path, Some(json!({ "policy_ids": [own_policy, reading] }))).await;
    assert_eq!(status, StatusCode::OK);
    let body = json!({ "policies": [rule("read", "org")] });
    let (status, changed) = w.root(Method::PUT, &format!("/v1/iam/roles/{id}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["policies"], json!([rule("read", "org")]));
    assert_eq!(composition(&w, &id).await, [(own_policy.clone(), json!(id))]);
    let (_, policy) = w.root(Method::GET, &format!("/v1/orgs/{}/iam/policies/{own_policy}", w.root), None).await;
    assert_eq!(policy["permissions"], json!(["org:read"]), "{policy}");

    // A change without `policies` keeps them, and so does composing the role of other
    // policies (the console does not offer its own rules as a choice).
    let (status, renamed) =
        w.root(Method::PUT, &format!("/v1/iam/roles/{id}"), Some(json!({ "name": "Auditor" }))).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(
        (renamed["slug"].clone(), renamed["policies"].clone()),
        (json!("auditor"), json!([rule("read", "org")]))
    );
    let (status, _) = w.root(Method::PUT, &path, Some(json!({ "policy_ids": [reading] }))).await;
    assert_eq!(status, StatusCode::OK);
    let mut composed: Vec<String> = composition(&w, &id).await.into_iter().map(|(policy, _)| policy).collect();
    composed.sort();
    let mut expected = vec![own_policy.clone(), reading.clone()];
    expected.sort();
    assert_eq!(composed, expected, "the own rules stayed beside the chosen policy");

    // A stale If-Match is refused and changes nothing.
    let stale = w
        .app
        .send(
            crate::support::http::Req::new(Method::PUT, &format!("/v1/iam/roles/{id}"))
                .same_origin()
                .cookie(&w.root_cookie)
                .header("if-match", "\"1\"")
                .json(&json!({ "name": "Stale" }).to_string()),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());

    // Rules that Warden cannot hold are a 422 at their place, and nothing is written.
    let body = json!({ "name": "Conditional", "policies": [{ "action": "read", "subject": "org", "conditions": { "mine": true } }] });
    let (status, invalid) = w.root(Method::POST, "/v1/iam/roles", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert_eq!(invalid["detail"][0]["loc"], json!(["body", "policies", 0, "conditions"]), "{invalid}");

    let (_, roles) = w.root(Method::GET, "/v1/iam/roles", None).await;
    assert!(roles.as_array().unwrap().iter().all(|r| r["name"] != "Conditional"), "{roles}");
    assert_eq!(events("role.created").await, roles_before + 1, "no role was written");

    // Predefined roles stay as they are.
    let super_admin = w.predefined(&w.root, "super_admin").await;
    let (status, _) =
        w.root(Method::PUT, &format!("/v1/iam/roles/{super_admin}"), Some(json!({ "policies": [] }))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Deleting the role deletes its own rules, audited.
    let deleted_before = events("policy.deleted").await;
    let (status, _) = w.root(Method::DELETE, &format!("/v1/iam/roles/{id}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = w.root(Method::GET, &format!("/v1/orgs/{}/iam/policies/{own_policy}", w.root), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(events("policy.deleted").await, deleted_before + 1);
}

on_both_engines!(seed_002_creates_changes_and_deletes_roles_with_inline_rules);

/// Inline rules go through the anti-escalation rule like any role: a platform admin who may
/// create roles but holds only some permissions cannot write rules for more.
async fn seed_002_inline_rules_cannot_escalate(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let composer =
        w.allow_role(&w.root, "Role composer", &["role:create", "role:read", "role:update", "org:read"]).await;
    let person = w.person("composer@example.com", &w.root).await;
    w.give(&w.root, &person.id, &[&composer]).await;

    let body = json!({ "name": "Everything", "policies": [rule("manage", "all")] });
    let (status, refused) = w.as_(&person, Method::POST, "/v1/iam/roles", Some(body)).await;
    assert!(refused_permissions(status, &refused).contains(&"member:remove".to_owned()), "{refused}");

    // Within what they hold, they can; and a change cannot widen it afterwards.
    let body = json!({ "name": "Readers", "policies": [rule("read", "org")] });
    let (status, created) = w.as_(&person, Method::POST, "/v1/iam/roles", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let path = format!("/v1/iam/roles/{}", created["id"].as_str().unwrap());
    let (status, refused) =
        w.as_(&person, Method::PUT, &path, Some(json!({ "policies": [rule("delete", "org")] }))).await;
    assert_eq!(refused_permissions(status, &refused), ["org:delete"]);
    let (_, role) = w.root(Method::GET, &path, None).await;
    assert_eq!(role["policies"], json!([rule("read", "org")]), "unchanged");
}

on_both_engines!(seed_002_inline_rules_cannot_escalate);

/// Whoever holds a role gains and loses with its rules at once (the decision cache follows);
/// whoever may not see the root cannot write its roles and learns nothing of it.
async fn seed_002_rule_changes_reach_holders_and_strangers_learn_nothing(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let body = json!({ "name": "Org readers", "policies": [rule("read", "member")] });
    let (status, created) = w.root(Method::POST, "/v1/iam/roles", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let holder = w.person("holder@example.com", &w.root).await;
    w.give(&w.root, &holder.id, &[&id]).await;
    let allowed = |permission: &'static str| {
        let (w, holder) = (&w, &holder);
        async move {
            let body = json!({ "user_id": holder.id, "permission": permission });
            let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{}/iam/check", w.root), Some(body)).await;
            assert_eq!(status, StatusCode::OK, "{answer}");
            answer["allowed"].as_bool().unwrap()
        }
    };
    assert!(!allowed("token:read").await);
    let body = json!({ "policies": [rule("read", "token")] });
    let (status, _) = w.root(Method::PUT, &format!("/v1/iam/roles/{id}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(allowed("token:read").await, "the new rule is honoured at once");
    let (status, _) = w.root(Method::DELETE, &format!("/v1/iam/roles/{id}?unassign=true"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!allowed("token:read").await, "the deleted role's rules are gone");

    let acme = w.org("Acme", &w.root).await;
    let stranger = w.person("admin@acme.example", &acme).await;
    let acme_admin = w.predefined(&acme, "super_admin").await;
    w.give(&acme, &stranger.id, &[&acme_admin]).await;
    let super_admin = w.predefined(&w.root, "super_admin").await;
    for (method, path, body) in [
        (Method::POST, "/v1/iam/roles".to_owned(), Some(json!({ "name": "Mine", "policies": [] }))),
        (Method::PUT, format!("/v1/iam/roles/{super_admin}"), Some(json!({ "name": "Mine" }))),
        (Method::DELETE, format!("/v1/iam/roles/{super_admin}"), None),
    ] {
        let (status, body) = w.as_(&stranger, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
        assert!(!body.to_string().contains(&w.root), "{body}");
    }
}

on_both_engines!(seed_002_rule_changes_reach_holders_and_strangers_learn_nothing);
