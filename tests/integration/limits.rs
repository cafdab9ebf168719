//! No request, however large, can stall the server: every list in a body has a documented
//! maximum answered with 422 before its items are looked at, duplicates are found with sets,
//! and bodies over the limit (REST and server functions alike) are refused with 413.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{http::Req, tenants::World};

/// The `loc` of each entry of a 422 body.
fn locs(status: StatusCode, body: &Value) -> Vec<Value> {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    body["detail"].as_array().expect("detail").iter().map(|d| d["loc"].clone()).collect()
}

async fn every_list_has_a_maximum_and_repeats_are_named(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let root = w.root.clone();
    let ids = |n: usize| (0..n).map(|i| format!("user-{i}")).collect::<Vec<_>>();

    // Bulk changes name at most 1,000 members (more used to exceed SQLite's bound values).
    let member = w.predefined(&root, "member").await;
    let body = json!({ "change": "add", "role_id": member, "user_ids": ids(1001) });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/members/bulk-roles"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "user_ids"])]);
    let body = json!({ "change": "add", "role_id": member, "user_ids": ["a", "b", "a"] });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/members/bulk-roles"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "user_ids", 2])]);

    // A role's policies and SSO group names.
    let readers = w.policy(&root, "Readers", json!({ "permissions": ["org:read"] })).await;
    let body = json!({ "name": "Twice", "policy_ids": [readers, readers], "sso_group_names": ["ops", "dev", "ops"] });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/roles"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "policy_ids", 1]), json!(["body", "sso_group_names", 2])]);
    let body = json!({ "name": "Many", "policy_ids": ids(101) });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/roles"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "policy_ids"])]);

    // A group's members and roles; a member's roles.
    let body = json!({ "name": "Crowd", "user_ids": ids(1001) });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/groups"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "user_ids"])]);
    let me = w.app.admin_actor().await.user_id().expect("id").to_owned();
    let body = json!({ "user_id": me, "role_ids": [member, member] });
    let (status, answer) = w.root(Method::POST, &format!("/v1/orgs/{root}/iam/members"), Some(body)).await;
    assert_eq!(locs(status, &answer), [json!(["body", "role_ids", 1])]);

    // A policy's permission strings, statements and entries.
    let many: Vec<String> = (0..1001).map(|_| "org:read".to_owned()).collect();
    let (status, answer) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{root}/iam/policies"),
            Some(json!({ "name": "Huge", "permissions": many })),
        )
        .await;
    assert_eq!(locs(status, &answer), [json!(["body", "permissions"])]);
    let resources: Vec<String> = (0..201).map(|i| format!("type{i}")).collect();
    let statement = json!({ "effect": "allow", "actions": ["read"], "resources": resources });
    let (status, answer) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{root}/iam/policies"),
            Some(json!({ "name": "Wide", "statements": [statement] })),
        )
        .await;
    assert_eq!(locs(status, &answer), [json!(["body", "statements", 0, "resources"])]);
    let statements: Vec<Value> =
        (0..201).map(|_| json!({ "effect": "allow", "actions": ["read"], "resources": ["org"] })).collect();
    let (status, answer) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{root}/iam/policies"),
            Some(json!({ "name": "Long", "statements": statements })),
        )
        .await;
    assert_eq!(locs(status, &answer), [json!(["body", "statements"])]);
}

async fn bodies_over_the_limit_are_refused_with_413(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let large = "x".repeat(3 * 1024 * 1024);
    // REST.
    let body = json!({ "name": large, "permissions": ["org:read"] }).to_string();
    let response = w
        .app
        .send(
            Req::new(Method::POST, &format!("/v1/orgs/{}/iam/policies", w.root))
                .same_origin()
                .cookie(&w.root_cookie)
                .json(&body),
        )
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.json()["error"], "PAYLOAD_TOO_LARGE");
    // A server function's form.
    let response = w
        .app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .form(&[("email", "a@example.com"), ("password", &large)]),
        )
        .await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Under the limit, a 1 MB policy document is read and answered (its problems named).
    let entries: Vec<String> = (0..60_000).map(|i| format!("nosuchtype{i}:read")).collect();
    let body = json!({ "name": "Big", "permissions": entries }).to_string();
    assert!(body.len() > 1_000_000 && body.len() < 2 * 1024 * 1024);
    let response = w
        .app
        .send(
            Req::new(Method::POST, &format!("/v1/orgs/{}/iam/policies", w.root))
                .same_origin()
                .cookie(&w.root_cookie)
                .json(&body),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.text());
}

on_both_engines!(every_list_has_a_maximum_and_repeats_are_named, bodies_over_the_limit_are_refused_with_413);
