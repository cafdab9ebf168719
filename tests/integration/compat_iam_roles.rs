//! Seed 002's roles at `/v1/iam/roles`: the platform's (root organization's) roles in its
//! shape, with its predefined slugs and CASL rules; reading only, so far.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::World;

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

    // Writing through seed 002's shape is not served yet, and says so by its status.
    let (status, _) = w.root(Method::POST, "/v1/iam/roles", Some(json!({ "name": "New", "policies": [] }))).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

on_both_engines!(seed_002_lists_and_reads_the_platform_roles);
