//! The anti-escalation rule, one check for every kind of change: a change may only move
//! permissions the actor holds, unrestricted, where they move. Each kind of change is tried by
//! a user who lacks the permission it moves (refused, naming it) and by one who holds it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::{Person, World, refused_permissions};

/// Tenant A with an Admin (who lacks `project:deploy`: the predefined Admin holds Warden's own
/// types only) and a Super Admin (who holds it), a member `u`, and a role that allows
/// `project:deploy`.
struct Tenant {
    w: World,
    a: String,
    admin: Person,
    super_admin: Person,
    u: Person,
    deploy_policy: String,
    deploy_role: String,
}

async fn tenant(engine: Engine) -> Option<Tenant> {
    let w = World::start(engine).await?;
    w.with_projects().await;
    let a = w.org("Tenant A", &w.root).await;
    let admin = w.person("admin@a.example", &a).await;
    let super_admin = w.person("super@a.example", &a).await;
    let u = w.person("u@a.example", &a).await;
    w.give(&a, &admin.id, &[&w.predefined(&a, "admin").await]).await;
    w.give(&a, &super_admin.id, &[&w.predefined(&a, "super_admin").await]).await;
    let deploy_policy = w.policy(&a, "Deploys", json!({ "permissions": ["project:deploy"] })).await;
    let deploy_role = w.role(&a, "Deployer", &[&deploy_policy]).await;
    Some(Tenant { w, a, admin, super_admin, u, deploy_policy, deploy_role })
}

impl Tenant {
    /// The change is refused for the Admin, naming `project:deploy`, and made by the Super Admin.
    async fn refused_then_allowed(&self, what: &str, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = self.w.as_(&self.admin, method.clone(), path, body.clone()).await;
        let refused = refused_permissions(status, &answer);
        assert!(refused.iter().any(|p| p == "project:deploy"), "{what}: {answer}");
        assert_eq!(answer["details"]["required_permission"], "project:deploy", "{what}: {answer}");
        let (status, answer) = self.w.as_(&self.super_admin, method, path, body).await;
        assert!(status.is_success(), "{what}: {status} {answer}");
        answer
    }

    fn path(&self, rest: &str) -> String {
        format!("/v1/orgs/{}{rest}", self.a)
    }
}

async fn every_kind_of_change_moves_only_what_the_actor_holds(engine: Engine) {
    let Some(t) = tenant(engine).await else { return };
    let (w, u) = (&t.w, &t.u.id);
    let member = w.predefined(&t.a, "member").await;

    // Setting a member's roles.
    let body = json!({ "user_id": u, "role_ids": [member, t.deploy_role] });
    t.refused_then_allowed("set member roles", Method::POST, &t.path("/iam/members"), Some(body)).await;

    // Taking a role away (the member holds Deployer now).
    let body = json!({ "user_id": u, "role_ids": [member] });
    t.refused_then_allowed("take a role away", Method::POST, &t.path("/iam/members"), Some(body)).await;

    // Bulk role changes.
    let body = json!({ "change": "add", "role_id": t.deploy_role, "user_ids": [u] });
    t.refused_then_allowed("bulk add", Method::POST, &t.path("/iam/members/bulk-roles"), Some(body)).await;

    // Removing a member who holds the role.
    let path = t.path(&format!("/iam/members/{u}"));
    t.refused_then_allowed("remove a member", Method::DELETE, &path, None).await;
    w.give(&t.a, u, &[&member]).await;

    // A group's roles, and a group's members.
    let body = json!({ "name": "Deployers", "user_ids": [u], "role_ids": [t.deploy_role] });
    t.refused_then_allowed("group with a role", Method::POST, &t.path("/iam/groups"), Some(body)).await;
    let (status, group) = w
        .root(
            Method::POST,
            &t.path("/iam/groups"),
            Some(json!({ "name": "Empty deployers", "role_ids": [t.deploy_role] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let path = t.path(&format!("/iam/groups/{}", group["group_id"].as_str().expect("id")));
    t.refused_then_allowed("join a group", Method::PATCH, &path, Some(json!({ "user_ids": [u] }))).await;

    // Composing a role, and changing one that members hold.
    let body = json!({ "name": "Deployer too", "policy_ids": [t.deploy_policy] });
    t.refused_then_allowed("create a role", Method::POST, &t.path("/iam/roles"), Some(body)).await;
    let readers = w.policy(&t.a, "Readers", json!({ "permissions": ["org:read"] })).await;
    let reader = w.role(&t.a, "Reader", &[&readers]).await;
    w.give(&t.a, u, &[&member, &reader]).await;
    let path = t.path(&format!("/iam/roles/{reader}"));
    t.refused_then_allowed(
        "update a held role",
        Method::PATCH,
        &path,
        Some(json!({ "policy_ids": [readers, t.deploy_policy] })),
    )
    .await;

    // Deleting a held role with `unassign`.
    let path = t.path(&format!("/iam/roles/{reader}?unassign=true"));
    t.refused_then_allowed("delete a held role", Method::DELETE, &path, None).await;

    // Writing a policy, rewriting a used one, deleting a used one with `detach`.
    let body = json!({ "name": "More deploys", "permissions": ["project:deploy"] });
    t.refused_then_allowed("create a policy", Method::POST, &t.path("/iam/policies"), Some(body)).await;
    let watchers = w.policy(&t.a, "Watchers", json!({ "permissions": ["org:read"] })).await;
    let watcher = w.role(&t.a, "Watcher", &[&watchers]).await;
    w.give(&t.a, u, &[&member, &watcher]).await;
    let path = t.path(&format!("/iam/policies/{watchers}"));
    t.refused_then_allowed(
        "rewrite a used policy",
        Method::PATCH,
        &path,
        Some(json!({ "permissions": ["org:read", "project:deploy"] })),
    )
    .await;
    let path = t.path(&format!("/iam/policies/{watchers}?detach=true"));
    t.refused_then_allowed("delete a used policy", Method::DELETE, &path, None).await;

    // Deleting an organization whose members hold the permission.
    let child = w.org("Child of A", &t.a).await;
    let child_deployer = w.allow_role(&child, "Child deployer", &["project:deploy"]).await;
    let worker = w.person("worker@a.example", &child).await;
    w.give(&child, &worker.id, &[&child_deployer]).await;
    t.refused_then_allowed("delete an organization", Method::DELETE, &format!("/v1/orgs/{child}"), None).await;

    // Creating a user who joins with a default role.
    let default_role = w.allow_role(&t.a, "Everyone deploys", &["project:deploy"]).await;
    let (status, answer) = w
        .root(Method::PATCH, &t.path(&format!("/iam/roles/{default_role}")), Some(json!({ "is_default": true })))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let body = json!({ "email": "new@a.example", "organization_id": t.a, "password": "a long enough passphrase" });
    t.refused_then_allowed("create a user with default roles", Method::POST, "/v1/users", Some(body)).await;
}

async fn removing_or_weakening_a_deny_is_a_grant_of_what_it_denied(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let a = w.org("Tenant A", &w.root).await;
    let admin = w.predefined(&a, "admin").await;
    let restricted = w.person("restricted@a.example", &a).await;
    let colleague = w.person("colleague@a.example", &a).await;
    let no_audit_policy = w
        .policy(
            &a,
            "No audit",
            json!({ "statements": [{ "effect": "deny", "actions": ["read"], "resources": ["audit"] }] }),
        )
        .await;
    let no_audit = w.role(&a, "No audit", &[&no_audit_policy]).await;
    w.give(&a, &restricted.id, &[&admin, &no_audit]).await;
    w.give(&a, &colleague.id, &[&admin]).await;

    let refused = |(status, body): (StatusCode, Value)| {
        assert!(refused_permissions(status, &body).contains(&"audit:read".to_owned()), "{body}");
    };
    let members = format!("/v1/orgs/{a}/iam/members");
    // Taking the deny role off oneself.
    refused(
        w.as_(&restricted, Method::POST, &members, Some(json!({ "user_id": restricted.id, "role_ids": [admin] })))
            .await,
    );
    // Deleting it with unassign.
    refused(
        w.as_(&restricted, Method::DELETE, &format!("/v1/orgs/{a}/iam/roles/{no_audit}?unassign=true"), None).await,
    );
    // Deleting its policy with detach.
    let policy = format!("/v1/orgs/{a}/iam/policies/{no_audit_policy}");
    refused(w.as_(&restricted, Method::DELETE, &format!("{policy}?detach=true"), None).await);
    // Editing the policy into an allow.
    let allow = json!({ "statements": [{ "effect": "allow", "actions": ["read"], "resources": ["audit"] }] });
    refused(w.as_(&restricted, Method::PATCH, &policy, Some(allow.clone())).await);
    // Still denied: nothing changed.
    let check = json!({ "permission": "audit:read" });
    let (_, answer) = w.as_(&restricted, Method::POST, &format!("/v1/orgs/{a}/iam/check"), Some(check.clone())).await;
    assert_eq!(answer["allowed"], false, "{answer}");

    // A colleague who holds audit:read unrestricted may lift the restriction.
    let (status, answer) = w.as_(&colleague, Method::PATCH, &policy, Some(allow)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, answer) = w.as_(&restricted, Method::POST, &format!("/v1/orgs/{a}/iam/check"), Some(check)).await;
    assert_eq!(answer["allowed"], true, "{answer}");
}

async fn taking_something_away_needs_the_same_right_as_giving_it(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let a = w.org("Tenant A", &w.root).await;
    let admin_role = w.predefined(&a, "admin").await;
    let super_role = w.predefined(&a, "super_admin").await;
    let admin = w.person("admin@a.example", &a).await;
    let direct = w.person("direct@a.example", &a).await;
    let grouped = w.person("grouped@a.example", &a).await;
    w.give(&a, &admin.id, &[&admin_role]).await;
    w.give(&a, &direct.id, &[&super_role]).await;
    let (status, group) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{a}/iam/groups"),
            Some(json!({ "name": "Owners", "user_ids": [grouped.id], "role_ids": [super_role] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");

    for target in [&direct, &grouped] {
        let who = &target.email;
        let (status, body) =
            w.as_(&admin, Method::DELETE, &format!("/v1/orgs/{a}/iam/members/{}", target.id), None).await;
        assert!(!refused_permissions(status, &body).is_empty(), "remove {who}");
        let user = format!("/v1/users/{}", target.id);
        let (status, body) = w.as_(&admin, Method::PATCH, &user, Some(json!({ "status": "disabled" }))).await;
        assert!(!refused_permissions(status, &body).is_empty(), "disable {who}");
        let (status, body) = w.as_(&admin, Method::PATCH, &user, Some(json!({ "first_name": "Renamed" }))).await;
        assert!(!refused_permissions(status, &body).is_empty(), "rename {who}");
        let (status, body) = w.as_(&admin, Method::DELETE, &user, None).await;
        assert!(!refused_permissions(status, &body).is_empty(), "delete {who}");
    }
    // Someone who holds what a Super Admin holds may.
    let (status, body) =
        w.root(Method::PATCH, &format!("/v1/users/{}", grouped.id), Some(json!({ "first_name": "Renamed" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn the_root_keeps_a_super_admin_held_through_a_group_too(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let super_role = w.predefined(&w.root, "super_admin").await;
    let first_admin = w.app.admin_actor().await;
    let first = first_admin.user_id().expect("id").to_owned();
    let heir = w.person("heir@example.com", &w.root).await;
    let (status, group) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{}/iam/groups", w.root),
            Some(json!({ "name": "Root owners", "user_ids": [heir.id], "role_ids": [super_role] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let group_path = format!("/v1/orgs/{}/iam/groups/{}", w.root, group["group_id"].as_str().expect("id"));

    // The heir holds Super Admin through the group: the first admin may step down.
    let member = w.predefined(&w.root, "member").await;
    let (status, body) = w
        .as_(
            &heir,
            Method::POST,
            &format!("/v1/orgs/{}/iam/members", w.root),
            Some(json!({ "user_id": first, "role_ids": [member] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Now the group is the root's only Super Admin: emptying it is refused.
    let (status, body) = w.as_(&heir, Method::PATCH, &group_path, Some(json!({ "user_ids": [] }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["rule"], "last_root_super_admin", "{body}");
    let (status, body) = w.as_(&heir, Method::DELETE, &group_path, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

async fn moves_and_access_flags_let_nothing_leak_in_unheld(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let tenant_a = w.org("Tenant A", &w.root).await;
    let tenant_b = w.org("Tenant B", &w.root).await;
    // A mover: org:read and org:move at the root, and Admin of tenant B.
    let mover = w.person("mover@example.com", &tenant_b).await;
    let movers = w.allow_role(&w.root, "Movers", &["org:read", "org:move"]).await;
    w.give(&w.root, &mover.id, &[&movers]).await;
    w.give(&tenant_b, &mover.id, &[&w.predefined(&tenant_b, "admin").await]).await;

    // Moving A under B would let B's Admin role reach into A.
    let body = json!({ "parent_organization_id": tenant_b });
    let (status, answer) = w.as_(&mover, Method::POST, &format!("/v1/orgs/{tenant_a}/move"), Some(body.clone())).await;
    let refused = refused_permissions(status, &answer);
    assert!(refused.contains(&"member:assign".to_owned()), "{answer}");
    assert!(
        answer["details"]["permissions"].as_array().expect("list").iter().all(|p| p["org_id"] == tenant_a.as_str())
    );
    let (_, a) = w.root(Method::GET, &format!("/v1/orgs/{tenant_a}"), None).await;
    assert_eq!(a["parent_organization_id"], w.root.as_str(), "not moved");
    // The root's Super Admin holds everything that would reach in: allowed.
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{tenant_a}/move"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Access flags: C's own Admin may neither cut the root off nor let it back in (the root's
    // Super Admin holds more than C's Admin), while C's Super Admin may do both.
    let tenant_c = w.org("Tenant C", &w.root).await;
    let c_admin = w.person("admin@c.example", &tenant_c).await;
    let c_super = w.person("super@c.example", &tenant_c).await;
    w.give(&tenant_c, &c_admin.id, &[&w.predefined(&tenant_c, "admin").await]).await;
    w.give(&tenant_c, &c_super.id, &[&w.predefined(&tenant_c, "super_admin").await]).await;
    // The organization page shows, beside each flag, what flipping it would do: here C's Admin
    // would be refused cutting the root off, and the root's admin would lose access.
    let cut = w.flag_preview(&c_admin.cookie, &tenant_c, "parent_has_access").await;
    assert_eq!(cut["turning_on"], false);
    assert!(cut["refused"].as_array().expect("refused").contains(&json!("*:*")), "{cut}");
    assert!(cut["impact"]["shifts"].as_array().expect("shifts").iter().any(|s| s["gain"] == false), "{cut}");
    let cut = w.flag_preview(&c_super.cookie, &tenant_c, "parent_has_access").await;
    assert_eq!(cut["refused"], json!([]), "{cut}");

    let flag = |on: bool| json!({ "parent_has_access": on });
    let path = format!("/v1/orgs/{tenant_c}");
    let (status, answer) = w.as_(&c_admin, Method::PATCH, &path, Some(flag(false))).await;
    assert!(refused_permissions(status, &answer).contains(&"*:*".to_owned()), "{answer}");
    let (status, answer) = w.as_(&c_super, Method::PATCH, &path, Some(flag(false))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = w.as_(&c_admin, Method::PATCH, &path, Some(flag(true))).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    let (status, answer) = w.as_(&c_super, Method::PATCH, &path, Some(flag(true))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn a_type_wide_grant_needs_every_instance(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    w.with_projects().await;
    let a = w.org("Tenant A", &w.root).await;
    let (status, answer) = w
        .root(Method::PUT, &format!("/v1/orgs/{a}/iam/resources/project/prod"), Some(json!({ "name": "Production" })))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let deployer = w.allow_role(&a, "Deployer", &["project:deploy"]).await;
    let not_prod_policy = w
        .policy(
            &a,
            "Not prod",
            json!({ "statements": [{ "effect": "deny", "actions": ["deploy"], "resources": ["project:prod"] }] }),
        )
        .await;
    let not_prod = w.role(&a, "Not prod", &[&not_prod_policy]).await;
    let admin = w.predefined(&a, "admin").await;
    let lead = w.person("lead@a.example", &a).await;
    let u = w.person("u@a.example", &a).await;
    w.give(&a, &lead.id, &[&admin, &deployer, &not_prod]).await;

    // The lead may deploy (anything but prod), yet cannot hand out `project:deploy`.
    let (_, answer) = w
        .as_(&lead, Method::POST, &format!("/v1/orgs/{a}/iam/check"), Some(json!({ "permission": "project:deploy" })))
        .await;
    assert_eq!(answer["allowed"], true, "{answer}");
    let body = json!({ "user_id": u.id, "role_ids": [deployer] });
    let (status, answer) = w.as_(&lead, Method::POST, &format!("/v1/orgs/{a}/iam/members"), Some(body.clone())).await;
    assert!(refused_permissions(status, &answer).contains(&"project:deploy".to_owned()), "{answer}");
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{a}/iam/members"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn a_flag_below_respects_the_actors_denies_further_down(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let x = w.org("X", &w.root).await;
    let c = w.org("C", &x).await;
    // Two Super Admins of X; the first is denied member:assign in C.
    let denied = w.person("denied@x.example", &x).await;
    let free = w.person("free@x.example", &x).await;
    for person in [&denied, &free] {
        w.give(&x, &person.id, &[&w.predefined(&x, "super_admin").await]).await;
    }
    let deny = w
        .policy(
            &c,
            "No assigning",
            json!({ "statements": [{ "effect": "deny", "resources": ["member"], "actions": ["assign"] }] }),
        )
        .await;
    w.give(&c, &denied.id, &[&w.role(&c, "Denied assigning", &[&deny]).await]).await;
    // The root's roles reach X but not past it.
    let path = format!("/v1/orgs/{x}");
    let flag = |on: bool| Some(json!({ "parent_has_access_to_descendants": on }));
    let (status, answer) = w.root(Method::PATCH, &path, flag(false)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    // Letting them reach past X into C would give there what the first may not hold.
    let (status, answer) = w.as_(&denied, Method::PATCH, &path, flag(true)).await;
    assert!(refused_permissions(status, &answer).contains(&"member:assign".to_owned()), "{answer}");
    // Without a deny below, the same flip is a Super Admin of X's to make.
    let (status, answer) = w.as_(&free, Method::PATCH, &path, flag(true)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

on_both_engines!(
    a_flag_below_respects_the_actors_denies_further_down,
    every_kind_of_change_moves_only_what_the_actor_holds,
    removing_or_weakening_a_deny_is_a_grant_of_what_it_denied,
    taking_something_away_needs_the_same_right_as_giving_it,
    the_root_keeps_a_super_admin_held_through_a_group_too,
    moves_and_access_flags_let_nothing_leak_in_unheld,
    a_type_wide_grant_needs_every_instance,
);
