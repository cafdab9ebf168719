//! A tenant learns nothing about other tenants: what a caller may not read answers exactly like
//! what does not exist, look-ups happen only after authorization, admins reach only the users
//! they can see, accounts are managed from their home, and the explorer summarises what comes
//! from elsewhere without identities.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{
    http::Req,
    tenants::{Person, World, refused_permissions},
};

/// Tenants A and B, each with an Admin, and a user of A.
struct Two {
    w: World,
    a: String,
    b: String,
    a_admin: Person,
    b_admin: Person,
    a_user: Person,
}

async fn two_tenants(engine: Engine) -> Option<Two> {
    let w = World::start(engine).await?;
    let a = w.org("Tenant A", &w.root).await;
    let b = w.org("Tenant B", &w.root).await;
    let a_admin = w.person("admin@a.example", &a).await;
    let b_admin = w.person("admin@b.example", &b).await;
    let a_user = w.person("user@a.example", &a).await;
    w.give(&a, &a_admin.id, &[&w.predefined(&a, "admin").await]).await;
    w.give(&b, &b_admin.id, &[&w.predefined(&b, "admin").await]).await;
    Some(Two { w, a, b, a_admin, b_admin, a_user })
}

/// The parts of an error body that do not name what was asked for.
fn shape(body: &Value) -> Value {
    json!([body["error"], body["message"], body["status_code"], body["details"]["resource_type"]])
}

async fn what_a_caller_may_not_read_answers_like_what_does_not_exist(engine: Engine) {
    let Some(t) = two_tenants(engine).await else { return };
    let missing = uuid::Uuid::now_v7().to_string();
    for suffix in ["", "/children", "/iam/roles", "/iam/policies", "/iam/members", "/iam/groups"] {
        let (status, hidden) = t.w.as_(&t.b_admin, Method::GET, &format!("/v1/orgs/{}{suffix}", t.a), None).await;
        let (_, absent) = t.w.as_(&t.b_admin, Method::GET, &format!("/v1/orgs/{missing}{suffix}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{suffix}: {hidden}");
        assert_eq!(shape(&hidden), shape(&absent), "{suffix}");
    }
    // Users too: by id, and by email in the explorer's questions.
    let (status, hidden) = t.w.as_(&t.b_admin, Method::GET, &format!("/v1/users/{}", t.a_user.id), None).await;
    let (_, absent) = t.w.as_(&t.b_admin, Method::GET, &format!("/v1/users/{missing}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}");
    assert_eq!(shape(&hidden), shape(&absent));
    let path = format!("/v1/users/{}/effective-permissions", t.a_user.email);
    let (status, hidden) = t.w.as_(&t.b_admin, Method::GET, &path, None).await;
    let (_, absent) =
        t.w.as_(&t.b_admin, Method::GET, "/v1/users/nobody@example.com/effective-permissions", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}");
    assert_eq!(shape(&hidden), shape(&absent));
    let check = |user: &str| json!({ "user_id": user, "permission": "org:read" });
    let path = format!("/v1/orgs/{}/iam/check", t.b);
    let (status, hidden) = t.w.as_(&t.b_admin, Method::POST, &path, Some(check(&t.a_user.id))).await;
    let (_, absent) = t.w.as_(&t.b_admin, Method::POST, &path, Some(check(&missing))).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden}");
    assert_eq!(shape(&hidden), shape(&absent));

    // The console's typed-name delete answers the same for an organization out of sight,
    // whatever name is typed; the name is compared only where the admin may delete.
    let delete = |org: &str, name: &str| {
        Req::new(Method::POST, "/api/delete-org")
            .same_origin()
            .header("accept", "application/json")
            .cookie(&t.b_admin.cookie)
            .form(&[("org_id", org), ("confirm_name", name)])
    };
    let hidden = t.w.app.send(delete(&t.a, "Tenant A")).await;
    let absent = t.w.app.send(delete(&missing, "Tenant A")).await;
    assert_eq!((hidden.status, absent.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{}", hidden.text());
    assert_eq!(hidden.json()["message"], absent.json()["message"]);
}

async fn admins_reach_only_the_users_they_can_see(engine: Engine) {
    let Some(t) = two_tenants(engine).await else { return };
    let member = t.w.predefined(&t.b, "member").await;
    // B's admin cannot pull A's user into B, nor make them a first admin.
    let body = json!({ "user_id": t.a_user.id, "role_ids": [member] });
    let (status, answer) =
        t.w.as_(&t.b_admin, Method::POST, &format!("/v1/orgs/{}/iam/members", t.b), Some(body)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    let body = json!({ "name": "B child", "contact_email": "ops@example.com", "parent_organization_id": t.b,
                       "can_have_child_organizations": false, "first_admin_user_id": t.a_user.id });
    let (status, answer) = t.w.as_(&t.b_admin, Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    // A's admin can: the user is a member there.
    let a_member = t.w.predefined(&t.a, "member").await;
    let body = json!({ "user_id": t.a_user.id, "role_ids": [a_member] });
    let (status, answer) =
        t.w.as_(&t.a_admin, Method::POST, &format!("/v1/orgs/{}/iam/members", t.a), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn accounts_are_managed_from_their_home(engine: Engine) {
    let Some(t) = two_tenants(engine).await else { return };
    // The root's admin makes A's user a member of B too.
    t.w.give(&t.b, &t.a_user.id, &[&t.w.predefined(&t.b, "member").await]).await;
    let path = format!("/v1/users/{}", t.a_user.id);
    // B's admin sees the user (a member of B) but does not manage the account: its home is A.
    let (status, seen) = t.w.as_(&t.b_admin, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let (status, answer) = t.w.as_(&t.b_admin, Method::PATCH, &path, Some(json!({ "status": "disabled" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    // Nor does A's admin while the user is a member of B: disabling would take away what the
    // user holds in B, which A's admin does not hold there.
    let (status, answer) = t.w.as_(&t.a_admin, Method::PATCH, &path, Some(json!({ "status": "disabled" }))).await;
    assert!(refused_permissions(status, &answer).contains(&"member:read".to_owned()), "{answer}");
    // Once the user holds nothing outside A, A's admin manages the account.
    t.w.give(&t.b, &t.a_user.id, &[]).await;
    let (status, answer) = t.w.as_(&t.a_admin, Method::PATCH, &path, Some(json!({ "status": "disabled" }))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["status"], "disabled");
}

async fn the_explorer_summarises_what_comes_from_elsewhere(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let a = w.org("Tenant A", &w.root).await;
    let leaf = w.org("Leaf", &a).await;
    let leaf_admin = w.person("admin@leaf.example", &leaf).await;
    w.give(&leaf, &leaf_admin.id, &[&w.predefined(&leaf, "admin").await]).await;

    // The root's first admin reaches the leaf through the root, which the leaf's admin cannot read.
    let path = format!("/v1/orgs/{leaf}/iam/who-can?permission=org:read");
    let (status, page) = w.as_(&leaf_admin, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let emails: Vec<&str> =
        page["users"].as_array().expect("users").iter().filter_map(|u| u["email"].as_str()).collect();
    assert_eq!(emails, ["admin@leaf.example"]);
    assert_eq!(page["total"], 2, "{page}");
    assert_eq!(page["hidden"], json!([{ "through": "an organization you cannot read", "user_count": 1 }]));
    assert!(!page.to_string().contains(crate::support::ADMIN_EMAIL), "no root admin's email: {page}");

    // The same question as the root's admin names everyone.
    let (_, page) = w.root(Method::GET, &path, None).await;
    assert_eq!(page["users"].as_array().expect("users").len(), 2, "{page}");
    assert_eq!(page["hidden"], json!([]));

    // "Can I, and why?": the chain from the root shows only what the leaf's admin may see.
    let (status, answer) = w
        .as_(
            &leaf_admin,
            Method::POST,
            &format!("/v1/orgs/{leaf}/iam/check"),
            Some(json!({ "permission": "org:read" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let chain = answer["chain"].as_array().expect("chain");
    assert_eq!(chain.len(), 3);
    assert_eq!(
        (chain[0]["org_id"].as_str(), chain[0]["name"].as_str()),
        (Some(""), Some("an organization you cannot read"))
    );
    assert_eq!(chain[2]["name"], "Leaf");
    assert!(!answer.to_string().contains("Tenant A") && !answer.to_string().contains("\"Root\""), "{answer}");
}

async fn a_home_admin_cannot_disable_someone_who_holds_more_elsewhere(engine: Engine) {
    let Some(t) = two_tenants(engine).await else { return };
    // A's user also holds Super Admin at the root: disabling, enabling or deleting the account
    // takes it away or gives it back, which A's admin does not hold.
    t.w.give(&t.w.root, &t.a_user.id, &[&t.w.predefined(&t.w.root, "super_admin").await]).await;
    let path = format!("/v1/users/{}", t.a_user.id);
    let disable = Some(json!({ "status": "disabled" }));
    let (status, answer) = t.w.as_(&t.a_admin, Method::PATCH, &path, disable.clone()).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    // The refusal does not name the root, which A's admin may not see.
    let places = answer["details"]["permissions"].as_array().expect("permissions");
    assert!(places.iter().all(|p| p["org_id"].is_null()), "{answer}");
    assert!(!answer.to_string().contains(t.w.root.as_str()), "{answer}");
    let (status, answer) = t.w.as_(&t.a_admin, Method::DELETE, &path, None).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    // Disabled by the root's admin, the account is not re-enabled by A's admin either.
    let (status, answer) = t.w.root(Method::PATCH, &path, disable).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = t.w.as_(&t.a_admin, Method::PATCH, &path, Some(json!({ "status": "active" }))).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    // Renaming touches only what is held in the home: A's admin may.
    let (status, answer) = t.w.as_(&t.a_admin, Method::PATCH, &path, Some(json!({ "first_name": "Ada" }))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn who_can_cursors_never_name_a_hidden_user(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let a = w.org("Tenant A", &w.root).await;
    let a_admin = w.person("admin@a.example", &a).await;
    w.give(&a, &a_admin.id, &[&w.predefined(&a, "admin").await]).await;
    // Root admins sort before A's admin by email, and A's admin may not see them.
    let mut hidden = vec![w.person("aaa@root.example", &w.root).await, w.person("aab@root.example", &w.root).await];
    for person in &hidden {
        w.give(&w.root, &person.id, &[&w.predefined(&w.root, "admin").await]).await;
    }
    hidden.push(Person { id: String::new(), email: crate::support::ADMIN_EMAIL.to_owned(), cookie: String::new() });

    let (mut seen, mut hidden_count, mut cursor) = (Vec::new(), 0, None::<String>);
    for _ in 0..10 {
        let after = cursor.as_deref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let path = format!("/v1/orgs/{a}/iam/who-can?permission=org:read&limit=1{after}");
        let (status, page) = w.as_(&a_admin, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(
            page["users"].as_array().expect("users").iter().map(|u| u["email"].as_str().unwrap_or("").to_owned()),
        );
        hidden_count += page["hidden"]
            .as_array()
            .expect("hidden")
            .iter()
            .map(|h| h["user_count"].as_u64().unwrap_or(0))
            .sum::<u64>();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        let Some(next) = &cursor else { break };
        let decoded: Vec<u8> =
            (0..next.len()).step_by(2).filter_map(|i| u8::from_str_radix(&next[i..i + 2], 16).ok()).collect();
        let decoded = String::from_utf8_lossy(&decoded).to_string();
        for person in &hidden {
            assert!(!decoded.contains(&person.email), "the cursor names {}: {decoded}", person.email);
            assert!(person.id.is_empty() || !decoded.contains(&person.id), "the cursor names {}'s id", person.email);
        }
    }
    assert_eq!(cursor, None, "paging ends");
    assert_eq!(seen, ["admin@a.example"]);
    assert_eq!(hidden_count, 3, "each hidden holder counted once over the pages");
}

async fn previews_name_only_members_the_asker_may_see(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let c = w.org("Tenant C", &w.root).await;
    let c_admin = w.person("admin@c.example", &c).await;
    w.give(&c, &c_admin.id, &[&w.predefined(&c, "admin").await]).await;
    // Beside each access flag, what flipping it would do: cutting the root off makes the root's
    // admin lose access, counted but not named to C's admin.
    let cut = w.flag_preview(&c_admin.cookie, &c, "parent_has_access").await;
    let shifts = cut["impact"]["shifts"].as_array().expect("shifts");
    assert!(shifts.iter().any(|s| s["gain"] == false && s["member_count"].as_u64() >= Some(1)), "{cut}");
    for shift in shifts {
        assert_eq!(shift["first_names"], json!([]), "nobody C's admin may see loses anything: {shift}");
    }
    // The root's admin, who may see everyone, gets the names.
    let cut = w.flag_preview(&w.root_cookie, &c, "parent_has_access").await;
    let shifts = cut["impact"]["shifts"].as_array().expect("shifts");
    let named = shifts.iter().any(|s| !s["first_names"].as_array().is_none_or(Vec::is_empty));
    assert!(named, "{cut}");
}

async fn resource_ids_are_each_tenants_own(engine: Engine) {
    let Some(t) = two_tenants(engine).await else { return };
    t.w.with_projects().await;
    // Both tenants register project "main": the second learns nothing about the first.
    for (org, name) in [(&t.a, "A's main"), (&t.b, "B's main")] {
        let path = format!("/v1/orgs/{org}/iam/resources/project/main");
        let (status, answer) = t.w.root(Method::PUT, &path, Some(json!({ "name": name }))).await;
        assert_eq!(status, StatusCode::CREATED, "{answer}");
    }
    let (_, listed) =
        t.w.root(Method::GET, &format!("/v1/orgs/{}/iam/resources?resource_type=project", t.b), None).await;
    assert!(listed.to_string().contains("B's main") && !listed.to_string().contains("A's main"), "{listed}");
    // One registered only by A answers B exactly like one nobody registered.
    let path = format!("/v1/orgs/{}/iam/resources/project/a-only", t.a);
    let (status, _) = t.w.root(Method::PUT, &path, Some(json!({ "name": "A only" }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let policies = format!("/v1/orgs/{}/iam/policies", t.b);
    let mut answers = Vec::new();
    for id in ["a-only", "nobody-has-this"] {
        let body = json!({ "name": "x", "permissions": [format!("project:{id}:read")] });
        let (status, answer) = t.w.root(Method::POST, &policies, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        answers.push(answer.to_string().replace(id, "ID"));
    }
    assert_eq!(answers[0], answers[1]);
}

on_both_engines!(
    what_a_caller_may_not_read_answers_like_what_does_not_exist,
    admins_reach_only_the_users_they_can_see,
    accounts_are_managed_from_their_home,
    the_explorer_summarises_what_comes_from_elsewhere,
    a_home_admin_cannot_disable_someone_who_holds_more_elsewhere,
    who_can_cursors_never_name_a_hidden_user,
    previews_name_only_members_the_asker_may_see,
    resource_ids_are_each_tenants_own,
);
