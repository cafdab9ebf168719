//! Every list pages the same way: `limit`, and the opaque `next_cursor` of one page as the
//! `cursor` of the next. Paging is stable while others change the list: no item comes twice,
//! and none that existed throughout is skipped, whatever is created or deleted between pages.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::World;

/// A list endpoint, with how to make and remove one of its items.
struct Kind {
    name: &'static str,
    /// Where items are listed (and, for most, created by POST).
    list: String,
    /// The array of items in a page, and an item's id in it.
    items: &'static str,
    id: &'static str,
}

impl Kind {
    async fn create(&self, w: &World, name: &str, policy: &str) -> String {
        let (method, path, body) = match self.name {
            "policies" => (Method::POST, self.list.clone(), json!({ "name": name, "permissions": ["org:read"] })),
            "roles" => (Method::POST, self.list.clone(), json!({ "name": name, "policy_ids": [policy] })),
            "groups" => (Method::POST, self.list.clone(), json!({ "name": name })),
            "children" => (
                Method::POST,
                "/v1/orgs".to_owned(),
                json!({ "name": name, "contact_email": "ops@example.com", "parent_organization_id": w.root,
                        "can_have_child_organizations": false }),
            ),
            "resources" => {
                (Method::PUT, format!("/v1/orgs/{}/iam/resources/project/{name}", w.root), json!({ "name": name }))
            }
            "tokens" => (Method::POST, self.list.clone(), json!({ "name": name, "expires_in_days": 30 })),
            other => panic!("no such kind {other}"),
        };
        let (status, item) = w.root(method, &path, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{}: {item}", self.name);
        item[self.id].as_str().expect("an id").to_owned()
    }

    async fn delete(&self, w: &World, id: &str) {
        let path = match self.name {
            "children" => format!("/v1/orgs/{id}"),
            "resources" => format!("/v1/orgs/{}/iam/resources/project/{id}", w.root),
            _ => format!("{}/{id}", self.list.split('?').next().unwrap_or_default()),
        };
        let (status, body) = w.root(Method::DELETE, &path, None).await;
        // A token is revoked (seed 003 answers `{message}`), and still listed as such.
        let deleted = if self.name == "tokens" { StatusCode::OK } else { StatusCode::NO_CONTENT };
        assert_eq!(status, deleted, "{}: {body}", self.name);
    }

    /// One page's ids, those of them that cannot be deleted (predefined), and the next cursor.
    async fn page(&self, w: &World, limit: usize, cursor: Option<&str>) -> (Vec<String>, Vec<String>, Option<String>) {
        let separator = if self.list.contains('?') { '&' } else { '?' };
        let mut path = format!("{}{separator}limit={limit}", self.list);
        if let Some(cursor) = cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let (status, page) = w.root(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{}: {page}", self.name);
        let items = page[self.items].as_array().expect("items");
        let id = |item: &Value| item[self.id].as_str().unwrap().to_owned();
        let managed = |item: &&Value| item["managed"] == json!(true) || item["type"] == json!("managed");
        let next = page["next_cursor"].as_str().map(str::to_owned);
        assert_eq!(page["has_more"], json!(next.is_some()), "{}: has_more says whether a cursor follows", self.name);
        (items.iter().map(id).collect(), items.iter().filter(managed).map(id).collect(), next)
    }
}

fn kinds(root: &str) -> Vec<Kind> {
    let kind = |name, list: String, items, id| Kind { name, list, items, id };
    vec![
        kind("policies", format!("/v1/orgs/{root}/iam/policies"), "policies", "policy_id"),
        kind("roles", format!("/v1/orgs/{root}/iam/roles"), "roles", "role_id"),
        kind("groups", format!("/v1/orgs/{root}/iam/groups"), "groups", "group_id"),
        kind("children", format!("/v1/orgs/{root}/children"), "organizations", "id"),
        kind("resources", format!("/v1/orgs/{root}/iam/resources?resource_type=project"), "resources", "id"),
        kind("tokens", "/v1/tokens".to_owned(), "data", "token_id"),
    ]
}

async fn paging_is_stable_while_the_list_changes(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let schema = json!({ "resource_types": [{ "key": "project", "label": "Project", "listable": true,
        "actions": [{ "key": "read", "label": "Read" }] }] });
    let (status, body) = w.root(Method::PUT, "/v1/iam/permissions/schema", Some(schema)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, policy) = w
        .root(
            Method::POST,
            &format!("/v1/orgs/{}/iam/policies", w.root),
            Some(json!({ "name": "base", "permissions": ["org:read"] })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{policy}");
    let policy = policy["policy_id"].as_str().unwrap().to_owned();

    for kind in kinds(&w.root) {
        for n in 0..8 {
            kind.create(&w, &format!("m{n}"), &policy).await;
        }
        let (before, mut kept, none) = kind.page(&w, 200, None).await;
        assert!(none.is_none(), "{}: one page holds them all", kind.name);
        kept.push(policy.clone());
        let mut deleted = Vec::new();
        let (mut seen, mut cursor, mut round) = (Vec::<String>::new(), None, 0);
        loop {
            let (ids, _, next) = kind.page(&w, 3, cursor.as_deref()).await;
            seen.extend(ids);
            let Some(next) = next else { break };
            cursor = Some(next);
            // Between pages: new items before and after the cursor, one not yet served and one
            // served already deleted.
            round += 1;
            kind.create(&w, &format!("a{round}"), &policy).await;
            kind.create(&w, &format!("z{round}"), &policy).await;
            let deletable = |id: &String, deleted: &[String]| !deleted.contains(id) && !kept.contains(id);
            let ahead = before.iter().rev().find(|id| deletable(id, &deleted) && !seen.contains(id)).cloned();
            let behind = seen.iter().find(|id| deletable(id, &deleted)).cloned();
            for id in ahead.into_iter().chain(behind) {
                kind.delete(&w, &id).await;
                deleted.push(id);
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "{}: an item came twice: {seen:?}", kind.name);
        let skipped: Vec<&String> = before.iter().filter(|id| !deleted.contains(id) && !seen.contains(id)).collect();
        assert!(skipped.is_empty(), "{}: skipped {skipped:?} that existed throughout", kind.name);
        assert!(round >= 2, "{}: paged through several pages", kind.name);
    }
}

/// "Where can this user do anything?" pages like every list: the root's admin holds something
/// in every organization, and pages of two go through all of them in name order, once each.
async fn effective_permissions_page_through_every_organization(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    for name in ["Beta", "Alpha", "Delta", "Gamma", "Epsilon"] {
        w.org(name, &w.root).await;
    }
    let (_, me) = w.root(Method::GET, "/v1/me", None).await;
    let path = format!("/v1/users/{}/effective-permissions?limit=2", me["user_id"].as_str().expect("my id"));
    let (mut names, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let page_path = cursor.as_ref().map_or_else(|| path.clone(), |c| format!("{path}&cursor={c}"));
        let (status, page) = w.root(Method::GET, &page_path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let orgs = page["organizations"].as_array().expect("organizations");
        assert!(orgs.len() <= 2, "{page}");
        names.extend(orgs.iter().map(|o| o["org_name"].as_str().unwrap().to_owned()));
        pages += 1;
        assert_eq!(page["has_more"], json!(page["next_cursor"].is_string()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(names, ["Alpha", "Beta", "Delta", "Epsilon", "Gamma", "Root"]);
    assert_eq!(pages, 3);
}

on_both_engines!(paging_is_stable_while_the_list_changes, effective_permissions_page_through_every_organization);
