//! The org tree and the authorization core through the REST API, on both engines.

use crate::support::{
    TestApp,
    http::{assert_invalid_at, call, root_org},
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;
use warden::domain::Engine;

fn org_body(name: &str, parent: &str) -> Value {
    json!({ "name": name, "contact_email": "ops@example.com", "parent_organization_id": parent, "can_have_child_organizations": true })
}

async fn create(app: &TestApp, cookie: &str, body: Value) -> Value {
    let (status, org) = call(app, cookie, Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    org
}

fn id(org: &Value) -> String {
    org["id"].as_str().expect("id").to_owned()
}

async fn the_tree_is_created_read_and_moved(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("Acme", &root)).await;
    let mut b_body = org_body("Beta", &id(&a));
    b_body["code"] = json!("beta");
    let b = create(&app, &cookie, b_body).await;
    assert_eq!(b["parent_organization_id"], id(&a));
    for key in crate::seed_replay::ORGANIZATION_FIELDS {
        assert!(b.get(key).is_some(), "organization has {key}: {b}");
    }

    let (_, by_code) = call(&app, &cookie, Method::GET, "/v1/orgs/beta", None).await;
    assert_eq!(by_code["id"], b["id"]);

    let (_, children) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{}/children", id(&a)), None).await;
    assert_eq!(children["organizations"][0]["name"], "Beta");
    assert_eq!(children["organizations"][0]["child_count"], 0);
    let (_, root_children) = call(&app, &cookie, Method::GET, "/v1/orgs/root/children", None).await;
    assert_eq!(root_children["organizations"][0]["child_count"], 1);

    let (_, ancestors) = call(&app, &cookie, Method::GET, "/v1/orgs/beta/ancestors", None).await;
    let names: Vec<&str> = ancestors["organizations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| o["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Root", "Acme", "Beta"]);
    let counts = |o: &serde_json::Value| (o["child_count"].clone(), o["member_count"].clone());
    assert_eq!(counts(&ancestors["organizations"][0]), (json!(1), json!(1)), "the root: Acme, and the admin");
    assert_eq!(counts(&ancestors["organizations"][1]), (json!(1), json!(0)), "Acme: Beta, nobody");

    let (status, moved) =
        call(&app, &cookie, Method::POST, "/v1/orgs/beta/move", Some(json!({ "parent_organization_id": root }))).await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["parent_organization_id"], root);
    let (_, ancestors) = call(&app, &cookie, Method::GET, "/v1/orgs/beta/ancestors", None).await;
    assert_eq!(ancestors["organizations"].as_array().expect("list").len(), 2);
    let events = warden::domain::audit::recent_events(app.domain.db(), 20).await.expect("events");
    assert!(events.iter().any(|e| e.action == "org.moved"));
    assert!(events.iter().filter(|e| e.action == "org.created").count() >= 2);
}

async fn tree_rules_are_enforced(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("A", &root)).await;
    let b = create(&app, &cookie, org_body("B", &id(&a))).await;
    let mut leaf_body = org_body("Leaf", &root);
    leaf_body["can_have_child_organizations"] = json!(false);
    let leaf = create(&app, &cookie, leaf_body).await;

    let (status, body) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(org_body("Under leaf", &id(&leaf)))).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::CONFLICT, Some("CONFLICT")), "{body}");
    assert_eq!(body["details"]["rule"], "parent_cannot_have_children");
    assert!(body["message"].as_str().expect("message").contains("cannot have child organizations"));

    let move_to = |target: String| json!({ "parent_organization_id": target });
    let (status, body) =
        call(&app, &cookie, Method::POST, &format!("/v1/orgs/{}/move", id(&a)), Some(move_to(id(&b)))).await;
    assert_eq!(status, StatusCode::CONFLICT, "cycle: {body}");
    assert_eq!(body["details"]["rule"], "move_into_own_subtree");
    let (status, _) =
        call(&app, &cookie, Method::POST, &format!("/v1/orgs/{}/move", id(&a)), Some(move_to(id(&a)))).await;
    assert_eq!(status, StatusCode::CONFLICT, "onto itself");
    let (status, _) =
        call(&app, &cookie, Method::POST, &format!("/v1/orgs/{}/move", id(&b)), Some(move_to(id(&leaf)))).await;
    assert_eq!(status, StatusCode::CONFLICT, "under a leaf");
    let (status, body) = call(&app, &cookie, Method::POST, "/v1/orgs/root/move", Some(move_to(id(&a)))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = call(&app, &cookie, Method::DELETE, "/v1/orgs/root", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "the root cannot be deleted");
    let (status, body) = call(&app, &cookie, Method::DELETE, "/v1/orgs/root", None).await;
    assert!(body["message"].as_str().expect("message").contains("root"), "{status} {body}");

    // The admin may not delete an organization they are a direct member of.
    let admin = app.admin_actor().await;
    let admin_id = admin.user_id().expect("user").to_owned();
    let member_role = app.role_id(&id(&b), "member").await;
    app.domain.assign_roles(&admin, &id(&b), &admin_id, &[member_role]).await.expect("assign");
    let (status, body) = call(&app, &cookie, Method::DELETE, &format!("/v1/orgs/{}", id(&b)), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body["message"].as_str().expect("message").contains("cannot delete their own organization"));
    assert_eq!(body["details"]["rule"], "cannot_delete_own_organization");
}

async fn count_rows(app: &TestApp, sql: &str, ids: &[String]) -> i64 {
    let mut total = 0;
    for id in ids {
        total += sqlx::query(sql).bind(id).fetch_one(app.domain.db().pool()).await.expect("count").get::<i64, _>(0);
    }
    total
}

async fn deleting_a_subtree_leaves_no_orphans(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("A", &root)).await;
    let b = create(&app, &cookie, org_body("B", &id(&a))).await;
    let c = create(&app, &cookie, org_body("C", &id(&b))).await;
    let keep = create(&app, &cookie, org_body("Keep", &root)).await;
    let admin = app.admin_actor().await;
    for (n, org) in [&a, &b, &c, &keep].into_iter().enumerate() {
        let user = app.create_user(&format!("member{n}@example.com")).await;
        let role = app.role_id(&id(org), "member").await;
        app.domain.assign_roles(&admin, &id(org), &user, &[role]).await.expect("assign");
    }

    let (status, impact) =
        call(&app, &cookie, Method::GET, &format!("/v1/orgs/{}/deletion_impact", id(&a)), None).await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact, json!({ "organizations": 3, "memberships": 3, "roles": 9, "policies": 9, "api_tokens": 0 }));

    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("/v1/orgs/{}", id(&a)), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let gone = [id(&a), id(&b), id(&c)];
    for sql in [
        "SELECT COUNT(*) FROM organizations WHERE id = $1",
        "SELECT COUNT(*) FROM organization_closure WHERE ancestor_id = $1 OR descendant_id = $1",
        "SELECT COUNT(*) FROM memberships WHERE org_id = $1",
        "SELECT COUNT(*) FROM membership_roles WHERE org_id = $1",
        "SELECT COUNT(*) FROM roles WHERE org_id = $1",
        "SELECT COUNT(*) FROM policies WHERE org_id = $1",
    ] {
        assert_eq!(count_rows(&app, sql, &gone).await, 0, "orphans left by: {sql}");
    }
    let orphan_links = "SELECT COUNT(*) FROM role_policies rp WHERE NOT EXISTS (SELECT 1 FROM roles r WHERE r.id = rp.role_id) \
                        OR NOT EXISTS (SELECT 1 FROM policies p WHERE p.id = rp.policy_id) OR $1 = ''";
    assert_eq!(count_rows(&app, orphan_links, &["x".to_owned()]).await, 0);
    // The sibling and its contents are untouched.
    assert_eq!(count_rows(&app, "SELECT COUNT(*) FROM roles WHERE org_id = $1", &[id(&keep)]).await, 3);
    assert_eq!(count_rows(&app, "SELECT COUNT(*) FROM memberships WHERE org_id = $1", &[id(&keep)]).await, 1);
    let (status, _) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{}", id(&c)), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn stale_versions_are_conflicts(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("A", &root)).await;
    let path = format!("/v1/orgs/{}", id(&a));
    let mut replacement = json!({
        "name": "A renamed", "contact_email": "ops@example.com", "can_have_child_organizations": true,
        "parent_has_access": true, "parent_has_access_to_descendants": true, "version": a["version"],
    });
    let (status, updated) = call(&app, &cookie, Method::PUT, &path, Some(replacement.clone())).await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], a["version"].as_i64().expect("version") + 1);
    replacement["name"] = json!("Lost update");
    let (status, body) = call(&app, &cookie, Method::PUT, &path, Some(replacement)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, patched) =
        call(&app, &cookie, Method::PATCH, &path, Some(json!({ "logo_url": "https://a.example/logo.png" }))).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["name"], "A renamed", "PATCH keeps what it does not mention");
    let (status, _) =
        call(&app, &cookie, Method::PATCH, &path, Some(json!({ "name": "x", "version": a["version"] }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn bad_input_gets_located_422s(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let mut body = org_body("  ", &root);
    body["contact_email"] = json!("not-an-email");
    body["code"] = json!("Bad Code");
    let (status, errors) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let locs: Vec<Value> = errors["detail"].as_array().expect("detail").iter().map(|d| d["loc"].clone()).collect();
    assert_eq!(locs, [json!(["body", "name"]), json!(["body", "code"]), json!(["body", "contact_email"])]);

    let mut no_access = org_body("Private", &root);
    no_access["parent_has_access"] = json!(false);
    let (status, errors) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(no_access)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors["detail"][0]["loc"], json!(["body", "first_admin_user_id"]));

    let (status, body) = call(&app, &cookie, Method::GET, "/v1/orgs?limit=0", None).await;
    assert_invalid_at(status, &body, &[json!(["query", "limit"])]);
    let (status, body) = call(&app, &cookie, Method::GET, "/v1/orgs?limit=abc", None).await;
    assert_invalid_at(status, &body, &[json!(["query", "limit"])]);
    let (status, _) = call(&app, &cookie, Method::GET, "/v1/orgs/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A code shaped like an id could make "id or code" look-ups ambiguous.
    let mut id_shaped = org_body("Impostor", &root);
    id_shaped["code"] = json!(root);
    let (status, errors) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(id_shaped)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(errors["detail"][0]["loc"], json!(["body", "code"]));
}

async fn a_parent_without_access_sees_only_the_node(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let owner = app.create_user("owner@example.com").await;
    let mut body = org_body("Private", &root);
    body["parent_has_access"] = json!(false);
    body["first_admin_user_id"] = json!(owner);
    let private = create(&app, &cookie, body).await;
    let path = format!("/v1/orgs/{}", id(&private));

    let (status, seen) = call(&app, &cookie, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["name"], "Private");
    assert_eq!(seen["contact_email"], Value::Null, "settings are not visible from the parent: {seen}");
    let (status, body) = call(&app, &cookie, Method::PATCH, &path, Some(json!({ "name": "Taken over" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], "org:update");

    let (_, check) =
        call(&app, &cookie, Method::POST, &format!("{path}/iam/check"), Some(json!({ "permission": "org:update" })))
            .await;
    assert_eq!(check["allowed"], false);
    assert!(check["reason"].as_str().expect("reason").contains("parent_has_access"), "{check}");
    assert_eq!(check["explanation"]["blocked"]["flag"], "parent_has_access");

    let owner_cookie = app.user_cookie("owner@example.com").await;
    let (status, full) = call(&app, &owner_cookie, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(full["contact_email"], "ops@example.com");
    // Letting the parent back in would let the root's Super Admin role (`*:*`) reach in, which
    // an Admin does not hold: refused, naming what would leak in and where.
    let (status, body) =
        call(&app, &owner_cookie, Method::PATCH, &path, Some(json!({ "parent_has_access": true }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let leaks = body["details"]["permissions"].as_array().expect("permissions");
    assert!(leaks.iter().any(|p| p["permission"] == "*:*" && p["org_id"] == id(&private).as_str()), "{body}");
    let (_, check) =
        call(&app, &cookie, Method::POST, &format!("{path}/iam/check"), Some(json!({ "permission": "org:update" })))
            .await;
    assert_eq!(check["allowed"], false, "still closed: {check}");
}

async fn nobody_hands_out_more_than_they_hold(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let team = create(&app, &cookie, org_body("Team", &root)).await;
    let admin = app.admin_actor().await;
    let lead = app.create_user("lead@example.com").await;
    let helper = app.create_user("helper@example.com").await;
    app.domain.assign_roles(&admin, &id(&team), &helper, &[]).await.expect("helper joins Team");
    let admin_role = app.role_id(&id(&team), "admin").await;
    app.domain.assign_roles(&admin, &id(&team), &lead, std::slice::from_ref(&admin_role)).await.expect("assign admin");
    let lead_actor = warden::domain::Actor::user(lead.clone(), "Lead".into(), None, None);

    // An Admin of Team holds everything on Warden's objects there, but not `*:*`.
    let super_admin_role = app.role_id(&id(&team), "super_admin").await;
    let escalation = app.domain.assign_roles(&lead_actor, &id(&team), &helper, &[super_admin_role]).await;
    assert!(matches!(escalation, Err(warden::domain::DomainError::NotHeld { .. })), "{escalation:?}");
    app.domain.assign_roles(&lead_actor, &id(&team), &helper, &[admin_role]).await.expect("Admin may make an Admin");

    // An Admin runs Team but cannot delete it: that is decided above, at the root.
    let delete_own = app.domain.delete_organization(&lead_actor, &id(&team), None).await;
    assert!(
        matches!(&delete_own, Err(warden::domain::DomainError::Forbidden { required_permission }) if required_permission == "org:delete"),
        "{delete_own:?}"
    );

    // A member may not make anyone anything.
    let member = app.create_user("member@example.com").await;
    let member_role = app.role_id(&id(&team), "member").await;
    app.domain
        .assign_roles(&admin, &id(&team), &member, std::slice::from_ref(&member_role))
        .await
        .expect("assign member");
    let member_actor = warden::domain::Actor::user(member, "Member".into(), None, None);
    let refused = app.domain.assign_roles(&member_actor, &id(&team), &lead, &[member_role]).await;
    assert!(
        matches!(refused, Err(warden::domain::DomainError::Forbidden { ref required_permission }) if required_permission == "member:assign")
    );

    // Nor create organizations.
    let member_cookie = app.user_cookie("member@example.com").await;
    let (status, body) =
        call(&app, &member_cookie, Method::POST, "/v1/orgs", Some(org_body("Sneaky", &id(&team)))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["details"]["required_permission"], "org:create");
}

async fn iam_check_explains_and_guards_other_users(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let outsider = app.create_user("outsider@example.com").await;
    let path = format!("/v1/orgs/{root}/iam/check");
    let (status, mine) = call(&app, &cookie, Method::POST, &path, Some(json!({ "permission": "org:delete" }))).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["allowed"], true);
    assert_eq!(mine["explanation"]["kind"], "allowed");
    assert_eq!(mine["explanation"]["link"]["role_name"], "Super Admin");

    let (_, theirs) =
        call(&app, &cookie, Method::POST, &path, Some(json!({ "user_id": outsider, "permission": "org:read" }))).await;
    assert_eq!(theirs["allowed"], false);
    assert_eq!(theirs["explanation"]["kind"], "no_allowing_role");

    let outsider_cookie = app.user_cookie("outsider@example.com").await;
    let admin_id = app.admin_actor().await.user_id().expect("id").to_owned();
    let (status, body) = call(
        &app,
        &outsider_cookie,
        Method::POST,
        &path,
        Some(json!({ "user_id": admin_id, "permission": "org:read" })),
    )
    .await;
    // The outsider may not even see the root: it answers like an organization that does not
    // exist, whoever the question is about.
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, own) =
        call(&app, &outsider_cookie, Method::POST, &path, Some(json!({ "permission": "org:read" }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{own}");
    let nowhere = format!("/v1/orgs/{}/iam/check", uuid::Uuid::now_v7());
    let (_, unknown) =
        call(&app, &outsider_cookie, Method::POST, &nowhere, Some(json!({ "permission": "org:read" }))).await;
    assert_eq!((own["error"].clone(), own["message"].clone()), (unknown["error"].clone(), unknown["message"].clone()));

    let (status, body) =
        call(&app, &cookie, Method::POST, &path, Some(json!({ "permission": "not a permission" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"][0]["loc"], json!(["body", "permission"]));
}

async fn listing_pages_through_readable_organizations(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    for name in ["Delta", "Alpha", "Echo", "Charlie", "Bravo"] {
        let mut body = org_body(name, &root);
        body["code"] = json!(name.to_lowercase());
        create(&app, &cookie, body).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/orgs?limit=2&cursor={c}"),
            None => "/v1/orgs?limit=2".to_owned(),
        };
        let (status, page) = call(&app, &cookie, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        assert_eq!(page["total"], 6);
        seen.extend(
            page["organizations"]
                .as_array()
                .expect("list")
                .iter()
                .map(|o| o["name"].as_str().expect("name").to_owned()),
        );
        if page["has_more"] == false {
            assert_eq!(page["next_cursor"], Value::Null);
            break;
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Root"]);

    let (_, found) = call(&app, &cookie, Method::GET, "/v1/orgs?q=CHAR", None).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["organizations"][0]["code"], "charlie");

    app.create_user("nobody@example.com").await;
    let nobody = app.user_cookie("nobody@example.com").await;
    let (_, none) = call(&app, &nobody, Method::GET, "/v1/orgs", None).await;
    assert_eq!(none["total"], 0, "no memberships, no organizations");
}

on_both_engines!(
    the_tree_is_created_read_and_moved,
    tree_rules_are_enforced,
    deleting_a_subtree_leaves_no_orphans,
    stale_versions_are_conflicts,
    bad_input_gets_located_422s,
    a_parent_without_access_sees_only_the_node,
    nobody_hands_out_more_than_they_hold,
    iam_check_explains_and_guards_other_users,
    listing_pages_through_readable_organizations,
);

async fn the_root_keeps_its_last_super_admin(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let admin = app.admin_actor().await;
    let admin_id = admin.user_id().expect("id").to_owned();

    let refused = app.domain.remove_member(&admin, &root, &admin_id).await;
    assert!(
        matches!(&refused, Err(warden::domain::DomainError::Rule(warden::domain::TreeRule::LastRootSuperAdmin))),
        "{refused:?}"
    );
    let (_, check) = call(
        &app,
        &cookie,
        Method::POST,
        &format!("/v1/orgs/{root}/iam/check"),
        Some(json!({ "permission": "org:read" })),
    )
    .await;
    assert_eq!(check["allowed"], true, "the refused removal changed nothing");

    let deputy = app.create_user("deputy@example.com").await;
    let super_admin = app.role_id(&root, "super_admin").await;
    app.domain.assign_roles(&admin, &root, &deputy, &[super_admin]).await.expect("second Super Admin");
    app.domain.remove_member(&admin, &root, &admin_id).await.expect("no longer the last one");
    let (_, check) = call(
        &app,
        &cookie,
        Method::POST,
        &format!("/v1/orgs/{root}/iam/check"),
        Some(json!({ "permission": "org:read" })),
    )
    .await;
    assert_eq!(check["status_code"], 404, "the removal reaches decisions at once: the root is out of sight {check}");
    let events = warden::domain::audit::recent_events(app.domain.db(), 10).await.expect("events");
    assert!(events.iter().any(|e| e.action == "member.removed"));
}

on_both_engines!(the_root_keeps_its_last_super_admin);

async fn moves_and_deletes_reach_decisions_at_once(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("A", &root)).await;
    let b = create(&app, &cookie, org_body("B", &root)).await;
    let c = create(&app, &cookie, org_body("C", &id(&a))).await;
    let admin = app.admin_actor().await;
    let lead = app.create_user("lead@example.com").await;
    let admin_role = app.role_id(&id(&a), "admin").await;
    app.domain.assign_roles(&admin, &id(&a), &lead, &[admin_role]).await.expect("assign");
    let org_update = warden::domain::authz::permissions::Permission::new("org", "update");

    assert!(app.domain.decide(&lead, &id(&c), &org_update).await.expect("decide").allowed, "Admin of A reaches C");
    let (status, _) = call(
        &app,
        &cookie,
        Method::POST,
        &format!("/v1/orgs/{}/move", id(&c)),
        Some(json!({ "parent_organization_id": id(&b) })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!app.domain.decide(&lead, &id(&c), &org_update).await.expect("decide").allowed, "C left A's subtree");

    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("/v1/orgs/{}", id(&c)), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let gone = app.domain.decide(&lead, &id(&c), &org_update).await;
    assert!(matches!(gone, Err(warden::domain::DomainError::NotFound { .. })), "{gone:?}");
}

on_both_engines!(moves_and_deletes_reach_decisions_at_once);

async fn the_move_picker_offers_only_valid_targets(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let a = create(&app, &cookie, org_body("Team A", &root)).await;
    let a_child = create(&app, &cookie, org_body("Team A child", &id(&a))).await;
    create(&app, &cookie, org_body("Team B", &root)).await;
    let mut leaf = org_body("Team leaf", &root);
    leaf["can_have_child_organizations"] = json!(false);
    create(&app, &cookie, leaf).await;
    let owner = app.create_user("owner@example.com").await;
    let mut private = org_body("Team private", &root);
    private["parent_has_access"] = json!(false);
    private["first_admin_user_id"] = json!(owner);
    create(&app, &cookie, private).await;

    let admin = app.admin_actor().await;
    let targets = app.domain.move_targets(&admin, &id(&a), "Team").await.expect("targets");
    let names: Vec<&str> = targets.iter().map(|(node, _)| node.name.as_str()).collect();
    // Not itself, not its own child, not a leaf, not where the admin may not move to.
    assert_eq!(names, ["Team B"], "{names:?}");
    let targets = app.domain.move_targets(&admin, &id(&a_child), "Team").await.expect("targets");
    let names: Vec<&str> = targets.iter().map(|(node, _)| node.name.as_str()).collect();
    assert_eq!(names, ["Team B"], "not its current parent either: {names:?}");
    assert_eq!(targets[0].1.last().map(|n| n.id.clone()), Some(root), "with its path");
}

on_both_engines!(the_move_picker_offers_only_valid_targets);

async fn concurrent_opposite_moves_never_make_a_cycle(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    for _ in 0..5 {
        let a = id(&create(&app, &cookie, org_body("Left", &root)).await);
        let b = id(&create(&app, &cookie, org_body("Right", &root)).await);
        let admin = app.admin_actor().await;
        let (first, second) =
            tokio::join!(app.domain.move_organization(&admin, &a, &b), app.domain.move_organization(&admin, &b, &a));
        assert!(first.is_ok() != second.is_ok(), "exactly one move wins: {first:?} / {second:?}");
        let (_, ancestors) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{a}/ancestors"), None).await;
        assert_eq!(ancestors["organizations"][0]["id"], root, "still hangs from the root: {ancestors}");
        for org in [&a, &b] {
            let parent: Option<String> = sqlx::query("SELECT parent_id FROM organizations WHERE id = $1")
                .bind(org)
                .fetch_one(app.domain.db().pool())
                .await
                .expect("parent")
                .get("parent_id");
            assert!(parent.is_some());
        }
    }
}

on_both_engines!(concurrent_opposite_moves_never_make_a_cycle);

async fn a_granter_under_a_deny_cannot_hand_out_what_it_denies(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let team = id(&create(&app, &cookie, org_body("Team", &root)).await);
    // A custom role at the root that only denies deleting organizations.
    let guard_policy = crate::support::http::create_policy_with(
        &app,
        &cookie,
        &root,
        json!({ "name": "No deletes", "statements": [{ "effect": "deny", "actions": ["delete"], "resources": ["org"] }] }),
    )
    .await;
    let guard = app.create_role_with(&root, "Guard", &[&guard_policy]).await;
    let admin = app.admin_actor().await;
    let lead = app.create_user("lead@example.com").await;
    let helper = app.create_user("helper@example.com").await;
    // The lead may only give roles to users they can see: members of Team.
    app.domain.assign_roles(&admin, &team, &helper, &[]).await.expect("helper joins Team");
    let team_admin = app.role_id(&team, "admin").await;
    app.domain.assign_roles(&admin, &team, &lead, std::slice::from_ref(&team_admin)).await.expect("Admin of Team");
    app.domain.assign_roles(&admin, &root, &lead, &[guard]).await.expect("Guard at the root");
    let lead_actor = warden::domain::Actor::user(lead, "Lead".into(), None, None);

    // Admin grants org:*, which includes org:delete, which the lead is denied.
    let refused = app.domain.assign_roles(&lead_actor, &team, &helper, &[team_admin]).await;
    assert!(
        matches!(&refused, Err(warden::domain::DomainError::NotHeld { missing }) if missing.iter().any(|m| m.permission == "org:delete")),
        "{refused:?}"
    );
    let member = app.role_id(&team, "member").await;
    app.domain.assign_roles(&lead_actor, &team, &helper, &[member]).await.expect("Member is within the lead's rights");
}

on_both_engines!(a_granter_under_a_deny_cannot_hand_out_what_it_denies);

async fn naming_a_first_admin_is_checked_where_the_new_org_will_be(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    // P lets its parent in, but not into its descendants.
    let mut p_body = org_body("Sealed below", &root);
    p_body["parent_has_access_to_descendants"] = json!(false);
    let p = id(&create(&app, &cookie, p_body).await);
    let admin = app.admin_actor().await;
    let root_admin = app.create_user("root.admin@example.com").await;
    let admin_role = app.role_id(&root, "admin").await;
    app.domain.assign_roles(&admin, &root, &root_admin, &[admin_role]).await.expect("Admin of the root");

    // The root's Admin reaches P and may create under it ...
    let root_admin_cookie = app.user_cookie("root.admin@example.com").await;
    let (status, open_child) =
        call(&app, &root_admin_cookie, Method::POST, "/v1/orgs", Some(org_body("Plain child", &p))).await;
    assert_eq!(status, StatusCode::CREATED, "{open_child}");
    // ... but cannot make themself Admin of a child, which their roles could never reach.
    let mut sneaky = org_body("Own child", &p);
    sneaky["parent_has_access"] = json!(false);
    sneaky["first_admin_user_id"] = json!(root_admin);
    let (status, body) = call(&app, &root_admin_cookie, Method::POST, "/v1/orgs", Some(sneaky)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Where the actor does reach, naming a first admin is fine.
    let mut fine = org_body("Owned child", &root);
    fine["parent_has_access"] = json!(false);
    fine["first_admin_user_id"] = json!(root_admin);
    let (status, body) = call(&app, &root_admin_cookie, Method::POST, "/v1/orgs", Some(fine)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

async fn organizations_page_in_the_same_order_on_both_engines(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    // Names a collation would order differently from bytes: case, accents, punctuation.
    let names = ["alpha", "Beta", "_under", "\u{c4}tna", "zeta", "Zulu", "beta"];
    for name in names {
        create(&app, &cookie, org_body(name, &root)).await;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/orgs?limit=2&cursor={cursor}"),
            None => "/v1/orgs?limit=2".to_owned(),
        };
        let (status, page) = call(&app, &cookie, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["organizations"]
                .as_array()
                .expect("list")
                .iter()
                .map(|o| o["name"].as_str().expect("name").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).chain(["Root".to_owned()]).collect();
    expected.sort();
    assert_eq!(seen, expected, "every organization once, in byte order");
}

on_both_engines!(organizations_page_in_the_same_order_on_both_engines);

on_both_engines!(naming_a_first_admin_is_checked_where_the_new_org_will_be);
