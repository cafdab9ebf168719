//! The pickers' suggestions (`/api/pick`): users and organizations by part of a name, email or
//! code, never one the asker may not see (a tenant's admin is offered their own tenant's people
//! and organizations, nothing of another tenant's); an organization's members, roles and new
//! parents within that organization. And the forms that take what a role picker holds (a
//! role's name): the member list's role filter, the assign dialog and the SSO page (which lists
//! only the roles sign-ins can give, and names another through a picker).

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
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
    // Part of a name: the error offers the names it could have meant (what links would, without
    // JavaScript, in a form that cannot hold links).
    let form = [("org_id", harbour.as_str()), ("user_id", ben.as_str()), ("add_role", "dock aud"), ("back", "")];
    let (status, body) = call(&w, &w.root_cookie, "/api/set-member-roles", &form).await;
    assert_eq!(status, 404, "{body}");
    let message = body["fields"][0]["msg"].as_str().unwrap_or_default();
    assert!(message.ends_with("Did you mean \u{201c}Dock auditor\u{201d}?"), "{body}");
}

on_both_engines!(forms_take_a_role_by_the_name_a_role_picker_holds);

async fn the_role_filter_is_answered_only_to_those_who_may_read_the_members(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let viewer = w.allow_role(&harbour, "Dock viewer", &["org:read", "role:read"]).await;
    // Ann sees Harbour and its roles, but may not read its members.
    let ann = w.person("ann@harbour.example", &harbour).await;
    w.give(&harbour, &ann.id, &[&viewer]).await;
    for role in ["Dock viewer", "Nobody's role"] {
        let form = [("org_id", harbour.as_str()), ("q", ""), ("role_id", role), ("sort", ""), ("cursor", "")];
        let (status, body) = call(&w, &ann.cookie, "/api/list-members", &form).await;
        assert_eq!(status, 403, "refused before the role is looked up ({role}): {body}");
        assert_eq!(body["fields"], Value::Array(Vec::new()), "no word about the role: {body}");
    }
    // Bea may read the members but not the roles: she filters by the name of a role they hold.
    let reader = w.allow_role(&harbour, "Member reader", &["org:read", "member:read"]).await;
    let bea = w.person("bea@harbour.example", &harbour).await;
    w.give(&harbour, &bea.id, &[&reader]).await;
    let form = [("org_id", harbour.as_str()), ("q", ""), ("role_id", "dock VIEWER"), ("sort", ""), ("cursor", "")];
    let (status, page) = call(&w, &bea.cookie, "/api/list-members", &form).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["total"], 1, "Ann: {page}");
}

on_both_engines!(the_role_filter_is_answered_only_to_those_who_may_read_the_members);

async fn a_bulk_change_covers_the_members_its_confirmation_counted(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let ann = w.person("ann@harbour.example", &harbour).await;
    let ben = w.person("ben@harbour.example", &harbour).await;
    let auditor = w.allow_role(&harbour, "Dock auditor", &["audit:read"]).await;
    let reader = w.allow_role(&harbour, "Reader", &["org:read"]).await;
    w.give(&harbour, &ann.id, &[&auditor]).await;

    // The confirmation counts the members holding "Dock auditor", and says which role that is.
    let form = [
        ("org_id", harbour.as_str()),
        ("role_id", "Reader"),
        ("ids", ""),
        ("all", "true"),
        ("q", ""),
        ("role", "Dock auditor"),
    ];
    let (status, preview) = call(&w, &w.root_cookie, "/api/preview-bulk-member-roles", &form).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["selected"], 1, "{preview}");
    assert_eq!(preview["filter_role_id"], auditor.as_str(), "{preview}");

    // Meanwhile another role takes the name: the change still covers the members counted.
    let (status, renamed) = w
        .root(
            Method::PATCH,
            &format!("/v1/orgs/{harbour}/iam/roles/{auditor}"),
            Some(serde_json::json!({"name": "Old auditor"})),
        )
        .await;
    assert!(status.is_success(), "{renamed}");
    let readers = w.policy(&harbour, "Org readers", serde_json::json!({ "permissions": ["org:read"] })).await;
    w.role(&harbour, "Dock auditor", &[&readers]).await;
    let form = [
        ("org_id", harbour.as_str()),
        ("change", "add"),
        ("role_id", reader.as_str()),
        ("ids", ""),
        ("all", "1"),
        ("q", ""),
        ("role", "Dock auditor"),
        ("role_filter_id", preview["filter_role_id"].as_str().unwrap()),
    ];
    // Without the filter's resolved id, "every match" of a filtered list is refused, not
    // widened to every member.
    let mut unresolved = form;
    unresolved[7].1 = "";
    let (status, body) = call(&w, &w.root_cookie, "/api/bulk-member-roles", &unresolved).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = call(&w, &w.root_cookie, "/api/bulk-member-roles", &form).await;
    assert!(status < 400, "{status} {body}");
    let (_, members) = w.root(Method::GET, &format!("/v1/orgs/{harbour}/iam/members?role_id={reader}"), None).await;
    let holders: Vec<&str> =
        members["members"].as_array().unwrap().iter().map(|m| m["user_id"].as_str().unwrap()).collect();
    assert_eq!(holders, [ann.id.as_str()], "Ann, counted by the confirmation, and not Ben ({}): {members}", ben.id);
}

on_both_engines!(a_bulk_change_covers_the_members_its_confirmation_counted);

async fn a_group_takes_roles_by_the_names_its_role_picker_holds(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let auditor = w.allow_role(&harbour, "Dock auditor", &["audit:read"]).await;
    let reader = w.allow_role(&harbour, "Dock reader", &["org:read"]).await;
    let new_group = |extra: &[(&'static str, &'static str)]| {
        let mut form =
            vec![("group_id", ""), ("version", ""), ("name", "Night shift"), ("description", ""), ("add_emails", "")];
        form.extend_from_slice(extra);
        form
    };

    // A role no one may read here is answered under the picker's field, nothing saved.
    let mut form: Vec<(&str, &str)> = new_group(&[("add_role", "Nobody's role")]);
    form.push(("org_id", harbour.as_str()));
    let (status, body) = call(&w, &w.root_cookie, "/api/save-user-group", &form).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "add_role", "{body}");

    // Chosen ones (by name, any case) and a typed one (by id) are held, each once.
    let mut form: Vec<(&str, &str)> = new_group(&[("add_roles[]", "dock auditor"), ("add_roles[]", "Dock auditor")]);
    form.extend([("org_id", harbour.as_str()), ("add_role", reader.as_str())]);
    let (status, body) = call(&w, &w.root_cookie, "/api/save-user-group", &form).await;
    assert!(status < 400, "{status} {body}");
    let (_, groups) = w.root(Method::GET, &format!("/v1/orgs/{harbour}/iam/groups"), None).await;
    let held = &groups["groups"][0]["role_ids"];
    assert_eq!(held, &serde_json::json!([auditor, reader]), "{groups}");

    // The page names the roles a group holds, in the list and in the editor.
    let group_id = groups["groups"][0]["group_id"].as_str().unwrap().to_owned();
    let form = [("org_id", harbour.as_str()), ("edit", group_id.as_str()), ("cursor", "")];
    let (status, page) = call(&w, &w.root_cookie, "/api/user-groups", &form).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["groups"][0]["role_names"], serde_json::json!(["Dock auditor", "Dock reader"]), "{page}");
    let names: Vec<&str> =
        page["editing"]["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Dock auditor", "Dock reader"], "{page}");
}

on_both_engines!(a_group_takes_roles_by_the_names_its_role_picker_holds);

async fn a_role_takes_policies_by_the_names_its_policy_picker_holds(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let meadow = w.org("Meadow Tenant", &w.root).await;
    let audit = w.policy(&harbour, "Audit readers", serde_json::json!({ "permissions": ["audit:read"] })).await;
    let orgs = w.policy(&harbour, "Org readers", serde_json::json!({ "permissions": ["org:read"] })).await;
    w.policy(&meadow, "Meadow readers", serde_json::json!({ "permissions": ["org:read"] })).await;
    let admin = w.person("pat-admin@harbour.example", &harbour).await;
    let admin_role = w.predefined(&harbour, "admin").await;
    w.give(&harbour, &admin.id, &[&admin_role]).await;

    // The policy picker offers this organization's policies only.
    assert_eq!(
        offered_in(&w, &admin.cookie, "Policy", &harbour, "readers").await,
        Ok(vec!["Audit readers".to_owned(), "Org readers".to_owned()])
    );
    assert_eq!(offered_in(&w, &admin.cookie, "Policy", &meadow, "readers").await, Err(404), "another tenant's");

    // Chosen, a policy comes with its statements for the matrix; one of another tenant's is
    // no policy here.
    let form = [("org_id", harbour.as_str()), ("id_or_name", "audit READERS")];
    let (status, found) = call(&w, &admin.cookie, "/api/composer-policy", &form).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["id"], audit.as_str());
    assert!(!found["statements"].as_array().unwrap().is_empty(), "{found}");
    let form = [("org_id", harbour.as_str()), ("id_or_name", "Meadow readers")];
    let (status, body) = call(&w, &admin.cookie, "/api/composer-policy", &form).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "add_policy", "{body}");

    // Saved with one ticked and one typed by name, the role holds both.
    let form = [
        ("org_id", harbour.as_str()),
        ("role_id", ""),
        ("version", ""),
        ("name", "Night auditor"),
        ("description", ""),
        ("policy_ids[]", audit.as_str()),
        ("add_policy", "org readers"),
        ("sso_groups", ""),
    ];
    let (status, body) = call(&w, &admin.cookie, "/api/save-role", &form).await;
    assert!(status < 400, "{status} {body}");
    let (_, roles) = w.root(Method::GET, &format!("/v1/orgs/{harbour}/iam/roles?q=Night"), None).await;
    let role = roles["roles"].as_array().unwrap().iter().find(|r| r["name"] == "Night auditor").expect("saved").clone();
    let mut held: Vec<String> =
        role["policy_ids"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
    held.sort();
    let mut expected = vec![audit.clone(), orgs.clone()];
    expected.sort();
    assert_eq!(held, expected, "{role}");

    // The composer shows the role's policies, not every policy of the organization.
    let role_id = role["role_id"].as_str().unwrap();
    let form = [("org_id", harbour.as_str()), ("role_id", role_id)];
    let (status, data) = call(&w, &admin.cookie, "/api/role-composer", &form).await;
    assert_eq!(status, 200, "{data}");
    assert_eq!(data["policies"].as_array().unwrap().len(), 2, "{data}");
    let new = [("org_id", harbour.as_str())];
    let (_, data) = call(&w, &admin.cookie, "/api/role-composer", &new).await;
    assert_eq!(data["policies"], Value::Array(Vec::new()), "a new role starts with none: {data}");
}

on_both_engines!(a_role_takes_policies_by_the_names_its_policy_picker_holds);

async fn a_token_is_restricted_to_an_organization_picked_or_typed(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let form = |org: &'static str| {
        [
            ("name", "Picked"),
            ("expiry", "30"),
            ("expires_on", ""),
            ("permissions", "org:read, member:read"),
            ("org_id", org),
        ]
    };
    let (status, body) = call(&w, &w.root_cookie, "/api/create-token", &form("no-such-organization")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "org_id", "{body}");
    let mut ok = form("");
    ok[4].1 = harbour.as_str();
    let (status, body) = call(&w, &w.root_cookie, "/api/create-token", &ok).await;
    assert!(status < 400, "{status} {body}");
    let (_, tokens) = w.root(Method::GET, "/v1/tokens", None).await;
    let restriction = &tokens["data"][0]["restriction"];
    assert_eq!(restriction["org_id"], harbour.as_str(), "{tokens}");
    assert_eq!(restriction["permissions"], serde_json::json!(["org:read", "member:read"]), "comma-separated: {tokens}");
}

on_both_engines!(a_token_is_restricted_to_an_organization_picked_or_typed);

async fn the_roles_page_pages_through_every_role_and_searches_them(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let policy = w.policy(&harbour, "Readers", serde_json::json!({ "permissions": ["org:read"] })).await;
    for n in 0..60 {
        w.role(&harbour, &format!("Shift {n:02}"), &[&policy]).await;
    }
    let page = |q: &'static str, cursor: String| {
        let harbour = harbour.clone();
        let w = &w;
        async move {
            let form = [("org_id", harbour.as_str()), ("q", q), ("cursor", cursor.as_str())];
            let (status, page) = call(w, &w.root_cookie, "/api/list-roles", &form).await;
            assert_eq!(status, 200, "{page}");
            page
        }
    };
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let answer = page("shift", cursor).await;
        assert_eq!(answer["total"], 60, "{answer}");
        seen.extend(answer["roles"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_owned()));
        match answer["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let expected: Vec<String> = (0..60).map(|n| format!("Shift {n:02}")).collect();
    assert_eq!(seen, expected, "every matching role once, in order, over two pages");
    let everything = page("", String::new()).await;
    assert!(everything["total"].as_i64().unwrap() > 60, "the predefined roles too: {everything}");
}

on_both_engines!(the_roles_page_pages_through_every_role_and_searches_them);

async fn a_token_creator_typed_as_nobody_is_said_above_an_empty_list(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    w.person("pat-admin@harbour.example", &harbour).await;
    let form = |creator: &'static str| {
        [
            ("org_id", harbour.clone()),
            ("creator", creator.to_owned()),
            ("status", String::new()),
            ("dormant_days", String::new()),
            ("cursor", String::new()),
        ]
    };
    let ask = |form: [(&'static str, String); 5], cookie: String| {
        let w = &w;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(w, &cookie, "/api/member-tokens", &form).await
        }
    };
    let (status, page) = ask(form("pat-adm"), w.root_cookie.clone()).await;
    assert_eq!(status, 200, "a list, not a failed page: {page}");
    assert_eq!(page["tokens"], Value::Array(Vec::new()));
    let problem = page["creator_problem"].as_str().unwrap_or_default();
    assert!(problem.starts_with("No member you can see has the email"), "{page}");
    assert!(problem.contains("Did you mean \u{201c}pat-admin@harbour.example"), "the member it could mean: {page}");
    // Someone who may not read the tokens is refused first, whatever the creator.
    let viewer = w.allow_role(&harbour, "Viewer", &["org:read"]).await;
    let vic = w.person("vic@harbour.example", &harbour).await;
    w.give(&harbour, &vic.id, &[&viewer]).await;
    let (status, body) = ask(form("pat-adm"), vic.cookie.clone()).await;
    assert_eq!(status, 403, "{body}");
}

on_both_engines!(a_token_creator_typed_as_nobody_is_said_above_an_empty_list);

/// The names of the roles the SSO setup page lists, with whether each is default and its groups.
async fn sso_page_roles(w: &World, org: &str) -> Vec<(String, bool, Vec<String>)> {
    let (status, page) = call(w, &w.root_cookie, "/api/sso-setup", &[("org_id", org)]).await;
    assert_eq!(status, 200, "{page}");
    serde_json::from_value(page["roles"].clone()).map_or_else(
        |e| panic!("roles: {e}: {page}"),
        |rows: Vec<Value>| {
            rows.iter()
                .map(|row| {
                    let groups = row["groups"].as_array().expect("groups").iter();
                    let groups = groups.map(|g| g.as_str().unwrap().to_owned()).collect();
                    (row["name"].as_str().unwrap().to_owned(), row["is_default"] == true, groups)
                })
                .collect()
        },
    )
}

async fn the_sso_page_lists_the_roles_sign_ins_can_give_and_names_another_by_picker(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    w.allow_role(&harbour, "Crew", &["org:read"]).await;
    w.allow_role(&harbour, "Dock auditor", &["audit:read"]).await;

    // Listed: the default roles and those groups map to; not the many no group maps to.
    let listed = sso_page_roles(&w, &harbour).await;
    assert!(listed.iter().all(|(_, default, groups)| *default || !groups.is_empty()), "{listed:?}");
    assert!(!listed.iter().any(|(name, ..)| name == "Crew" || name == "Dock auditor"), "{listed:?}");

    // "Another role": chosen by name (any case), it gets its groups and is listed from then on.
    let form = [("org_id", harbour.as_str()), ("role_id", "crew"), ("groups", "deckhands, riggers")];
    let (status, body) = call(&w, &w.root_cookie, "/api/save-role-groups", &form).await;
    assert!(status < 400, "{status} {body}");
    let listed = sso_page_roles(&w, &harbour).await;
    let crew = listed.iter().find(|(name, ..)| name == "Crew");
    assert_eq!(crew.map(|(_, _, groups)| groups.clone()), Some(vec!["deckhands".to_owned(), "riggers".to_owned()]));
    // A name that is no role is the picker's field error, with what it could mean.
    let form = [("org_id", harbour.as_str()), ("role_id", "dock aud"), ("groups", "auditors")];
    let (status, body) = call(&w, &w.root_cookie, "/api/save-role-groups", &form).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "role_id", "{body}");
    let message = body["fields"][0]["msg"].as_str().unwrap_or_default();
    assert!(message.ends_with("Did you mean \u{201c}Dock auditor\u{201d}?"), "{body}");

    // The test bench tries groups on a role that is not listed, named in its picker.
    let form = [
        ("org_id", harbour.as_str()),
        ("groups", "auditors"),
        ("claims", ""),
        ("user", ""),
        ("draft_role_ids[]", "Dock auditor"),
        ("draft_groups[]", "auditors"),
    ];
    let (status, bench) = call(&w, &w.root_cookie, "/api/preview-sso", &form).await;
    assert_eq!(status, 200, "{bench}");
    let derived = |outcome: &Value| outcome["derived"].to_string();
    assert!(!derived(&bench["saved"]).contains("Dock auditor"), "not with the saved mapping: {bench}");
    assert!(derived(&bench["draft"]).contains("Dock auditor"), "with the groups tried: {bench}");
}

on_both_engines!(the_sso_page_lists_the_roles_sign_ins_can_give_and_names_another_by_picker);

async fn a_new_user_joins_an_organization_picked_anywhere_in_the_tree(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let docks = w.org("Dock Seven", &harbour).await;
    let form = |email: &'static str, org: &str| {
        [
            ("email", email.to_owned()),
            ("first_name", String::new()),
            ("last_name", String::new()),
            ("password", String::new()),
            ("organization_id", org.to_owned()),
        ]
    };
    let post = |form: [(&'static str, String); 5], cookie: String| {
        let w = &w;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(w, &cookie, "/api/create-user", &form).await
        }
    };
    // An organization below the caller's own, as the picker fills it in (its id).
    let (status, body) = post(form("deck@harbour.example", &docks), w.root_cookie.clone()).await;
    assert!(status < 400, "{status} {body}");
    let (_, members) = w.root(Method::GET, &format!("/v1/orgs/{docks}/iam/members?q=deck"), None).await;
    assert_eq!(members["total"], 1, "Dock Seven's member now: {members}");
    // Part of a name, as typed without JavaScript: refused under the field, with what it could mean.
    let (status, body) = post(form("hull@harbour.example", "dock sev"), w.root_cookie.clone()).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "organization_id", "the error names the picker's field: {body}");
    let message = body["fields"][0]["msg"].as_str().unwrap_or_default();
    assert!(message.contains("Did you mean \u{201c}Dock Seven\u{201d}"), "{body}");
    // One the caller may see but not add users to is refused under the field the same way.
    let viewer = w.allow_role(&harbour, "Viewer", &["org:read", "member:read"]).await;
    let vic = w.person("vic@harbour.example", &harbour).await;
    w.give(&harbour, &vic.id, &[&viewer]).await;
    let (status, body) = post(form("keel@harbour.example", &docks), vic.cookie.clone()).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["fields"][0]["loc"][1], "organization_id", "{body}");
    // The form's picker offers only organizations the caller may add users to: Vic sees Dock
    // Seven, but it is neither offered nor suggested to her for a new user.
    let sees = offered_in(&w, &vic.cookie, "Organization", "", "dock").await;
    assert_eq!(sees, Ok(vec![docks.clone()]), "any organization Vic may see");
    let joinable = offered_in(&w, &vic.cookie, "Organization", "member:assign", "dock").await;
    assert_eq!(joinable, Ok(vec![]), "none Vic may add users to");
    assert_eq!(offered_in(&w, &w.root_cookie, "Organization", "member:assign", "dock").await, Ok(vec![docks.clone()]));
    let (_, body) = post(form("keel@harbour.example", "dock sev"), vic.cookie.clone()).await;
    let message = body["fields"][0]["msg"].as_str().unwrap_or_default();
    assert!(!message.contains("Dock Seven"), "not suggested either: {body}");
    // An organization closed to Harbour, where Vic may add users but not read it: she sees it
    // only through its parent, which is enough to add a user there, so the picker offers it.
    let berth = w.org("Berth Nine", &harbour).await;
    let assigner = w.allow_role(&berth, "Assigner", &["member:assign"]).await;
    w.give(&berth, &vic.id, &[&assigner]).await;
    let (status, answer) =
        w.root(Method::PATCH, &format!("/v1/orgs/{berth}"), Some(json!({ "parent_has_access": false }))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let offered = offered_in(&w, &vic.cookie, "Organization", "member:assign", "berth").await;
    assert_eq!(offered, Ok(vec![berth.clone()]), "offered where Vic may add users");
    let (status, body) = post(form("bosun@harbour.example", &berth), vic.cookie.clone()).await;
    assert!(status < 400, "and the form takes it: {status} {body}");
}

on_both_engines!(a_new_user_joins_an_organization_picked_anywhere_in_the_tree);

/// The `href` of the first link marked `data-testid="pick-link"` in `html`, as a path.
fn first_offer(html: &str) -> Option<String> {
    let at = html.find("data-testid=\"pick-link\"")?;
    let opening = html[..at].rfind("<a ")?;
    let href = html[opening..at].split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

/// Without JavaScript, a picker's term that names nothing comes back with what it could have
/// meant as links: following one fills the field with that choice, keeps everything else that
/// was typed, and the field's error is gone.
async fn without_javascript_a_failed_pick_offers_its_choices_as_links(engine: Engine) {
    use crate::support::PUBLIC_ORIGIN;
    let Some(w) = World::start(engine).await else { return };
    let harbour = w.org("Harbour Tenant", &w.root).await;
    let docks = w.org("Dock Seven", &harbour).await;
    let form = [
        ("email", "hull@harbour.example"),
        ("first_name", "Hull"),
        ("last_name", ""),
        ("password", ""),
        ("organization_id", "dock sev"),
    ];
    let posted = w
        .app
        .send(
            Req::new(Method::POST, "/api/create-user")
                .same_origin()
                .cookie(&w.root_cookie)
                .header("accept", "text/html,application/xhtml+xml")
                .header("referer", &format!("{PUBLIC_ORIGIN}/users?new=1"))
                .form(&form),
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.text());
    let back = posted.header("location").expect("back to the form").trim_start_matches(PUBLIC_ORIGIN).to_owned();
    let page = w.app.send(Req::page(&back).cookie(&w.root_cookie)).await.text();
    assert!(page.contains("data-testid=\"pick-links-organization\""), "{page}");
    let offer = first_offer(&page).expect("an offer, as a link");
    assert!(offer.contains(&format!("__typed.organization_id={docks}")), "{offer}");

    let page = w.app.send(Req::page(&offer).cookie(&w.root_cookie)).await.text();
    assert!(page.contains(&format!("value=\"{docks}\"")), "the field holds the choice: {page}");
    assert!(page.contains("value=\"hull@harbour.example\"") && page.contains("value=\"Hull\""), "the rest is kept");
    assert!(!page.contains("No organization you may") && first_offer(&page).is_none(), "and its error is gone: {page}");
}

on_both_engines!(without_javascript_a_failed_pick_offers_its_choices_as_links);
