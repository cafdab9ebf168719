//! Seeds 001's and 002's request examples replayed against a fresh server: each of their
//! requests, with placeholder ids replaced by real ones (and by ones that do not exist, for
//! 404 and 422 examples), answers with the status and the field names the reference gives.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{
    http::{Req, call},
    tenants::World,
};

const ERROR_FIELDS: &[&str] = &["error", "message", "details", "timestamp", "status_code"];
/// A policy's fields in seed 001.
pub const POLICY_FIELDS: &[&str] = &[
    "policy_id",
    "org_id",
    "name",
    "description",
    "permissions",
    "resolved_permissions",
    "created_at",
    "updated_at",
    "created_by",
];
const ROLE_FIELDS: &[&str] = &[
    "role_id",
    "org_id",
    "name",
    "description",
    "policy_ids",
    "policies",
    "is_default",
    "sso_group_names",
    "created_at",
    "updated_at",
    "created_by",
];
const MEMBER_FIELDS: &[&str] = &[
    "user_id",
    "org_id",
    "username",
    "email",
    "full_name",
    "avatar_url",
    "role_ids",
    "roles_detail",
    "permissions",
    "status",
    "joined_at",
];
const PAGE_FIELDS: &[&str] = &["total", "has_more", "next_cursor"];

/// One request of the reference, and what it answers.
struct Example {
    method: Method,
    path: String,
    body: Option<Value>,
    status: StatusCode,
    /// Fields of the answer; then, for lists, the list's key and the fields of its first item.
    fields: &'static [&'static str],
    items: Option<(&'static str, &'static [&'static str])>,
}

fn example(method: Method, path: String, body: Option<Value>, status: StatusCode) -> Example {
    Example { method, path, body, status, fields: &[], items: None }
}

impl Example {
    fn fields(mut self, fields: &'static [&'static str]) -> Self {
        self.fields = fields;
        self
    }

    fn items(mut self, key: &'static str, fields: &'static [&'static str]) -> Self {
        self.items = Some((key, fields));
        self
    }
}

fn missing_fields(value: &Value, fields: &[&str]) -> Vec<String> {
    fields.iter().filter(|field| value.get(**field).is_none()).map(|field| (*field).to_owned()).collect()
}

async fn seed_001_examples_answer_as_documented(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    w.with_projects().await;
    let (root, o) = (w.root.clone(), format!("/v1/orgs/{}", w.root));
    let (status, _) =
        w.root(Method::PUT, &format!("{o}/iam/resources/project/p1"), Some(json!({ "name": "P1" }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let policy = w.policy(&root, "Readers", json!({ "permissions": ["org:read"] })).await;
    let role = w.role(&root, "Crew", &[&policy]).await;
    let person = w.person("pat@example.com", &root).await;
    // Its 401 and 403 examples: without a session, and as a member who may read the
    // organization but not write policies.
    w.give(&root, &person.id, &[&role]).await;
    let anonymous = w.app.send(Req::get(&format!("{o}/iam/policies"))).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(missing_fields(&anonymous.json(), ERROR_FIELDS), Vec::<String>::new());
    let (status, refused) = call(
        &w.app,
        &person.cookie,
        Method::POST,
        &format!("{o}/iam/policies"),
        Some(json!({ "name": "x", "permissions": ["org:read"] })),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert!(refused["details"]["required_permission"].is_string(), "{refused}");

    let examples = [
        example(Method::GET, format!("{o}/iam/permissions/schema"), None, StatusCode::OK),
        example(Method::GET, "/v1/orgs/string/iam/permissions/schema".into(), None, StatusCode::NOT_FOUND)
            .fields(ERROR_FIELDS),
        example(Method::GET, format!("{o}/iam/resources?resource_type=project"), None, StatusCode::OK)
            .items("resources", &["id", "name", "description"]),
        example(Method::GET, format!("{o}/iam/resources?resource_type=string"), None, StatusCode::UNPROCESSABLE_ENTITY)
            .fields(&["detail"]),
        example(Method::GET, format!("{o}/iam/policies"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("policies", POLICY_FIELDS),
        // The reference's body names a permission that cannot exist: a 422 naming it.
        example(
            Method::POST,
            format!("{o}/iam/policies"),
            Some(json!({ "name": "string", "permissions": ["string"] })),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .fields(&["detail"]),
        example(
            Method::POST,
            format!("{o}/iam/policies"),
            Some(json!({ "name": "Auditors", "permissions": ["audit:read"] })),
            StatusCode::CREATED,
        )
        .fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/policies/{policy}"), None, StatusCode::OK).fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/policies/string"), None, StatusCode::NOT_FOUND).fields(ERROR_FIELDS),
        example(Method::PUT, format!("{o}/iam/policies/{policy}"), Some(json!({})), StatusCode::OK)
            .fields(POLICY_FIELDS),
        example(Method::GET, format!("{o}/iam/roles"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("roles", ROLE_FIELDS),
        example(Method::POST, format!("{o}/iam/roles"), Some(json!({ "name": "string" })), StatusCode::CREATED)
            .fields(ROLE_FIELDS),
        example(Method::GET, format!("{o}/iam/roles/{role}"), None, StatusCode::OK).fields(ROLE_FIELDS),
        example(Method::PUT, format!("{o}/iam/roles/{role}"), Some(json!({})), StatusCode::OK).fields(ROLE_FIELDS),
        example(Method::GET, format!("{o}/iam/members"), None, StatusCode::OK)
            .fields(PAGE_FIELDS)
            .items("members", MEMBER_FIELDS),
        example(
            Method::POST,
            format!("{o}/iam/members"),
            Some(json!({ "user_id": "string", "role_ids": ["string"] })),
            StatusCode::NOT_FOUND,
        )
        .fields(ERROR_FIELDS),
        example(
            Method::POST,
            format!("{o}/iam/members"),
            Some(json!({ "user_id": person.id, "role_ids": [role] })),
            StatusCode::OK,
        ),
        example(Method::DELETE, format!("{o}/iam/members/{}", person.id), None, StatusCode::NO_CONTENT),
        example(Method::DELETE, format!("{o}/iam/roles/{role}"), None, StatusCode::NO_CONTENT),
        example(Method::DELETE, format!("{o}/iam/policies/{policy}"), None, StatusCode::NO_CONTENT),
    ];
    replay(&w, examples, "seed 001").await;
}

on_both_engines!(seed_001_examples_answer_as_documented);

/// A role's fields in seed 002.
const SEED_002_ROLE_FIELDS: &[&str] = &["id", "slug", "name", "policies", "createdAt", "updatedAt"];

async fn seed_002_examples_answer_as_documented(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    // Its examples' rules read archives: a type the platform registers first.
    let schema = json!({ "version": 1, "resource_types": [{
        "key": "archive", "label": "Archive", "actions": [{ "key": "read", "label": "Read" }]
    }]});
    let (status, answer) = w.root(Method::PUT, "/v1/iam/permissions/schema", Some(schema)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let rules = json!([{ "action": "read", "subject": "archive", "conditions": {} }]);
    let (status, role) =
        w.root(Method::POST, "/v1/iam/roles", Some(json!({ "name": "Archivist", "policies": rules }))).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    let role = role["id"].as_str().expect("id").to_owned();

    let examples = [
        example(Method::GET, "/v1/iam/roles".into(), None, StatusCode::OK).items("", SEED_002_ROLE_FIELDS),
        example(
            Method::POST,
            "/v1/iam/roles".into(),
            Some(json!({ "name": "Compliance Officer", "policies": rules })),
            StatusCode::CREATED,
        )
        .fields(SEED_002_ROLE_FIELDS),
        example(Method::GET, format!("/v1/iam/roles/{role}"), None, StatusCode::OK).fields(SEED_002_ROLE_FIELDS),
        example(Method::GET, "/v1/iam/roles/clx1y2z3a0000b4d2".into(), None, StatusCode::NOT_FOUND)
            .fields(ERROR_FIELDS),
        example(
            Method::PUT,
            format!("/v1/iam/roles/{role}"),
            Some(json!({ "name": "Senior Compliance Officer", "policies": rules })),
            StatusCode::OK,
        )
        .fields(SEED_002_ROLE_FIELDS),
        example(Method::DELETE, format!("/v1/iam/roles/{role}"), None, StatusCode::NO_CONTENT),
    ];
    replay(&w, examples, "seed 002").await;
}

on_both_engines!(seed_002_examples_answer_as_documented);

/// Sends each example as the root's first admin; fails naming every one that answered
/// otherwise. An example's `items` key `""` means the answer is the list itself.
async fn replay(w: &World, examples: impl IntoIterator<Item = Example>, seed: &str) {
    let mut wrong = Vec::new();
    for example in examples {
        let (status, answer) = w.root(example.method.clone(), &example.path, example.body.clone()).await;
        let what = format!("{} {}", example.method, example.path);
        if status != example.status {
            wrong.push(format!("{what}: {status}, not {}: {answer}", example.status));
            continue;
        }
        let mut missing = missing_fields(&answer, example.fields);
        if let Some((key, fields)) = example.items {
            let list = if key.is_empty() { &answer } else { &answer[key] };
            match list.as_array().and_then(|items| items.first()) {
                Some(first) => {
                    missing.extend(missing_fields(first, fields).into_iter().map(|f| format!("{key}[0].{f}")))
                }
                None => missing.push(format!("{key}[0]")),
            }
        }
        if !missing.is_empty() {
            wrong.push(format!("{what}: lacks {missing:?}: {answer}"));
        }
    }
    assert!(wrong.is_empty(), "not as {seed} documents:\n{}", wrong.join("\n"));
}
