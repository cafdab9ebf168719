//! Nothing a client sends is silently ignored: an unknown query parameter (a `page` that would
//! leave the client on the first page, never knowing) or an unknown body field (a seed-style
//! role's `policies`, which would create the role empty) is a 422 naming it, on every endpoint.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::{openapi::documented_endpoints, support::tenants::World};

fn refused_as_extra(status: StatusCode, body: &Value, loc: Value) -> Result<(), String> {
    let problem = &body["detail"][0];
    if status == StatusCode::UNPROCESSABLE_ENTITY && problem["loc"] == loc && problem["type"] == "extra_forbidden" {
        Ok(())
    } else {
        Err(format!("{status} {body}"))
    }
}

async fn unknown_query_parameters_are_refused_by_name(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let mut wrong = Vec::new();
    // Every endpoint the OpenAPI document lists, with ids that need not exist: the request is
    // refused before they are looked up.
    for (method, path) in documented_endpoints() {
        let name = method.as_str().to_owned();
        let body = matches!(method, Method::POST | Method::PUT | Method::PATCH).then(|| json!({}));
        let (status, answer) = world.root(method, &format!("{path}?page=2"), body).await;
        if let Err(problem) = refused_as_extra(status, &answer, json!(["query", "page"])) {
            wrong.push(format!("{name} {path}?page=2: {problem}"));
        }
    }
    assert!(wrong.is_empty(), "not refused by name:\n{}", wrong.join("\n"));

    // The message says what the endpoint takes.
    let (_, answer) = world.root(Method::GET, "/v1/orgs/o/iam/roles?size=5", None).await;
    let msg = answer["detail"][0]["msg"].as_str().unwrap_or_default().to_owned();
    assert!(msg.contains("`size`") && msg.contains("limit") && msg.contains("cursor"), "{msg}");
    let (_, answer) = world.root(Method::GET, "/v1/me?x=1", None).await;
    assert!(answer["detail"][0]["msg"].as_str().is_some_and(|m| m.contains("takes none")), "{answer}");
    // Outside /v1 too: the health check takes none either.
    let (status, answer) = world.root(Method::GET, "/healthz?page=2", None).await;
    assert_eq!(refused_as_extra(status, &answer, json!(["query", "page"])), Ok(()));
}

on_both_engines!(unknown_query_parameters_are_refused_by_name);

async fn unknown_body_fields_are_refused_by_name(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let reading = world.policy(&acme, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let role = world.role(&acme, "Readers", &[&reading]).await;
    let (_, group) =
        world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/groups"), Some(json!({ "name": "Crew" }))).await;
    let group = group["group_id"].as_str().expect("a group").to_owned();
    let mut wrong = Vec::new();
    let endpoints = documented_endpoints();
    for (method, path) in
        endpoints.iter().filter(|(method, _)| matches!(*method, Method::POST | Method::PUT | Method::PATCH))
    {
        let name = method.as_str();
        // Changes read the object first: each names one that exists (a missing one is a 404).
        let path = path
            .replacen("/v1/orgs/o", &format!("/v1/orgs/{acme}"), 1)
            .replace("/roles/r", &format!("/roles/{role}"))
            .replace("/policies/x", &format!("/policies/{reading}"))
            .replace("/groups/x", &format!("/groups/{group}"));
        let (status, answer) = world.root(method.clone(), &path, Some(json!({ "bogus": true }))).await;
        if let Err(problem) = refused_as_extra(status, &answer, json!(["body", "bogus"])) {
            wrong.push(format!("{name} {path}: {problem}"));
        }
    }
    assert!(wrong.is_empty(), "not refused by name:\n{}", wrong.join("\n"));

    // A seed-002 role body: its inline `policies` are not silently dropped.
    let seed_role = json!({ "name": "Seed", "policies": [{ "action": "read", "subject": "all" }] });
    let (status, answer) = world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/roles"), Some(seed_role)).await;
    assert_eq!(refused_as_extra(status, &answer, json!(["body", "policies"])), Ok(()));
    let (_, roles) = world.root(Method::GET, &format!("/v1/orgs/{acme}/iam/roles?q=Seed"), None).await;
    assert_eq!(roles["roles"].as_array().map(Vec::len), Some(0), "nothing created: {roles}");

    // Inside nested objects too: a resource type's and an action's unknown fields.
    let action = json!({ "key": "read", "label": "Read" });
    let mut strange_action = action.clone();
    strange_action["bogus"] = json!(true);
    for (types, at) in [
        (
            json!([{ "key": "project", "label": "Project", "actions": [action], "bogus": 1 }]),
            json!(["body", "resource_types", 0, "bogus"]),
        ),
        (
            json!([{ "key": "project", "label": "Project", "actions": [strange_action] }]),
            json!(["body", "resource_types", 0, "actions", 0, "bogus"]),
        ),
    ] {
        let body = json!({ "resource_types": types });
        let (status, answer) = world.root(Method::PUT, "/v1/iam/permissions/schema", Some(body)).await;
        assert_eq!(refused_as_extra(status, &answer, at), Ok(()));
    }
}

on_both_engines!(unknown_body_fields_are_refused_by_name);

/// Seed 003's organization fields that Warden does not have are named as not supported (not as
/// unknown), on create and on change, and nothing is saved; `null` is no value and passes.
async fn seed_003_fields_warden_lacks_are_refused_as_not_supported(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let seed_org = json!({ "name": "Seeded", "contact_email": "ops@example.com", "parent_organization_id": world.root,
        "can_have_child_organizations": true, "rbac_template_id": "tpl-1", "enable_metabase": true });
    let (status, answer) = world.root(Method::POST, "/v1/orgs", Some(seed_org.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    let problems: Vec<(Value, Value)> =
        answer["detail"].as_array().unwrap().iter().map(|p| (p["loc"].clone(), p["type"].clone())).collect();
    assert_eq!(
        problems,
        [
            (json!(["body", "rbac_template_id"]), json!("not_supported")),
            (json!(["body", "enable_metabase"]), json!("not_supported"))
        ]
    );
    assert!(answer["detail"][0]["msg"].as_str().unwrap().contains("rbac_template_id is not supported"), "{answer}");
    let (_, found) = world.root(Method::GET, "/v1/orgs?q=Seeded", None).await;
    assert_eq!(found["total"], 0, "nothing created: {found}");

    let mut without = seed_org;
    without["rbac_template_id"] = Value::Null;
    without["enable_metabase"] = Value::Null;
    let (status, created) = world.root(Method::POST, "/v1/orgs", Some(without)).await;
    assert_eq!(status, StatusCode::CREATED, "null is no value: {created}");
    let path = format!("/v1/orgs/{}", created["id"].as_str().unwrap());
    for method in [Method::PUT, Method::PATCH] {
        let change = json!({ "name": "Renamed", "darryl_configuration": { "enabled": true } });
        let (status, answer) = world.root(method.clone(), &path, Some(change)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method}: {answer}");
        assert_eq!(answer["detail"][0]["loc"], json!(["body", "darryl_configuration"]));
        assert_eq!(answer["detail"][0]["type"], "not_supported");
    }
    let (_, org) = world.root(Method::GET, &path, None).await;
    assert_eq!(org["name"], "Seeded", "nothing changed");
}

on_both_engines!(seed_003_fields_warden_lacks_are_refused_as_not_supported);

/// A nested object given as an array is refused where it is: serde would fill it in field
/// order, so a client's mistake would pass unseen.
async fn a_nested_object_given_as_an_array_is_refused_where_it_is(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let restriction = json!({ "name": "Arrays", "expires_in_days": 30, "restriction": [["org:read"], null] });
    let (status, answer) = world.root(Method::POST, "/v1/tokens", Some(restriction)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["detail"][0]["loc"], json!(["body", "restriction"]), "{answer}");
    assert_eq!(answer["detail"][0]["type"], "model_attributes_type", "{answer}");
    let (_, tokens) = world.root(Method::GET, "/v1/tokens", None).await;
    assert!(!tokens.to_string().contains("Arrays"), "nothing made: {tokens}");

    let sso = json!({ "sso_configuration": ["https://id.example", "client"] });
    let (status, answer) = world.root(Method::PATCH, &format!("/v1/orgs/{}", world.root), Some(sso)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert_eq!(answer["detail"][0]["loc"], json!(["body", "sso_configuration"]), "{answer}");
}

on_both_engines!(a_nested_object_given_as_an_array_is_refused_where_it_is);
