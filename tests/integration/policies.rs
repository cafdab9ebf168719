//! The permission schema, the resource catalog and policies through the REST API, on both engines.

use crate::support::{
    TestApp,
    http::{assert_forbidden, assert_invalid_at, call},
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;
use warden::domain::{Engine, authz::permissions::Permission};

struct Fixture {
    app: TestApp,
    cookie: String,
    root: String,
}

async fn fixture(engine: Engine) -> Option<Fixture> {
    let app = TestApp::start(engine).await?;
    let cookie = app.admin_cookie().await;
    let (status, root) = call(&app, &cookie, Method::GET, "/v1/orgs/root", None).await;
    assert_eq!(status, StatusCode::OK, "{root}");
    let root = root["id"].as_str().expect("root id").to_owned();
    Some(Fixture { app, cookie, root })
}

impl Fixture {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        call(&self.app, &self.cookie, method, path, body).await
    }

    fn policies(&self) -> String {
        format!("/v1/orgs/{}/iam/policies", self.root)
    }

    /// Adds `project` (listable: read, deploy) and `report` (read) to the schema.
    async fn with_application_types(&self) {
        let (status, body) = self.call(Method::PUT, "/v1/iam/permissions/schema", Some(application_schema(1))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    async fn register(&self, org: &str, id: &str, name: &str) -> StatusCode {
        let path = format!("/v1/orgs/{org}/iam/resources/project/{}", urlencoding(id));
        self.call(Method::PUT, &path, Some(json!({ "name": name }))).await.0
    }

    async fn create_policy(&self, body: Value) -> Value {
        let (status, policy) = self.call(Method::POST, &self.policies(), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{policy}");
        policy
    }

    async fn child(&self, name: &str) -> String {
        let body = json!({ "name": name, "contact_email": "ops@example.com", "parent_organization_id": self.root, "can_have_child_organizations": true });
        let (status, org) = self.call(Method::POST, "/v1/orgs", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{org}");
        org["id"].as_str().expect("id").to_owned()
    }
}

fn application_schema(version: i64) -> Value {
    json!({
        "version": version,
        "resource_types": [
            { "key": "project", "label": "Project", "description": "Deployable projects", "listable": true,
              "actions": [{ "key": "read", "label": "Read" }, { "key": "deploy", "label": "Deploy", "description": "Ship it" }] },
            { "key": "report", "label": "Report", "actions": [{ "key": "read", "label": "Read" }] },
        ]
    })
}

fn locs(body: &Value) -> Vec<(Value, String)> {
    body["detail"]
        .as_array()
        .unwrap_or_else(|| panic!("not a 422 body: {body}"))
        .iter()
        .map(|d| (d["loc"].clone(), d["type"].as_str().unwrap_or_default().to_owned()))
        .collect()
}

async fn the_schema_is_validated_versioned_and_guarded(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let path = format!("/v1/orgs/{}/iam/permissions/schema", f.root);
    let (status, schema) = f.call(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{schema}");
    assert_eq!(schema["version"], 1);
    let org_type = &schema["resource_types"][0];
    assert_eq!((org_type["key"].as_str(), org_type["builtin"].as_bool()), (Some("org"), Some(true)));

    // A bad document names each problem and changes nothing.
    let mut bad = application_schema(1);
    bad["resource_types"][0]["key"] = json!("Project");
    bad["resource_types"][1]["actions"] = json!([]);
    let (status, body) = f.call(Method::PUT, "/v1/iam/permissions/schema", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        locs(&body),
        [
            (json!(["body", "resource_types", 0, "key"]), "value_error.key".to_owned()),
            (json!(["body", "resource_types", 1, "actions"]), "empty".to_owned()),
        ]
    );
    let mut builtin = application_schema(1);
    builtin["resource_types"][1]["key"] = json!("org");
    let (status, body) = f.call(Method::PUT, "/v1/iam/permissions/schema", Some(builtin)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(locs(&body)[0].1, "reserved");

    f.with_application_types().await;
    let (_, schema) = f.call(Method::GET, &path, None).await;
    assert_eq!(schema["version"], 2);
    let project = schema["resource_types"].as_array().unwrap().iter().find(|t| t["key"] == "project").cloned().unwrap();
    assert_eq!((project["listable"].as_bool(), project["resource_count"].as_i64()), (Some(true), Some(0)));
    assert_eq!(f.app.audit_count("permission_schema.replaced").await, 1);

    // A stale version is refused.
    let (status, body) = f.call(Method::PUT, "/v1/iam/permissions/schema", Some(application_schema(1))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Removing an action (or a type) that a policy uses is refused with the policy named.
    f.create_policy(json!({ "name": "Deployers", "permissions": ["project:deploy", "report:read"] })).await;
    let mut without_deploy = application_schema(2);
    without_deploy["resource_types"][0]["actions"] = json!([{ "key": "read", "label": "Read" }]);
    let (status, body) = f.call(Method::PUT, "/v1/iam/permissions/schema", Some(without_deploy)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["policies"][0]["name"], "Deployers");
    assert_eq!(body["details"]["policies"][0]["uses"], json!(["project:deploy"]));
    let without_report =
        json!({ "version": 2, "resource_types": [application_schema(2)["resource_types"][0].clone()] });
    let (status, body) = f.call(Method::PUT, "/v1/iam/permissions/schema", Some(without_report)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["policies"][0]["uses"], json!(["resource type report"]));

    // Only a Super Admin of the root may change the schema: an Admin of the root may not.
    let admin_user = f.app.create_user("admin2@example.com").await;
    let admin_role = f.app.role_id(&f.root, "admin").await;
    f.app.domain.assign_roles(&f.app.admin_actor().await, &f.root, &admin_user, &[admin_role]).await.expect("assign");
    let admin_cookie = f.app.user_cookie("admin2@example.com").await;
    let (status, body) =
        call(&f.app, &admin_cookie, Method::PUT, "/v1/iam/permissions/schema", Some(application_schema(2))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], "*:*");
}

/// The schema page's form (a server function) changes the schema like the REST API does.
async fn the_schema_page_saves_application_types(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let document = application_schema(1)["resource_types"].to_string();
    let response = f
        .app
        .send(
            crate::support::http::Req::new(Method::POST, "/api/save-schema")
                .same_origin()
                .cookie(&f.cookie)
                .header("accept", "application/json")
                .form(&[("version", "1"), ("document", &document)]),
        )
        .await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{} {}",
        response.status,
        response.text()
    );
    let (_, schema) = f.call(Method::GET, &format!("/v1/orgs/{}/iam/permissions/schema", f.root), None).await;
    assert_eq!(schema["version"], 2);
    assert!(schema["resource_types"].as_array().unwrap().iter().any(|t| t["key"] == "report"));
    let refused = f
        .app
        .send(
            crate::support::http::Req::new(Method::POST, "/api/save-schema")
                .same_origin()
                .cookie(&f.cookie)
                .header("accept", "application/json")
                .form(&[("version", "2"), ("document", "not json")]),
        )
        .await;
    assert!(refused.status.is_client_error(), "{} {}", refused.status, refused.text());
    assert!(refused.text().contains("not a valid list of resource types"), "{}", refused.text());
}

async fn resources_are_registered_listed_and_removed(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    f.with_application_types().await;
    assert_eq!(f.register(&f.root, "p1", "Apollo").await, StatusCode::CREATED);
    assert_eq!(f.register(&f.root, "p2", "Zeus").await, StatusCode::CREATED);
    assert_eq!(f.register(&f.root, "p1", "Apollo 11").await, StatusCode::OK, "a second PUT renames");
    let other = f.child("Other").await;
    assert_eq!(f.register(&other, "p1", "Elsewhere").await, StatusCode::CREATED, "ids are each organization's own");

    let list = format!("/v1/orgs/{}/iam/resources?resource_type=project&q=apol", f.root);
    let (status, body) = f.call(Method::GET, &list, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["resources"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["resources"][0]["id"], "p1");
    assert_eq!(body["resources"][0]["name"], "Apollo 11");

    let (status, body) =
        f.call(Method::GET, &format!("/v1/orgs/{}/iam/resources?resource_type=report", f.root), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(locs(&body), [(json!(["query", "resource_type"]), "not_listable".to_owned())]);
    let (status, body) =
        f.call(Method::GET, &format!("/v1/orgs/{}/iam/resources?resource_type=nope", f.root), None).await;
    assert_invalid_at(status, &body, &[json!(["query", "resource_type"])]);
    let bad_id = format!("/v1/orgs/{}/iam/resources/project/a%20b", f.root);
    let (status, body) = f.call(Method::PUT, &bad_id, Some(json!({ "name": "x" }))).await;
    assert_invalid_at(status, &body, &[json!(["path", "resource_id"])]);

    // A named instance cannot be removed while a policy names it.
    let policy = f.create_policy(json!({ "name": "Apollo deployers", "permissions": ["project:p1:deploy"] })).await;
    assert_eq!(policy["resolved_permissions"][0]["resource_name"], "Apollo 11");
    let p1 = format!("/v1/orgs/{}/iam/resources/project/p1", f.root);
    let (status, body) = f.call(Method::DELETE, &p1, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["policies"][0]["name"], "Apollo deployers");
    let (status, _) = f.call(Method::DELETE, &format!("/v1/orgs/{}/iam/resources/project/p2", f.root), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(f.app.audit_count("resource.registered").await, 3);
    assert_eq!(f.app.audit_count("resource.removed").await, 1);
}

async fn every_policy_validation_error_is_located(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    f.with_application_types().await;
    f.register(&f.root, "p1", "Apollo").await;
    let other = f.child("Other").await;
    f.register(&other, "p9", "Foreign").await;
    let cases: Vec<(Value, Vec<(Value, &str)>)> = vec![
        (
            json!({ "name": "x", "permissions": ["widget:read"] }),
            vec![(json!(["body", "permissions", 0]), "unknown_resource_type")],
        ),
        (
            json!({ "name": "x", "permissions": ["project:fly"] }),
            vec![(json!(["body", "permissions", 0]), "unknown_action")],
        ),
        (
            json!({ "name": "x", "permissions": ["project:p2:read"] }),
            vec![(json!(["body", "permissions", 0]), "unknown_resource")],
        ),
        (
            // Registered by another organization: answered exactly like an unknown id.
            json!({ "name": "x", "permissions": ["project:p9:read"] }),
            vec![(json!(["body", "permissions", 0]), "unknown_resource")],
        ),
        (
            json!({ "name": "x", "permissions": ["report:r1:read"] }),
            vec![(json!(["body", "permissions", 0]), "not_listable")],
        ),
        (json!({ "name": "x", "permissions": [] }), vec![(json!(["body", "permissions"]), "empty")]),
        (
            json!({ "name": "x", "permissions": ["org:read", "org:read"] }),
            vec![(json!(["body", "permissions", 1]), "duplicate")],
        ),
        (
            json!({ "name": "x", "permissions": ["org"] }),
            vec![(json!(["body", "permissions", 0]), "value_error.permission")],
        ),
        (json!({ "name": "x" }), vec![(json!(["body", "permissions"]), "missing")]),
        (json!({ "name": " ", "permissions": ["org:read"] }), vec![(json!(["body", "name"]), "value_error.name")]),
        (
            json!({ "name": "x", "statements": [
                { "effect": "allow", "resources": ["project:p1", "widget"], "actions": ["deploy", "deploy"] },
                { "effect": "sometimes", "resources": ["org"], "actions": ["read"] },
            ] }),
            vec![(json!(["body", "statements", 1, "effect"]), "enum")],
        ),
        (
            json!({ "name": "x", "statements": [
                { "effect": "allow", "resources": ["project:p1", "widget"], "actions": ["deploy", "deploy"] },
                { "effect": "allow", "resources": ["project:p1"], "actions": ["deploy"] },
            ] }),
            vec![
                (json!(["body", "statements", 0, "resources", 1]), "unknown_resource_type"),
                (json!(["body", "statements", 0, "actions", 1]), "duplicate"),
                (json!(["body", "statements", 1, "actions", 0]), "duplicate"),
            ],
        ),
        (
            json!({ "name": "x", "definitions": [{ "action": "fly", "subject": "project" }] }),
            vec![(json!(["body", "definitions", 0, "action"]), "unknown_action")],
        ),
        (
            json!({ "name": "x", "statements": [{ "effect": "allow", "resources": ["org"], "actions": ["read"] }], "permissions": ["org:update"] }),
            vec![(json!(["body", "permissions"]), "value_error.mismatch")],
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = f.call(Method::POST, &f.policies(), Some(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
        let expected: Vec<(Value, String)> = expected.into_iter().map(|(l, k)| (l, k.to_owned())).collect();
        assert_eq!(locs(&answer), expected, "{body}");
    }
    let (_, page) = f.call(Method::GET, &f.policies(), None).await;
    assert_eq!(page["total"], 3, "only the predefined policies: nothing invalid was stored");
}

async fn every_form_clients_send_is_accepted_and_both_views_agree(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    f.with_application_types().await;
    f.register(&f.root, "p1", "Apollo").await;
    // Permission strings and statements, as-is.
    let policy = f.create_policy(json!({ "name": "Readers", "permissions": ["org:read", "project:p1:deploy"] })).await;
    for key in crate::seed_replay::POLICY_FIELDS {
        assert!(policy.get(*key).is_some(), "missing {key}: {policy}");
    }
    assert_eq!(policy["org_id"], f.root);
    assert_eq!(policy["permissions"], json!(["org:read", "project:p1:deploy"]));
    assert_eq!(
        policy["resolved_permissions"][1],
        json!({ "permission": "project:p1:deploy", "resource_type": "project", "resource_id": "p1", "resource_name": "Apollo", "action": "deploy" })
    );
    assert_eq!(policy["statements"][0], json!({ "effect": "allow", "actions": ["read"], "resources": ["org"] }));
    assert_eq!((policy["type"].as_str(), policy["version"].as_i64()), (Some("custom"), Some(1)));
    assert_eq!(
        (policy["roles_dependency_count"].as_i64(), policy["users_dependency_count"].as_i64()),
        (Some(0), Some(0))
    );

    // CASL rules and `definitions`, with a deny.
    let casl = f
        .create_policy(json!({ "name": "Guarded", "statements": [
            { "action": "manage", "subject": "project" },
            { "action": "deploy", "subject": "project:p1", "inverted": true },
        ] }))
        .await;
    assert_eq!(casl["statements"][0], json!({ "effect": "allow", "actions": ["*"], "resources": ["project"] }));
    assert_eq!(casl["statements"][1]["effect"], "deny");
    assert_eq!(casl["permissions"], json!(["project:*"]), "permissions list what is allowed");
    let defs = f
        .create_policy(json!({ "name": "Defs", "definitions": [{ "effect": "allow", "resources": ["report"], "actions": ["read"] }] }))
        .await;
    assert_eq!(defs["permissions"], json!(["report:read"]));

    // A policy read with GET goes back with PUT as it is.
    let path = format!("{}/{}", f.policies(), policy["policy_id"].as_str().unwrap());
    let (status, same) = f.call(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, saved) = f.call(Method::PUT, &path, Some(same)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    assert_eq!(f.app.audit_count("policy.created").await, 3);
}

async fn listing_pages_and_searches(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    for n in 0..12 {
        f.create_policy(json!({ "name": format!("Team {n:02}"), "description": "ops", "permissions": ["org:read"] }))
            .await;
    }
    let (_, first) = f.call(Method::GET, &format!("{}?q=team&limit=5", f.policies()), None).await;
    assert_eq!((first["total"].as_i64(), first["has_more"].as_bool()), (Some(12), Some(true)));
    let mut names: Vec<String> = Vec::new();
    let mut page = first;
    loop {
        names.extend(page["policies"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()));
        let Some(cursor) = page["next_cursor"].as_str() else { break };
        page = f.call(Method::GET, &format!("{}?q=team&limit=5&cursor={cursor}", f.policies()), None).await.1;
    }
    let expected: Vec<String> = (0..12).map(|n| format!("Team {n:02}")).collect();
    assert_eq!(names, expected);
    // The other spelling: pageToken and reverse.
    let (_, last) = f.call(Method::GET, &format!("{}?q=team&limit=5&reverse=true", f.policies()), None).await;
    assert_eq!(last["policies"][0]["name"], "Team 11");
    let token = last["next_cursor"].as_str().unwrap();
    let (_, before) =
        f.call(Method::GET, &format!("{}?q=team&limit=5&reverse=true&pageToken={token}", f.policies()), None).await;
    assert_eq!(before["policies"][0]["name"], "Team 06");
    let (_, all) = f.call(Method::GET, &f.policies(), None).await;
    assert_eq!(all["total"], 15, "12 custom and 3 predefined");
    let managed = all["policies"].as_array().unwrap().iter().filter(|p| p["type"] == "managed").count();
    assert_eq!(managed, 3);
    let (status, body) = f.call(Method::GET, &format!("{}?cursor=zz", f.policies()), None).await;
    assert_invalid_at(status, &body, &[json!(["query", "cursor"])]);
}

async fn updates_are_versioned_and_predefined_policies_read_only(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let policy = f.create_policy(json!({ "name": "Readers", "permissions": ["org:read"] })).await;
    let path = format!("{}/{}", f.policies(), policy["policy_id"].as_str().unwrap());
    let (status, updated) = f
        .call(
            Method::PUT,
            &path,
            Some(json!({ "name": "Readers", "permissions": ["org:read", "member:read"], "version": 1 })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["version"], 2);
    let (status, body) =
        f.call(Method::PUT, &path, Some(json!({ "name": "Late", "permissions": ["org:read"], "version": 1 }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version: {body}");
    let (status, body) = f.call(Method::PUT, &path, Some(json!({ "name": "No version" }))).await;
    assert_eq!(status, StatusCode::OK, "without a version a PUT applies to the current one: {body}");
    assert_eq!(body["permissions"].as_array().map(Vec::len), Some(2), "PUT keeps what it does not mention");
    let (status, patched) = f.call(Method::PATCH, &path, Some(json!({ "description": "Reads things" }))).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(
        (patched["description"].as_str(), patched["permissions"].as_array().map(Vec::len)),
        (Some("Reads things"), Some(2))
    );
    let (status, _) = f.call(Method::PATCH, &path, Some(json!({ "name": "x", "version": 3 }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "PATCH checks a given version");

    f.create_policy(json!({ "name": "Other", "permissions": ["org:read"] })).await;
    let (status, body) = f.call(Method::PATCH, &path, Some(json!({ "name": "Other" }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "names are unique in the org: {body}");

    let (_, page) = f.call(Method::GET, &format!("{}?q=super", f.policies()), None).await;
    let managed = page["policies"][0]["policy_id"].as_str().unwrap().to_owned();
    let managed_path = format!("{}/{managed}", f.policies());
    let (status, _) = f.call(Method::PATCH, &managed_path, Some(json!({ "description": "mine now" }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "predefined policies are read-only");
    // Read-only whatever the flags: detaching it from its roles does not make it deletable.
    for path in [managed_path.clone(), format!("{managed_path}?detach=true")] {
        let (status, body) = f.call(Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body["message"].as_str().unwrap().contains("predefined"), "{body}");
    }
    let (status, _) = f.call(Method::GET, &format!("{}/nope", f.policies()), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn dependency_counts_and_detach(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let team = f.child("Team").await;
    let team_policies = format!("/v1/orgs/{team}/iam/policies");
    let (_, policy) =
        f.call(Method::POST, &team_policies, Some(json!({ "name": "Readers", "permissions": ["audit:read"] }))).await;
    let policy_id = policy["policy_id"].as_str().unwrap().to_owned();
    let role = f.app.create_role_with(&team, "Auditors", &[&policy_id]).await;
    let admin = f.app.admin_actor().await;
    let mut users = Vec::new();
    for n in 0..2 {
        let user = f.app.create_user(&format!("auditor{n}@example.com")).await;
        f.app.domain.assign_roles(&admin, &team, &user, std::slice::from_ref(&role)).await.expect("assign");
        users.push(user);
    }
    let path = format!("{team_policies}/{policy_id}");
    let (_, read) = f.call(Method::GET, &path, None).await;
    assert_eq!((read["roles_dependency_count"].as_i64(), read["users_dependency_count"].as_i64()), (Some(1), Some(2)));
    let audit_read = Permission::new("audit", "read");
    assert!(f.app.domain.decide(&users[0], &team, &audit_read).await.unwrap().allowed);

    let (status, body) = f.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["roles"][0]["name"], "Auditors");
    assert_eq!(body["details"]["roles_dependency_count"], 1);

    let (status, _) = f.call(Method::DELETE, &format!("{path}?detach=true"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = f.call(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let left: i64 = sqlx::query("SELECT COUNT(*) AS n FROM role_policies WHERE role_id = $1")
        .bind(&role)
        .fetch_one(f.app.domain.db().pool())
        .await
        .unwrap()
        .get("n");
    assert_eq!(left, 0, "the role stays, without the policy");
    assert!(!f.app.domain.decide(&users[0], &team, &audit_read).await.unwrap().allowed, "decisions follow at once");
}

async fn policies_cannot_allow_more_than_their_author_holds(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let team = f.child("Team").await;
    let team_policies = format!("/v1/orgs/{team}/iam/policies");
    let (_, author_policy) = f
        .call(
            Method::POST,
            &team_policies,
            Some(json!({ "name": "Policy authors", "statements": [
            { "effect": "allow", "resources": ["policy", "org"], "actions": ["*"] },
            { "effect": "deny", "resources": ["org"], "actions": ["delete"] },
        ] })),
        )
        .await;
    let role = f.app.create_role_with(&team, "Authors", &[author_policy["policy_id"].as_str().unwrap()]).await;
    let author = f.app.create_user("author@example.com").await;
    f.app.domain.assign_roles(&f.app.admin_actor().await, &team, &author, &[role]).await.expect("assign");
    let cookie = f.app.user_cookie("author@example.com").await;

    let (status, body) = call(
        &f.app,
        &cookie,
        Method::POST,
        &team_policies,
        Some(json!({ "name": "Assigners", "permissions": ["member:assign"] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], "member:assign");
    let (status, body) = call(
        &f.app,
        &cookie,
        Method::POST,
        &team_policies,
        Some(json!({ "name": "Org all", "permissions": ["org:*"] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the author's own deny counts: {body}");
    let missing: Vec<&str> = body["details"]["permissions"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|p| p["permission"].as_str())
        .collect();
    assert!(missing.contains(&"org:delete"), "{body}");
    let (status, body) = call(
        &f.app,
        &cookie,
        Method::POST,
        &team_policies,
        Some(json!({ "name": "Org readers", "permissions": ["org:read"] })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // Nor can an existing policy be widened.
    let path = format!("{team_policies}/{}", body["policy_id"].as_str().unwrap());
    let (status, body) =
        call(&f.app, &cookie, Method::PATCH, &path, Some(json!({ "permissions": ["org:read", "audit:read"] }))).await;
    assert_forbidden(status, &body, "audit:read");
    // And the root, which the author may not even see, answers like an organization that does
    // not exist.
    let (status, _) = call(&f.app, &cookie, Method::GET, &f.policies(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_impact_preview_uses_real_decisions(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    let team = f.child("Team").await;
    let team_policies = format!("/v1/orgs/{team}/iam/policies");
    let (_, policy) = f
        .call(Method::POST, &team_policies, Some(json!({ "name": "Ops", "permissions": ["org:read", "audit:read"] })))
        .await;
    let policy_id = policy["policy_id"].as_str().unwrap().to_owned();
    let role = f.app.create_role_with(&team, "Operators", &[&policy_id]).await;
    let admin = f.app.admin_actor().await;
    for name in ["ada", "bob"] {
        let user = f.app.create_user(&format!("{name}@example.com")).await;
        f.app.domain.assign_roles(&admin, &team, &user, std::slice::from_ref(&role)).await.expect("assign");
    }
    // Bob also holds Member, which reads orgs anyway: only Ada loses org:read.
    let bob: String = sqlx::query("SELECT id FROM users WHERE email = 'bob@example.com'")
        .fetch_one(f.app.domain.db().pool())
        .await
        .unwrap()
        .get("id");
    let member = f.app.role_id(&team, "member").await;
    f.app.domain.assign_roles(&admin, &team, &bob, &[member]).await.expect("assign member");

    let impact_path = format!("{team_policies}/{policy_id}/impact");
    let (status, impact) =
        f.call(Method::POST, &impact_path, Some(json!({ "permissions": ["audit:read", "member:read"] }))).await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact["roles"][0]["name"], "Operators");
    assert_eq!(impact["member_count"], 2);
    let shifts = impact["shifts"].as_array().unwrap();
    let shift = |permission: &str, change: &str| {
        shifts.iter().find(|s| s["permission"] == permission && s["change"] == change).cloned()
    };
    let gain = shift("member:read", "gain").expect("Ada gains member:read (Bob had it)");
    assert_eq!((gain["member_count"].as_i64(), gain["first_names"].clone()), (Some(1), json!(["ada@example.com"])));
    let lose = shift("org:read", "lose").expect("Ada loses org:read");
    assert_eq!(lose["first_names"], json!(["ada@example.com"]));
    assert!(shift("audit:read", "lose").is_none(), "unchanged permissions are not listed");
    assert_eq!(impact["affected_member_count"], 1);

    // The preview saves nothing.
    let (_, unchanged) = f.call(Method::GET, &format!("{team_policies}/{policy_id}"), None).await;
    assert_eq!(unchanged["version"], 1);
}

/// Writes that read before they write (most do) run side by side without "database is locked".
async fn parallel_writers_all_succeed(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    f.with_application_types().await;
    let actor = f.app.admin_actor().await;
    let mut tasks = Vec::new();
    for n in 0..16 {
        let (domain, actor, root) = (f.app.domain.clone(), actor.clone(), f.root.clone());
        tasks.push(tokio::spawn(async move {
            domain.register_resource(&actor, &root, "project", &format!("p{n}"), &format!("Project {n}"), None).await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("every registration succeeds");
    }
}

async fn an_instance_named_by_a_policy_stays_whatever_characters_its_id_holds(engine: Engine) {
    let Some(f) = fixture(engine).await else { return };
    f.with_application_types().await;
    // LIKE's own wildcards, a quote and a backslash: each must match only itself.
    for id in ["blue_green", "100%", "o'neil", "back\\slash"] {
        assert_eq!(f.register(&f.root, id, id).await, StatusCode::CREATED, "{id}");
        let policy = f
            .create_policy(json!({ "name": format!("Deploy {id}"), "permissions": [format!("project:{id}:deploy")] }))
            .await;
        let path = format!("/v1/orgs/{}/iam/resources/project/{}", f.root, urlencoding(id));
        let (status, body) = f.call(Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{id}: {body}");
        assert_eq!(body["details"]["policies"][0]["policy_id"], policy["policy_id"], "{id}: {body}");
    }
    // An id that only looks like a named one under LIKE's wildcards is not held back.
    assert_eq!(f.register(&f.root, "blueXgreen", "lookalike").await, StatusCode::CREATED);
    let (status, body) =
        f.call(Method::DELETE, &format!("/v1/orgs/{}/iam/resources/project/blueXgreen", f.root), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>().replace('+', "%20")
}

on_both_engines!(
    an_instance_named_by_a_policy_stays_whatever_characters_its_id_holds,
    the_schema_page_saves_application_types,
    parallel_writers_all_succeed,
    the_schema_is_validated_versioned_and_guarded,
    resources_are_registered_listed_and_removed,
    every_policy_validation_error_is_located,
    every_form_clients_send_is_accepted_and_both_views_agree,
    listing_pages_and_searches,
    updates_are_versioned_and_predefined_policies_read_only,
    dependency_counts_and_detach,
    policies_cannot_allow_more_than_their_author_holds,
    the_impact_preview_uses_real_decisions,
);
