//! The pickers' suggestions (`/api/pick`): users and organizations by part of a name, email or
//! code, never one the asker may not see (a tenant's admin is offered their own tenant's people
//! and organizations, nothing of another tenant's); an organization's members, roles and new
//! parents within that organization. And the forms that take what a role picker holds (a
//! role's name): the member list's role filter and the assign dialog.

use axum::http::Method;
use serde_json::Value;
use warden::domain::Engine;

use crate::support::{http::Req, tenants::World};

/// The values a picker of `kind` offers `cookie` for `q`.
async fn offered(w: &World, cookie: &str, kind: &str, q: &str) -> Vec<String> {
    offered_in(w, cookie, kind, "", q).await.expect("an answer")
}

/// The values a picker of `kind` within the organization `scope` offers `cookie` for `q`, or
/// the status of a refusal.
async fn offered_in(w: &World, cookie: &str, kind: &str, scope: &str, q: &str) -> Result<Vec<String>, u16> {
    let request = Req::new(Method::POST, "/api/pick")
        .same_origin()
        .cookie(cookie)
        .header("accept", "application/json")
        .form(&[("kind", kind), ("scope", scope), ("q", q)]);
    let answer = w.app.send(request).await;
    if !answer.status.is_success() {
        return Err(answer.status.as_u16());
    }
    let choices: Value = answer.json();
    assert_eq!(choices["q"], q, "the answer names the term it is for");
    Ok(choices["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["value"].as_str().unwrap().to_owned())
        .collect())
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

    // Permissions from the schema, by key or by how they read, to anyone signed in.
    assert_eq!(offered(&w, &admin.cookie, "Permission", "member:ass").await, ["member:assign"]);
    let by_label = offered(&w, &admin.cookie, "Permission", "ASSIGN").await;
    assert!(by_label.contains(&"member:assign".to_owned()), "{by_label:?}");
}

on_both_engines!(pickers_offer_only_what_the_asker_may_see);

async fn pickers_within_an_organization_offer_its_members_roles_and_new_parents(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let meadow = w.org("Meadow Tenant", &w.root).await;
    let docks = w.org("Harbour Docks", &harbour).await;
    let piers = w.org("Harbour Piers", &docks).await;
    let admin = w.person("pat-admin@harbour.example", &harbour).await;
    let admin_role = w.predefined(&harbour, "admin").await;
    w.give(&harbour, &admin.id, &[&admin_role]).await;
    w.person("pat-colleague@harbour.example", &harbour).await;
    w.person("pat-stranger@meadow.example", &meadow).await;
    w.allow_role(&harbour, "Dock auditor", &["audit:read"]).await;
    w.allow_role(&meadow, "Meadow auditor", &["audit:read"]).await;

    let members = offered_in(&w, &admin.cookie, "Member", &harbour, "pat-").await.expect("members");
    assert_eq!(members, ["pat-admin@harbour.example", "pat-colleague@harbour.example"], "this organization's members");
    assert_eq!(offered_in(&w, &admin.cookie, "Role", &harbour, "audit").await, Ok(vec!["Dock auditor".to_owned()]));
    // Another tenant's members and roles: refused as if it did not exist.
    assert_eq!(offered_in(&w, &admin.cookie, "Member", &meadow, "pat-").await, Err(404));
    assert_eq!(offered_in(&w, &admin.cookie, "Role", &meadow, "audit").await, Err(404));
    // A new parent for Docks: never Docks itself, what is below it, or where it already is.
    let parents = offered_in(&w, &w.root_cookie, "NewParent", &docks, "harbour").await.expect("new parents");
    assert!(parents.is_empty(), "Harbour is Docks' parent, Piers below it, Docks itself: {parents:?}");
    let parents = offered_in(&w, &w.root_cookie, "NewParent", &piers, "harbour").await.expect("new parents");
    assert_eq!(parents, std::slice::from_ref(&harbour), "Piers may go up to Harbour, and is already under Docks");
    assert_eq!(offered_in(&w, &admin.cookie, "NewParent", &docks, "meadow").await, Ok(Vec::new()), "another tenant");
}

on_both_engines!(pickers_within_an_organization_offer_its_members_roles_and_new_parents);

/// Posts a server function's form as a page without JavaScript would read it (JSON back).
async fn call(w: &World, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let request =
        Req::new(Method::POST, path).same_origin().cookie(cookie).header("accept", "application/json").form(form);
    let answer = w.app.send(request).await;
    (answer.status.as_u16(), serde_json::from_slice(&answer.body).unwrap_or(Value::Null))
}

/// The member list of `org` filtered by `role`, as the page asks for it.
async fn list(w: &World, org: &str, role: &str) -> (u16, Value) {
    let form = [("org_id", org), ("q", ""), ("role_id", role), ("sort", ""), ("cursor", "")];
    call(w, &w.root_cookie, "/api/list-members", &form).await
}

async fn forms_take_a_role_by_the_name_a_role_picker_holds(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let ann = w.person("ann@harbour.example", &harbour).await;
    let ben = w.person("ben@harbour.example", &harbour).await.id;
    let auditor = w.allow_role(&harbour, "Dock auditor", &["audit:read"]).await;
    w.give(&harbour, &ann.id, &[&auditor]).await;

    // The member list filtered by the role's name (any case), as by its id.
    let (status, page) = list(&w, &harbour, "dock AUDITOR").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1, "only Ann holds it: {page}");
    assert_eq!(page["role_problem"], Value::Null);
    // An id is an id, even when another role is named like it.
    w.allow_role(&harbour, &auditor, &["org:read"]).await;
    let (_, page) = list(&w, &harbour, &auditor).await;
    assert_eq!(page["total"], 1, "the role with that id, not the one with that name: {page}");
    let (_, page) = list(&w, &harbour, "Dock aud").await;
    assert_eq!(page["total"], 0);
    assert_eq!(page["role_problem"], "No role here is called \u{201c}Dock aud\u{201d}", "{page}");

    // The assign dialog adds the role picked by name, beside the ticked ones.
    let form = [("org_id", harbour.as_str()), ("user_id", ben.as_str()), ("add_role", "Dock auditor"), ("back", "")];
    let (status, body) = call(&w, &w.root_cookie, "/api/set-member-roles", &form).await;
    assert!(status < 400, "{status} {body}");
    let (_, page) = list(&w, &harbour, "Dock auditor").await;
    assert_eq!(page["total"], 2, "Ben holds it now: {page}");
    let form = [("org_id", harbour.as_str()), ("user_id", ben.as_str()), ("add_role", "Nobody's role"), ("back", "")];
    let (status, body) = call(&w, &w.root_cookie, "/api/set-member-roles", &form).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "add_role", "the error names the picker's field: {body}");
}

on_both_engines!(forms_take_a_role_by_the_name_a_role_picker_holds);
