//! Organizations with many children and searches with many matches: children come a page at a
//! time (REST, the tree page), the tree opened down to a child beyond the first page shows it,
//! and a search reads matches in order until it has enough readable ones; on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::{Engine, orgs::ChildrenQuery};

use crate::support::{
    TestApp,
    http::{Req, assert_invalid_at, call, root_org},
};

/// An organization under `parent`; with `private_to` it withholds access from its parent, and
/// that user is its first admin.
async fn create(app: &TestApp, cookie: &str, name: &str, parent: &str, private_to: Option<&str>) -> String {
    let mut body = json!({
        "name": name, "contact_email": "ops@example.com", "parent_organization_id": parent,
        "can_have_child_organizations": true,
    });
    if let Some(owner) = private_to {
        body["parent_has_access"] = json!(false);
        body["first_admin_user_id"] = json!(owner);
    }
    let (status, org) = call(app, cookie, Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    org["id"].as_str().expect("id").to_owned()
}

fn names(page: &Value) -> Vec<String> {
    page["organizations"]
        .as_array()
        .expect("list")
        .iter()
        .map(|o| o["name"].as_str().expect("name").to_owned())
        .collect()
}

async fn children_come_a_page_at_a_time(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    let parent = create(&app, &cookie, "Parent", &root, None).await;
    let mut children = Vec::new();
    for n in 0..52 {
        children.push(create(&app, &cookie, &format!("Child {n:02}"), &parent, None).await);
    }

    // REST: pages of 20 by name, each child once, the last page without a cursor.
    let (mut seen, mut pages, mut cursor) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/orgs/{parent}/children?limit=20&cursor={cursor}"),
            None => format!("/v1/orgs/{parent}/children?limit=20"),
        };
        let (status, page) = call(&app, &cookie, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        pages.push(names(&page).len());
        seen.extend(names(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, [20, 20, 12]);
    let expected: Vec<String> = (0..52).map(|n| format!("Child {n:02}")).collect();
    assert_eq!(seen, expected, "every child once, by name");
    let (_, first) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{parent}/children"), None).await;
    assert_eq!(names(&first).len(), 50, "50 unless asked otherwise");
    for (query, at) in [("limit=0", "limit"), ("limit=201", "limit"), ("cursor=zz", "cursor")] {
        let (status, body) =
            call(&app, &cookie, Method::GET, &format!("/v1/orgs/{parent}/children?{query}"), None).await;
        assert_invalid_at(status, &body, &[json!(["query", at])]);
    }
    let (status, body) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{parent}/children?page=2"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown parameter is refused: {body}");

    // The domain lists a child the tree is opened down to on the first page, wherever it falls.
    let admin = app.admin_actor().await;
    let last = &children[51];
    let query = |cursor, including| ChildrenQuery { cursor, limit: 50, including };
    let page = app.domain.organization_children(&admin, &parent, &query(None, Some(last))).await.expect("page");
    assert_eq!(page.children.len(), 50);
    assert_eq!(page.included.as_ref().map(|c| c.id.as_str()), Some(last.as_str()));
    let on_page = app.domain.organization_children(&admin, &parent, &query(None, Some(&children[3]))).await;
    assert!(on_page.expect("page").included.is_none(), "a child on the page is not listed twice");
    let elsewhere = app.domain.organization_children(&admin, &parent, &query(None, Some(&root))).await;
    assert!(elsewhere.expect("page").included.is_none(), "only a child of this organization is included");

    // The tree page opened down to that child shows it, and offers the rest.
    let html = app.send(Req::page(&format!("/orgs?reveal={last}")).cookie(&cookie)).await.text();
    assert!(html.contains(&format!("data-org-id=\"{last}\"")), "the revealed child is shown");
    assert!(html.contains("Show more (51 of 52 shown)"), "the rest is offered");
    assert!(!html.contains("data-org-id=\"{}\"".replace("{}", &children[50]).as_str()), "the rest waits for a click");
}

on_both_engines!(children_come_a_page_at_a_time);

async fn a_search_reads_on_until_it_has_enough_readable_matches(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = root_org(&app, &cookie).await;
    // 120 matches the admin may not read come first by name (they withhold parent access),
    // then three readable ones.
    let owner = app.create_user("owner@example.com").await;
    for n in 0..120 {
        create(&app, &cookie, &format!("Match {n:03}"), &root, Some(&owner)).await;
    }
    for n in 200..203 {
        create(&app, &cookie, &format!("Match {n:03}"), &root, None).await;
    }
    let admin = app.admin_actor().await;
    let hits = app.domain.search_organizations(&admin, "match", 2).await.expect("search");
    let found: Vec<&str> = hits.iter().map(|(node, _)| node.name.as_str()).collect();
    assert_eq!(found, ["Match 200", "Match 201"], "the first readable matches by name, no more than asked");
    assert_eq!(hits[0].1.last().map(|link| link.id.as_str()), Some(root.as_str()), "with their path");
    let all = app.domain.search_organizations(&admin, "MATCH 20", 20).await.expect("search");
    assert_eq!(all.len(), 3, "case does not matter; fewer than asked when there are no more");
    assert!(app.domain.search_organizations(&admin, "no such name", 20).await.expect("search").is_empty());
}

on_both_engines!(a_search_reads_on_until_it_has_enough_readable_matches);
