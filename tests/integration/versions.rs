//! Changes as the API references make them: PUT and PATCH change the fields given and keep the
//! others; the version is optional, in the body or as `If-Match` with the `ETag` a GET
//! returned; a stale one is a 409 that changes nothing.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{
    TestApp,
    http::{Req, Response, call, create_policy, root_org},
};

/// One kind of object: where it is, a change of one field, and a field the change leaves alone.
struct Case {
    kind: &'static str,
    path: String,
    change: Value,
    kept: &'static str,
}

async fn send(
    app: &TestApp,
    cookie: &str,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> Response {
    let mut req = Req::new(method, path).same_origin().cookie(cookie);
    if let Some(tag) = if_match {
        req = req.header("if-match", tag);
    }
    app.send(req.json(&body.to_string())).await
}

async fn read(app: &TestApp, cookie: &str, path: &str) -> (i64, Value) {
    let response = app.send(Req::get(path).same_origin().cookie(cookie)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let body = response.json();
    let version = body["version"].as_i64().expect("a version");
    assert_eq!(response.header("etag"), Some(format!("\"{version}\"").as_str()), "GET {path}: the ETag is the version");
    (version, body)
}

async fn cases(app: &TestApp, cookie: &str) -> Vec<Case> {
    let root = root_org(app, cookie).await;
    let child = json!({ "name": "A", "contact_email": "ops@example.com", "parent_organization_id": root,
        "can_have_child_organizations": true });
    let (status, org) = call(app, cookie, Method::POST, "/v1/orgs", Some(child)).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    let policy = create_policy(app, cookie, &root, "Readers", json!(["org:read"])).await;
    let role = app.create_role_with(&root, "Crew", &[&policy]).await;
    let (status, group) =
        call(app, cookie, Method::POST, &format!("/v1/orgs/{root}/iam/groups"), Some(json!({ "name": "Ops" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let sso = format!("/v1/orgs/{root}/sso");
    let provider = json!({ "issuer": "https://login.example.com", "client_id": "warden", "client_secret": "s3cret" });
    let (status, answer) = call(app, cookie, Method::PUT, &sso, Some(provider)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    vec![
        Case {
            kind: "organization",
            path: format!("/v1/orgs/{}", org["id"].as_str().unwrap()),
            change: json!({ "logo_url": "https://a.example/logo.png" }),
            kept: "name",
        },
        Case {
            kind: "policy",
            path: format!("/v1/orgs/{root}/iam/policies/{policy}"),
            change: json!({ "description": "Reads the tree" }),
            kept: "permissions",
        },
        Case {
            kind: "role",
            path: format!("/v1/orgs/{root}/iam/roles/{role}"),
            change: json!({ "description": "The crew" }),
            kept: "policy_ids",
        },
        Case { kind: "sso configuration", path: sso, change: json!({ "groups_claim": "roles" }), kept: "issuer" },
        Case {
            kind: "group",
            path: format!("/v1/orgs/{root}/iam/groups/{}", group["group_id"].as_str().unwrap()),
            change: json!({ "description": "On call" }),
            kept: "name",
        },
    ]
}

async fn put_changes_what_it_is_given_at_the_version_it_names(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    for case in cases(&app, &cookie).await {
        let (kind, path) = (case.kind, case.path.as_str());
        let (version, before) = read(&app, &cookie, path).await;
        let (field, value) = case.change.as_object().unwrap().iter().next().unwrap();

        let stale = format!("\"{}\"", version + 7);
        let response = send(&app, &cookie, Method::PUT, path, Some(&stale), case.change.clone()).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{kind}: a stale If-Match: {}", response.text());
        // An SSO configuration is changed by PUT alone.
        if kind != "sso configuration" {
            let response = send(&app, &cookie, Method::PATCH, path, Some(&stale), case.change.clone()).await;
            assert_eq!(response.status, StatusCode::CONFLICT, "{kind}: PATCH honours If-Match too");
        }
        let mut stale_body = case.change.clone();
        stale_body["version"] = json!(version + 7);
        let response = send(&app, &cookie, Method::PUT, path, None, stale_body).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{kind}: a stale version in the body");
        let mut disagreeing = case.change.clone();
        disagreeing["version"] = json!(version + 1);
        let response = send(&app, &cookie, Method::PUT, path, Some(&format!("\"{version}\"")), disagreeing).await;
        assert_eq!(response.status, StatusCode::CONFLICT, "{kind}: If-Match and the body disagree");
        let response = send(&app, &cookie, Method::PUT, path, Some("version 3"), case.change.clone()).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}: {}", response.text());
        assert_eq!(response.json()["detail"][0]["loc"], json!(["header", "If-Match"]));
        assert_eq!(
            read(&app, &cookie, path).await,
            (version, before.clone()),
            "{kind}: refused changes change nothing"
        );

        let response =
            send(&app, &cookie, Method::PUT, path, Some(&format!("\"{version}\"")), case.change.clone()).await;
        assert_eq!(response.status, StatusCode::OK, "{kind}: {}", response.text());
        let changed = response.json();
        assert_eq!(response.header("etag"), Some(format!("\"{}\"", version + 1).as_str()), "{kind}: the new ETag");
        assert_eq!((&changed[field], &changed[case.kept]), (value, &before[case.kept]), "{kind}: PUT keeps the rest");

        let response = send(&app, &cookie, Method::PUT, path, None, json!({})).await;
        assert_eq!(response.status, StatusCode::OK, "{kind}: no version, nothing given: {}", response.text());
        assert_eq!((&response.json()[field], &response.json()[case.kept]), (value, &before[case.kept]));
        let response = send(&app, &cookie, Method::PUT, path, Some("*"), case.change.clone()).await;
        assert_eq!(response.status, StatusCode::OK, "{kind}: If-Match * is any version");
    }
}

/// A body as GET answered it goes back through PUT with one field changed (read, change,
/// write); a read-only field changed in it is refused by name, not dropped unseen.
async fn a_body_as_read_goes_back_through_put(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let cases = cases(&app, &cookie).await;
    let role_path = cases.iter().find(|c| c.kind == "role").expect("a role").path.clone();
    for case in cases {
        let (kind, path) = (case.kind, case.path.as_str());
        let (_, mut body) = read(&app, &cookie, path).await;
        let (field, value) = case.change.as_object().unwrap().iter().next().unwrap();
        body[field] = value.clone();
        body["created_at"] = json!("2001-01-01T00:00:00Z");
        let response = send(&app, &cookie, Method::PUT, path, None, body.clone()).await;
        assert_eq!(response.status, StatusCode::OK, "{kind}: the body as read: {}", response.text());
        assert_eq!(response.json()[field], *value, "{kind}: the change is made");
        if kind == "sso configuration" {
            // Its only id is its organization's, in the path.
            continue;
        }

        let (_, body) = read(&app, &cookie, path).await;
        let id_field = body.as_object().unwrap().keys().find(|k| k.ends_with("id") && !k.starts_with("org")).cloned();
        let id_field = id_field.unwrap_or_else(|| panic!("{kind}: an id field in {body}"));
        let mut moved = body.clone();
        moved[&id_field] = json!("someone-else");
        let response = send(&app, &cookie, Method::PUT, path, None, moved).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{kind}: {id_field} changed: {}",
            response.text()
        );
        let detail = &response.json()["detail"][0];
        assert_eq!((&detail["loc"], &detail["type"]), (&json!(["body", id_field]), &json!("read_only")), "{kind}");
        assert_eq!(read(&app, &cookie, path).await.1, body, "{kind}: a refused change changes nothing");
    }

    // A role's `policies` follow its `policy_ids`: sent alone and changed, they are refused
    // (as another API's body would send them), sent beside `policy_ids` they are the old list.
    let (_, role) = read(&app, &cookie, &role_path).await;
    let response = send(&app, &cookie, Method::PUT, &role_path, None, json!({ "policies": [] })).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
    assert_eq!(response.json()["detail"][0]["loc"], json!(["body", "policies"]));
    let mut emptied = role.clone();
    emptied["policy_ids"] = json!([]);
    let response = send(&app, &cookie, Method::PUT, &role_path, None, emptied).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!((&response.json()["policy_ids"], &response.json()["policies"]), (&json!([]), &json!([])));
}

/// The permission schema is read per organization and replaced as a whole at
/// `/v1/iam/permissions/schema`: the same ETag and If-Match rules.
async fn the_schema_takes_if_match_too(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let (version, _) = read(&app, &cookie, &format!("/v1/orgs/{root}/iam/permissions/schema")).await;
    let types = json!({ "resource_types": [{ "key": "project", "label": "Project", "actions": [{ "key": "read", "label": "Read" }] }] });
    let path = "/v1/iam/permissions/schema";
    let stale = format!("\"{}\"", version + 7);
    let response = send(&app, &cookie, Method::PUT, path, Some(&stale), types.clone()).await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.text());
    let response = send(&app, &cookie, Method::PUT, path, Some(&format!("\"{version}\"")), types).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.header("etag"), Some(format!("\"{}\"", version + 1).as_str()));
}

/// A resource instance registered again without a description keeps the one it has.
async fn a_resource_put_keeps_the_description_it_is_not_given(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let types = json!({ "resource_types": [{ "key": "project", "label": "Project", "listable": true,
        "actions": [{ "key": "read", "label": "Read" }] }] });
    let (status, body) = call(&app, &cookie, Method::PUT, "/v1/iam/permissions/schema", Some(types)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let path = format!("/v1/orgs/{root}/iam/resources/project/p1");
    let (status, made) =
        call(&app, &cookie, Method::PUT, &path, Some(json!({ "name": "Apollo", "description": "The moon" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let (status, renamed) = call(&app, &cookie, Method::PUT, &path, Some(json!({ "name": "Artemis" }))).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!((&renamed["name"], &renamed["description"]), (&json!("Artemis"), &json!("The moon")));
    let (status, cleared) =
        call(&app, &cookie, Method::PUT, &path, Some(json!({ "name": "Artemis", "description": "" }))).await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert_eq!(cleared["description"], "", "given empty, it is emptied");
}

on_both_engines!(
    put_changes_what_it_is_given_at_the_version_it_names,
    a_body_as_read_goes_back_through_put,
    the_schema_takes_if_match_too,
    a_resource_put_keeps_the_description_it_is_not_given
);
