//! Each list filter shown by a case where it changes the answer: organizations by subtree and
//! by whether they can have children, members by status, the schema's instance counts.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::World;

fn names(page: &Value, list: &str, field: &str) -> Vec<String> {
    page[list].as_array().expect("list").iter().map(|o| o[field].as_str().expect("field").to_owned()).collect()
}

async fn organization_filters_change_the_answer(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let a = w.org("A", &w.root).await;
    w.org("B", &w.root).await;
    let body = json!({ "name": "A leaf", "contact_email": "ops@example.com", "parent_organization_id": a,
                       "can_have_child_organizations": false });
    let (status, leaf) = w.root(Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{leaf}");

    let (_, all) = w.root(Method::GET, "/v1/orgs", None).await;
    assert_eq!(names(&all, "organizations", "name"), ["A", "A leaf", "B", "Root"]);
    let (_, under_a) = w.root(Method::GET, &format!("/v1/orgs?root_organization_id={a}"), None).await;
    assert_eq!(names(&under_a, "organizations", "name"), ["A", "A leaf"]);
    let (_, leaves) = w.root(Method::GET, "/v1/orgs?can_have_child_organizations=false", None).await;
    assert_eq!(names(&leaves, "organizations", "name"), ["A leaf"]);
    let (_, parents) = w.root(Method::GET, "/v1/orgs?can_have_child_organizations=true", None).await;
    assert_eq!(names(&parents, "organizations", "name"), ["A", "B", "Root"]);
}

async fn the_member_status_filter_changes_the_answer(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let ann = w.person("ann@example.com", &w.root).await;
    w.person("bob@example.com", &w.root).await;
    let (status, body) =
        w.root(Method::PATCH, &format!("/v1/users/{}", ann.id), Some(json!({ "status": "disabled" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let members = format!("/v1/orgs/{}/iam/members", w.root);
    let (_, all) = w.root(Method::GET, &members, None).await;
    assert_eq!(names(&all, "members", "email"), ["admin@example.com", "ann@example.com", "bob@example.com"]);
    let (_, disabled) = w.root(Method::GET, &format!("{members}?status=disabled"), None).await;
    assert_eq!(names(&disabled, "members", "email"), ["ann@example.com"]);
    let (_, active) = w.root(Method::GET, &format!("{members}?status=active"), None).await;
    assert_eq!(names(&active, "members", "email"), ["admin@example.com", "bob@example.com"]);
}

async fn the_schema_counts_each_organizations_instances(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    w.with_projects().await;
    let a = w.org("A", &w.root).await;
    for (org, id) in [(&w.root, "p1"), (&w.root, "p2"), (&a, "p3")] {
        let (status, body) = w
            .root(Method::PUT, &format!("/v1/orgs/{org}/iam/resources/project/{id}"), Some(json!({ "name": id })))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let count = |schema: &Value| {
        schema["resource_types"].as_array().expect("types").iter().find(|t| t["key"] == "project").expect("project")
            ["resource_count"]
            .clone()
    };
    let (_, root_view) = w.root(Method::GET, &format!("/v1/orgs/{}/iam/permissions/schema", w.root), None).await;
    assert_eq!(count(&root_view), 2);
    let (_, a_view) = w.root(Method::GET, &format!("/v1/orgs/{a}/iam/permissions/schema"), None).await;
    assert_eq!(count(&a_view), 1);
}

on_both_engines!(
    organization_filters_change_the_answer,
    the_member_status_filter_changes_the_answer,
    the_schema_counts_each_organizations_instances,
);
