//! Seed 004's organization policies, replayed as its documentation sends them (each of its
//! requests: list, create, read, update, delete): its paths under `/v1`, its field names and
//! envelope, its paging (`limit` 10 by default, `pageToken`, `reverse`), `any` for `*`, and
//! what Warden cannot keep refused.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::tenants::World;

/// The create example of seed 004, verbatim.
fn seed_create_example() -> Value {
    json!({"name":"text","definitions":[{"effect":"allow","resources":[null],"actions":["any"],
        "conditionsAll":[{"any":{"ANY_ADDITIONAL_PROPERTY":{}}}]}],
        "metadata":{"clouds":["platform"],"apps":["inbox"],"groups":[null]}})
}

/// The update example of seed 004, verbatim.
fn seed_patch_example() -> Value {
    json!({"definitions":[{"effect":"allow","resources":[null],"actions":["any"],
        "conditionsAll":[{"any":{"ANY_ADDITIONAL_PROPERTY":{}}}]}]})
}

async fn seed_004_policies_are_served_in_its_shape(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let base = format!("/v1/organizations/{}/iam-policies", w.root);

    let (status, page) = w.root(Method::GET, &base, None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let results = page["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "the predefined policies: {page}");
    assert!(page.get("nextPageToken").is_some(), "{page}");
    let first = &results[0];
    for field in ["id", "name", "description", "rolesDependencyCount", "usersDependencyCount", "createdAt", "updatedAt"]
    {
        assert!(first.get(field).is_some(), "{field} in {first}");
    }
    assert_eq!((first["scope"].as_str(), first["type"].as_str()), (Some("organization"), Some("managed")));

    // The documented example holds conditions and metadata: named, refused, nothing made.
    let (status, body) = w.root(Method::POST, &base, Some(seed_create_example())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let locs: Vec<&Value> = body["detail"].as_array().unwrap().iter().map(|p| &p["loc"]).collect();
    assert_eq!(locs, [&json!(["body", "metadata"]), &json!(["body", "definitions", 0, "conditionsAll"])]);
    assert!(body["detail"][1]["msg"].as_str().unwrap().contains("Conditions are not supported yet"));

    let readers = json!({ "name": "Readers", "description": "Reads the tree", "metadata": { "clouds": [] },
        "definitions": [{ "effect": "allow", "resources": ["org"], "actions": ["any"], "conditionsAll": [] }] });
    let (status, created) = w.root(Method::POST, &base, Some(readers)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(
        created["definitions"],
        json!([{ "effect": "allow", "resources": ["org"], "actions": ["any"], "conditionsAll": [] }])
    );
    assert_eq!((created["type"].as_str(), created["rolesDependencyCount"].as_i64()), (Some("custom"), Some(0)));
    let id = created["id"].as_str().unwrap().to_owned();
    // The same policy through Warden's own path: `any` was `*`.
    let (_, own) = w.root(Method::GET, &format!("/v1/orgs/{}/iam/policies/{id}", w.root), None).await;
    assert_eq!(own["statements"][0]["actions"], json!(["*"]));

    let one = format!("{base}/{id}");
    let (status, read) = w.root(Method::GET, &one, None).await;
    assert_eq!((status, &read), (StatusCode::OK, &created));
    let (status, patched) = w.root(Method::PATCH, &one, Some(json!({ "description": "Reads" }))).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!((patched["description"].as_str(), &patched["definitions"]), (Some("Reads"), &created["definitions"]));

    // Pages of seed 004: limit, pageToken, reverse.
    let (status, first_page) = w.root(Method::GET, &format!("{base}?limit=2"), None).await;
    assert_eq!(status, StatusCode::OK);
    let token = first_page["nextPageToken"].as_str().expect("a next page").to_owned();
    let (_, second_page) = w.root(Method::GET, &format!("{base}?limit=2&pageToken={token}"), None).await;
    let names = |page: &Value| -> Vec<String> {
        page["results"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    let mut all = names(&first_page);
    all.extend(names(&second_page));
    assert_eq!(all.len(), 4, "{all:?}");
    assert!(second_page["nextPageToken"].is_null());
    let (_, reversed) = w.root(Method::GET, &format!("{base}?limit=4&reverse=true"), None).await;
    all.reverse();
    assert_eq!(names(&reversed), all);
    let (status, body) = w.root(Method::GET, &format!("{base}?limit=101"), None).await;
    assert_eq!((status, &body["detail"][0]["loc"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!(["query", "limit"])));

    // Seed 004's PATCH example holds conditions: refused by name, the policy unchanged.
    let (status, body) = w.root(Method::PATCH, &one, Some(seed_patch_example())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let at_conditions = json!(["body", "definitions", 0, "conditionsAll"]);
    assert!(body["detail"].as_array().unwrap().iter().any(|p| p["loc"] == at_conditions), "{body}");
    let (_, unchanged) = w.root(Method::GET, &one, None).await;
    assert_eq!(unchanged["definitions"], created["definitions"]);
    // The documentation's example id names no policy here.
    let (status, body) = w.root(Method::GET, &format!("{base}/123e4567-e89b-12d3-a456-426614174000"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

    // Without `limit`, pages of 10 (seed 004's default); reversed, page after page, the whole
    // list backwards.
    for n in 0..8 {
        let extra = json!({ "name": format!("Extra {n}"),
            "definitions": [{ "effect": "allow", "resources": ["org"], "actions": ["read"], "conditionsAll": [] }] });
        let (status, body) = w.root(Method::POST, &base, Some(extra)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, default_page) = w.root(Method::GET, &base, None).await;
    assert_eq!(default_page["results"].as_array().map(Vec::len), Some(10), "{default_page}");
    assert!(default_page["nextPageToken"].is_string(), "{default_page}");
    let (_, everything) = w.root(Method::GET, &format!("{base}?limit=100"), None).await;
    let mut backwards = names(&everything);
    assert_eq!(backwards.len(), 12);
    backwards.reverse();
    let (mut paged, mut token) = (Vec::new(), None::<String>);
    loop {
        let page_path = token.map_or_else(
            || format!("{base}?limit=5&reverse=true"),
            |t| format!("{base}?limit=5&reverse=true&pageToken={t}"),
        );
        let (status, page) = w.root(Method::GET, &page_path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        paged.extend(names(&page));
        token = page["nextPageToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(paged, backwards);

    let (status, _) = w.root(Method::DELETE, &one, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = w.root(Method::GET, &one, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_engines!(seed_004_policies_are_served_in_its_shape);
