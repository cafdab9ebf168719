//! The OpenAPI document describes the API as served: every route it lists answers (see
//! `unknown_inputs.rs`, which calls each one), no route or method exists that it does not
//! list, and `/api-docs` renders it with nothing from elsewhere.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use warden::domain::Engine;

use crate::support::{TestApp, http::Req};

/// Every documented operation of `/v1`, as a method and a path whose parameters are filled
/// with short stand-ins: `o` for the organization, `r` for a role, `x` for anything else.
pub fn documented_endpoints() -> Vec<(Method, String)> {
    let document = warden::api::openapi::document_json().clone();
    let mut endpoints = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        if !path.starts_with("/v1/") {
            continue;
        }
        let filled = fill_parameters(path);
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                endpoints.push((Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"), filled.clone()));
            }
        }
    }
    endpoints
}

fn fill_parameters(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{org}" | "{organization_id}" => "o",
            "{role_id}" => "r",
            s if s.starts_with('{') => "x",
            s => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The changes that take no body: all the others describe theirs.
const TAKE_NO_BODY: &[&str] = &[];

async fn the_document_is_served_and_describes_every_operation(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let served = app.send(Req::get("/v1/openapi.json")).await;
    assert_eq!(served.status, StatusCode::OK, "public, like the reference page");
    let document = served.json();
    assert!(&document == warden::api::openapi::document_json(), "the served document is the one the code builds");
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", document["openapi"]);
    for scheme in ["session", "bearer", "api_key"] {
        assert!(document["components"]["securitySchemes"][scheme].is_object(), "security scheme {scheme}");
    }
    for shared in ["ErrorBody", "ValidationBody"] {
        assert!(document["components"]["schemas"][shared].is_object(), "{shared}");
    }
    // Shared answers only where they can happen: nothing to find behind `/healthz`.
    let answers = |path: &str, method: &str| document["paths"][path][method]["responses"].clone();
    assert!(answers("/healthz", "get")["404"].is_null(), "{}", answers("/healthz", "get"));
    assert!(answers("/v1/orgs/{org}", "get")["404"].is_object(), "{}", answers("/v1/orgs/{org}", "get"));
    // A POST that only asks cannot conflict; `sso/test` reads its body whatever its type says.
    for question in
        ["/v1/orgs/{org}/iam/check", "/v1/orgs/{org}/iam/policies/{policy_id}/impact", "/v1/orgs/{org}/sso/test"]
    {
        assert!(answers(question, "post")["422"].is_object(), "{question}: {}", answers(question, "post"));
        assert!(answers(question, "post")["409"].is_null(), "{question}: {}", answers(question, "post"));
    }
    assert!(answers("/v1/orgs/{org}/iam/roles", "post")["409"].is_object(), "a create can conflict");
    assert!(answers("/v1/orgs/{org}/sso/test", "post")["415"].is_null());
    assert!(answers("/v1/orgs/{org}/sso/preview", "post")["415"].is_object());

    let mut wrong = Vec::new();
    let mut operation_ids = std::collections::HashSet::new();
    let paths = document["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let responses = operation["responses"].as_object().unwrap();
            if !operation["operationId"].as_str().is_some_and(|id| operation_ids.insert(id.to_owned())) {
                wrong.push(format!("{name}: operationId missing or not unique"));
            }
            if !responses.keys().any(|status| status.starts_with('2')) {
                wrong.push(format!("{name}: no success answer"));
            }
            if operation["summary"].as_str().is_none_or(|s| s.is_empty() || s.starts_with('`')) {
                wrong.push(format!("{name}: no summary"));
            }
            if operation["tags"].as_array().is_none_or(Vec::is_empty) {
                wrong.push(format!("{name}: no tag"));
            }
            if !responses.contains_key("422") || !responses.contains_key("500") {
                wrong.push(format!("{name}: error answers missing"));
            }
            let changes = ["post", "put", "patch"].contains(&method.as_str());
            if changes && operation["requestBody"].is_null() && !TAKE_NO_BODY.contains(&name.as_str()) {
                wrong.push(format!("{name}: no request body described"));
            }
            let public =
                operation["security"].as_array().is_some_and(|s| s.iter().all(|r| r == &serde_json::json!({})));
            if !public && !responses.contains_key("401") {
                wrong.push(format!("{name}: no 401"));
            }
            let described: Vec<&str> = operation["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            for segment in path.split('/').filter(|s| s.starts_with('{')) {
                if !described.contains(&segment.trim_matches(['{', '}'])) {
                    wrong.push(format!("{name}: {segment} not described"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "incomplete operations:\n{}", wrong.join("\n"));

    // A create links to what can be done with what it made (Schemathesis' stateful phase
    // follows these), in OpenAPI's own field names.
    let links = &paths["/v1/orgs/{org}/iam/roles"]["post"]["responses"]["201"]["links"];
    assert_eq!(
        links["roles_get"],
        serde_json::json!({ "operationId": "roles_get",
            "parameters": { "org": "$request.path.org", "role_id": "$response.body#/role_id" } })
    );
    assert_eq!(links["audit_role_history"]["parameters"]["id"], "$response.body#/role_id");
    let from_orgs = paths["/v1/orgs"]["post"]["responses"]["201"]["links"].as_object().unwrap();
    assert!(from_orgs.contains_key("orgs_get") && !from_orgs.contains_key("roles_get"), "only what it can fill");

    // The seed adapters are their own tag.
    let compat = &paths["/v1/organizations/{organization_id}/iam-policies"]["get"]["tags"];
    assert_eq!(compat, &serde_json::json!(["compat: seed 004"]));

    // No method is served on a documented path that the document does not list (the router
    // answers 405 for every other method).
    let cookie = app.admin_cookie().await;
    let mut undocumented = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                continue;
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = app
                .send(Req::new(method.clone(), &fill_parameters(path)).cookie(&cookie).same_origin().json("{}"))
                .await;
            if answer.status != StatusCode::METHOD_NOT_ALLOWED {
                undocumented.push(format!("{method} {path}: {}", answer.status));
            }
        }
    }
    assert!(undocumented.is_empty(), "served but not documented:\n{}", undocumented.join("\n"));
}

on_both_engines!(the_document_is_served_and_describes_every_operation);

/// Routes reach the API's router only through `routes!`, which documents them: a handler added
/// with axum's own `.route(...)` in the API, or under `/v1` anywhere else (the server's own
/// routes), would be served and never described. The one exception is the API's not-found
/// answer (`unknown_path`) for paths no route takes, which is no operation.
#[test]
fn every_api_route_is_registered_with_its_description() {
    let mut offenders = Vec::new();
    let api = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src/api"));
    let mut folders = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (number, line) in source.lines().enumerate() {
                let registers =
                    line.contains(".route(") || line.contains("routing::") || line.contains(".route_service(");
                let routes = registers && !line.trim_start().starts_with("use ") && !line.contains("any(unknown_path)");
                // In the API, every route; elsewhere (the server's own routes), any under /v1.
                let undocumented = if path.starts_with(&api) {
                    routes
                } else {
                    (routes || line.contains(".nest(")) && line.contains("\"/v1")
                };
                if undocumented {
                    offenders.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "routes outside routes!():\n{}", offenders.join("\n"));
}

async fn the_reference_page_renders_the_document_with_nothing_from_elsewhere(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let page = app.send(Req::page("/api-docs")).await;
    assert_eq!(page.status, StatusCode::OK, "readable before signing in");
    let html = page.text();
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("HTML");
    let parser = dom.parser();
    assert_eq!(dom.query_selector("script").unwrap().count(), 0, "no script");
    assert_eq!(dom.query_selector("h1").unwrap().count(), 1, "one h1");
    for tag in dom.query_selector("[src], [href]").unwrap().filter_map(|h| h.get(parser)?.as_tag().cloned()) {
        for attribute in ["src", "href"] {
            if let Some(Some(value)) = tag.attributes().get(attribute) {
                let value = value.as_utf8_str();
                assert!(value.starts_with('/') || value.starts_with('#'), "only this server: {attribute}={value}");
            }
        }
    }
    let document: &Value = warden::api::openapi::document_json();
    for (path, item) in document["paths"].as_object().unwrap() {
        assert!(html.contains(&format!(">{path}<")), "{path} is on the page");
        for operation in item.as_object().unwrap().values() {
            let summary = operation["summary"].as_str().unwrap_or_default();
            let escaped = summary.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
            assert!(html.contains(&escaped), "{path}: {summary}");
        }
    }
    assert!(html.contains("id=\"schema-ErrorBody\""), "the shared schemas are described");

    // The console links to it.
    let cookie = app.admin_cookie().await;
    let console = app.send(Req::page("/").cookie(&cookie)).await.text();
    assert!(console.contains("href=\"/api-docs\""), "linked from the console");
}

on_both_engines!(the_reference_page_renders_the_document_with_nothing_from_elsewhere);
