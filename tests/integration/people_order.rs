//! The user and member lists order by name, email, account age or joining, and last sign-in,
//! either way (`sort=name`, `sort=-last_sign_in`), and page through that order forward with
//! `next_cursor` and back with `previous_cursor`: with and without a search term (a search
//! takes another path through the storage), on both engines.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{USER_PASSWORD, tenants::World};

/// Names and email prefixes in different orders, created in this order.
const PEOPLE: [(&str, &str); 7] =
    [("Gail", "p4"), ("Ann", "p6"), ("Fred", "p1"), ("Bob", "p5"), ("Eve", "p0"), ("Carl", "p3"), ("Dan", "p2")];
/// Who signs in, in this order (indexes into [`PEOPLE`]); the others never do.
const SIGN_INS: [usize; 3] = [3, 1, 5];

/// Every page of `list` (which already has a `?`), forward with `limit` 3 and then back from
/// the last page; the first names of each person listed, checked to be the same both ways.
async fn names_in_order(w: &World, list: &str, items: &str) -> Vec<String> {
    let page = |cursor: Option<String>| async move {
        let path = match &cursor {
            Some(cursor) => format!("{list}&limit=3&cursor={cursor}"),
            None => format!("{list}&limit=3"),
        };
        let (status, page) = w.root(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        page
    };
    let names = |page: &Value| -> Vec<String> {
        // Only the people made here (an organization may hold others too, such as its creator).
        let items = page[items].as_array().expect("items");
        items
            .iter()
            .filter_map(|p| p["full_name"].as_str().filter(|n| n.ends_with(" Order")).map(str::to_owned))
            .collect()
    };
    let mut forward = Vec::new();
    let mut current = page(None).await;
    assert_eq!(current["previous_cursor"], Value::Null, "{list}: the first page has nothing before it");
    loop {
        forward.push(names(&current));
        match current["next_cursor"].as_str() {
            Some(next) => current = page(Some(next.to_owned())).await,
            None => break,
        }
    }
    let mut backward = vec![names(&current)];
    while let Some(previous) = current["previous_cursor"].as_str() {
        current = page(Some(previous.to_owned())).await;
        backward.push(names(&current));
    }
    backward.reverse();
    assert_eq!(backward, forward, "{list}: back through the pages shows the same pages");
    assert!(forward.len() >= 3, "{list}: several pages");
    forward.concat()
}

async fn lists_order_by_each_column_both_ways_and_page_back(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let org = w.org("Ordered", &w.root).await;
    for (first, email) in PEOPLE {
        let body = json!({ "email": format!("{email}@order.example"), "first_name": first, "last_name": "Order",
                           "organization_id": org, "password": USER_PASSWORD });
        let (status, user) = w.root(Method::POST, "/v1/users", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
    }
    for index in SIGN_INS {
        w.app.user_cookie(&format!("{}@order.example", PEOPLE[index].1)).await;
    }
    let full = |first: &str| format!("{first} Order");
    let by_name: Vec<String> = ["Ann", "Bob", "Carl", "Dan", "Eve", "Fred", "Gail"].map(full).to_vec();
    let by_email: Vec<String> = ["Eve", "Fred", "Dan", "Carl", "Gail", "Bob", "Ann"].map(full).to_vec();
    let by_age: Vec<String> = PEOPLE.map(|(first, _)| full(first)).to_vec();
    let latest_sign_ins: Vec<String> = SIGN_INS.iter().rev().map(|i| full(PEOPLE[*i].0)).collect();
    let reversed = |names: &[String]| names.iter().rev().cloned().collect::<Vec<_>>();

    for search in ["", "&q=order.example"] {
        let members = format!("/v1/orgs/{org}/iam/members?{search}");
        let users = format!("/v1/users?organization_id={org}{search}");
        for (list, items, age) in [(&members, "members", "joined"), (&users, "users", "created")] {
            let ordered = |sort: &str| {
                let list = format!("{list}&sort={sort}");
                let w = &w;
                async move { names_in_order(w, &list, items).await }
            };
            assert_eq!(names_in_order(&w, list, items).await, by_email, "{list}: by email without a sort");
            assert_eq!(ordered("name").await, by_name, "{list}");
            assert_eq!(ordered("-name").await, reversed(&by_name), "{list}");
            assert_eq!(ordered("-email").await, reversed(&by_email), "{list}");
            assert_eq!(ordered(age).await, by_age, "{list}: by {age}");
            assert_eq!(ordered(&format!("-{age}")).await, reversed(&by_age), "{list}: by {age}, newest first");
            let latest = ordered("-last_sign_in").await;
            assert_eq!(latest[..3], latest_sign_ins[..], "{list}: the latest sign-in first, then who never signed in");
            let earliest = ordered("last_sign_in").await;
            assert_eq!(earliest[4..], reversed(&latest_sign_ins)[..], "{list}: who never signed in first");
        }
    }

    for (path, wrong) in [
        (format!("/v1/orgs/{org}/iam/members?sort=created"), "created"),
        ("/v1/users?sort=joined".to_owned(), "joined"),
        ("/v1/users?sort=--name".to_owned(), "--name"),
    ] {
        let (status, body) = w.root(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}: {body}");
        assert_eq!(body["detail"][0]["loc"], json!(["query", "sort"]), "{body}");
    }
}

on_both_engines!(lists_order_by_each_column_both_ways_and_page_back);
