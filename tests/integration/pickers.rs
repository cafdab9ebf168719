//! The pickers' suggestions (`/api/pick`): users and organizations by part of a name, email or
//! code, never one the asker may not see (a tenant's admin is offered their own tenant's people
//! and organizations, nothing of another tenant's).

use axum::http::Method;
use serde_json::Value;
use warden::domain::Engine;

use crate::support::{http::Req, tenants::World};

/// The values a picker offers `cookie` for `q`.
async fn offered(w: &World, cookie: &str, kind: &str, q: &str) -> Vec<String> {
    let request = Req::new(Method::POST, "/api/pick")
        .same_origin()
        .cookie(cookie)
        .header("accept", "application/json")
        .form(&[("kind", kind), ("q", q)]);
    let answer = w.app.send(request).await;
    assert!(answer.status.is_success(), "{} {}", answer.status, answer.text());
    let choices: Value = answer.json();
    assert_eq!(choices["q"], q, "the answer names the term it is for");
    choices["items"].as_array().expect("items").iter().map(|item| item["value"].as_str().unwrap().to_owned()).collect()
}

async fn pickers_offer_only_what_the_asker_may_see(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let meadow = w.org("Meadow Tenant", &w.root).await;
    let admin = w.person("pat-admin@harbour.example", &harbour).await;
    let admin_role = w.predefined(&harbour, "admin").await;
    w.give(&harbour, &admin.id, &[&admin_role]).await;
    w.person("pat-colleague@harbour.example", &harbour).await;
    w.person("pat-stranger@meadow.example", &meadow).await;

    let people = offered(&w, &admin.cookie, "User", "pat-").await;
    assert_eq!(people, ["pat-admin@harbour.example", "pat-colleague@harbour.example"], "by email, own tenant only");
    assert_eq!(offered(&w, &admin.cookie, "Organization", "tenant").await, std::slice::from_ref(&harbour));
    assert!(offered(&w, &admin.cookie, "User", "meadow").await.is_empty(), "another tenant's people are not offered");

    let everyone = offered(&w, &w.root_cookie, "User", "pat-").await;
    assert_eq!(everyone.len(), 3, "the root's admin sees every tenant: {everyone:?}");
    let both = offered(&w, &w.root_cookie, "Organization", "tenant").await;
    assert!(both.contains(&harbour) && both.contains(&meadow), "{both:?}");
    assert!(offered(&w, &w.root_cookie, "User", "  ").await.is_empty(), "nothing typed, nothing offered");
}

on_both_engines!(pickers_offer_only_what_the_asker_may_see);
