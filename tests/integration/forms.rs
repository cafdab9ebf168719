//! Every mutating server function posted as a browser without JavaScript posts a form: plain
//! `application/x-www-form-urlencoded`, no `Accept: application/json`, a `Referer`. Each answers
//! with a redirect (to its result, or back to the page) and makes its change; a refused one goes
//! back to the page with the error in `__err`.

use axum::http::{Method, StatusCode};
use serde_json::json;
use warden::domain::Engine;

use crate::support::{
    PUBLIC_ORIGIN, USER_PASSWORD,
    http::{Req, Response},
    tenants::World,
};

/// A form posted from `page` (a path) by the root's admin.
async fn post(w: &World, cookie: &str, page: &str, endpoint: &str, fields: &[(&str, &str)]) -> Response {
    w.app
        .send(
            Req::new(Method::POST, &format!("/api/{endpoint}"))
                .same_origin()
                .cookie(cookie)
                .header("accept", "text/html,application/xhtml+xml")
                .header("referer", &format!("{PUBLIC_ORIGIN}{page}"))
                .form(fields),
        )
        .await
}

/// The redirect's target, as a path.
fn redirected(response: &Response) -> String {
    assert_eq!(response.status, StatusCode::FOUND, "{}", response.text());
    let location = response.header("location").expect("a redirect");
    // Back to the page, the framework's error parameter cleared: a bare `?` may remain.
    location.trim_start_matches(PUBLIC_ORIGIN).trim_end_matches('?').to_owned()
}

async fn every_change_works_as_a_plain_form_post(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let c = w.root_cookie.clone();
    let root = w.root.clone();
    let org_page = format!("/orgs/{root}");

    // Organizations: create a child, change it, move it, delete it.
    let r = post(
        &w,
        &c,
        &org_page,
        "create-child-org",
        &[
            ("parent_id", &root),
            ("name", "Forms child"),
            ("code", "forms-child"),
            ("contact_email", "ops@example.com"),
            ("can_have_child_organizations", "on"),
            ("parent_has_access", "on"),
            ("parent_has_access_to_descendants", "on"),
            ("first_admin_email", ""),
        ],
    )
    .await;
    let (_, child) = w.root(Method::GET, "/v1/orgs/forms-child", None).await;
    let child_id = child["id"].as_str().expect("created").to_owned();
    assert_eq!(redirected(&r), format!("/orgs/{child_id}"));
    let child_page = format!("/orgs/{child_id}");
    let version = child["version"].as_i64().expect("version").to_string();
    let r = post(
        &w,
        &c,
        &child_page,
        "update-org",
        &[
            ("org_id", &child_id),
            ("version", &version),
            ("name", "Forms child renamed"),
            ("code", "forms-child"),
            ("contact_email", "ops@example.com"),
            ("updates_email", ""),
            ("logo_url", ""),
            ("can_have_child_organizations", "on"),
            ("parent_has_access", "on"),
            ("parent_has_access_to_descendants", "on"),
        ],
    )
    .await;
    assert_eq!(redirected(&r), child_page, "back to the page");
    assert_eq!(w.root(Method::GET, &format!("/v1/orgs/{child_id}"), None).await.1["name"], "Forms child renamed");
    let target = w.org("Forms target", &root).await;
    let r = post(&w, &c, &child_page, "move-org", &[("org_id", &child_id), ("new_parent_id", &target)]).await;
    assert_eq!(redirected(&r), child_page);
    assert_eq!(
        w.root(Method::GET, &format!("/v1/orgs/{child_id}"), None).await.1["parent_organization_id"],
        target.as_str()
    );
    // A wrong typed name goes back with the error; the right one deletes.
    let r = post(&w, &c, &child_page, "delete-org", &[("org_id", &child_id), ("confirm_name", "Not it")]).await;
    let back = redirected(&r);
    assert!(back.starts_with(&format!("{child_page}?")) && back.contains("__err="), "{back}");
    let r = post(&w, &c, &child_page, "delete-org", &[("org_id", &child_id), ("confirm_name", "Forms child renamed")])
        .await;
    assert_eq!(redirected(&r), format!("/orgs/{target}"));
    assert_eq!(w.root(Method::GET, &format!("/v1/orgs/{child_id}"), None).await.0, StatusCode::NOT_FOUND);

    // The schema, a policy, a role.
    let document =
        json!([{ "key": "project", "label": "Project", "actions": [{ "key": "deploy", "label": "Deploy" }] }]);
    let r = post(&w, &c, "/schema", "save-schema", &[("version", "1"), ("document", &document.to_string())]).await;
    assert_eq!(redirected(&r), "/schema?saved=1");
    let statements = json!([{ "effect": "allow", "actions": ["deploy"], "resources": ["project"] }]).to_string();
    let policies_page = format!("/orgs/{root}/policies/new");
    let r = post(
        &w,
        &c,
        &policies_page,
        "save-policy",
        &[
            ("org_id", &root),
            ("policy_id", ""),
            ("version", ""),
            ("name", "Deploys"),
            ("description", ""),
            ("document", &statements),
        ],
    )
    .await;
    let policy_path = redirected(&r);
    let policy_id = policy_path.split('/').nth(4).and_then(|p| p.split('?').next()).expect("policy id").to_owned();
    assert!(policy_path.ends_with("?saved=1"), "{policy_path}");
    let r = post(
        &w,
        &c,
        &format!("/orgs/{root}/roles/new"),
        "save-role",
        &[
            ("org_id", &root),
            ("role_id", ""),
            ("version", ""),
            ("name", "Deployer"),
            ("description", ""),
            ("policy_ids[]", &policy_id),
            ("sso_groups", ""),
        ],
    )
    .await;
    let role_path = redirected(&r);
    let role_id = role_path.split('/').nth(4).and_then(|p| p.split('?').next()).expect("role id").to_owned();

    // Users, members, groups.
    let r = post(
        &w,
        &c,
        "/users",
        "create-user",
        &[
            ("email", "form@example.com"),
            ("first_name", "Form"),
            ("last_name", "User"),
            ("password", USER_PASSWORD),
            ("organization_id", &root),
        ],
    )
    .await;
    assert!(redirected(&r).starts_with("/users?"), "{}", redirected(&r));
    let (_, found) = w.root(Method::GET, "/v1/users?q=form%40example.com", None).await;
    let user_id = found["users"][0]["user_id"].as_str().expect("created").to_owned();
    let members_page = format!("/orgs/{root}/members?q=&role=");
    let r = post(
        &w,
        &c,
        &members_page,
        "set-member-roles",
        &[("org_id", &root), ("user_id", &user_id), ("role_ids[]", &role_id), ("back", &members_page)],
    )
    .await;
    assert!(redirected(&r).contains("done="), "{}", redirected(&r));
    let auditor = w.allow_role(&root, "Auditor", &["audit:read"]).await;
    let r = post(
        &w,
        &c,
        &members_page,
        "bulk-member-roles",
        &[
            ("org_id", &root),
            ("change", "add"),
            ("role_id", &auditor),
            ("ids", &user_id),
            ("q", ""),
            ("role", ""),
            ("role_filter_id", ""),
        ],
    )
    .await;
    assert!(redirected(&r).contains("done="), "{}", redirected(&r));
    let (_, member) = w.root(Method::GET, &format!("/v1/orgs/{root}/iam/members?q=form"), None).await;
    let held = member["members"][0]["role_ids"].as_array().expect("roles").clone();
    assert!(held.contains(&json!(role_id)) && held.contains(&json!(auditor)), "{member}");
    let groups_page = format!("/orgs/{root}/groups?edit=new");
    let r = post(
        &w,
        &c,
        &groups_page,
        "save-user-group",
        &[
            ("org_id", &root),
            ("group_id", ""),
            ("version", ""),
            ("name", "Formers"),
            ("description", ""),
            ("role_ids[]", &auditor),
            ("user_ids[]", &user_id),
            ("add_emails", ""),
        ],
    )
    .await;
    assert!(redirected(&r).starts_with(&format!("/orgs/{root}/groups?")), "{}", redirected(&r));
    let (_, groups) = w.root(Method::GET, &format!("/v1/orgs/{root}/iam/groups"), None).await;
    let group =
        groups["groups"].as_array().expect("groups").iter().find(|g| g["name"] == "Formers").expect("saved").clone();
    let r = post(
        &w,
        &c,
        &groups_page,
        "delete-user-group",
        &[("org_id", &root), ("group_id", group["group_id"].as_str().expect("id")), ("name", "Formers")],
    )
    .await;
    assert!(redirected(&r).contains("done="));
    let r = post(
        &w,
        &c,
        "/users?",
        "set-user-status",
        &[("user_id", &user_id), ("status", "disabled"), ("back", "/users?")],
    )
    .await;
    assert!(redirected(&r).starts_with("/users?"));
    assert_eq!(w.root(Method::GET, &format!("/v1/users/{user_id}"), None).await.1["status"], "disabled");
    let r = post(
        &w,
        &c,
        "/users?",
        "delete-user",
        &[("user_id", &user_id), ("email", "form@example.com"), ("back", "/users?")],
    )
    .await;
    assert!(redirected(&r).starts_with("/users?"));
    assert_eq!(w.root(Method::GET, &format!("/v1/users/{user_id}"), None).await.0, StatusCode::NOT_FOUND);

    // A policy deleted (detached from its role), then the account's own changes.
    let r =
        post(&w, &c, &policy_path, "delete-policy", &[("org_id", &root), ("policy_id", &policy_id), ("detach", "on")])
            .await;
    assert_eq!(redirected(&r), format!("/orgs/{root}/policies"));
    let r = post(
        &w,
        &c,
        "/account",
        "change-password",
        &[
            ("current_password", crate::support::ADMIN_PASSWORD),
            ("new_password", "another long passphrase"),
            ("confirm_password", "another long passphrase"),
        ],
    )
    .await;
    assert_eq!(redirected(&r), "/account");
    // The session goes on under a new id.
    let c = r.session_cookie().expect("the session continues in its new epoch");
    assert_eq!(crate::support::http::call(&w.app, &c, Method::GET, "/v1/me", None).await.0, StatusCode::OK);
    let r = post(&w, &c, "/", "sign-out", &[]).await;
    assert_eq!(redirected(&r), "/sign-in");
    assert_eq!(crate::support::http::call(&w.app, &c, Method::GET, "/v1/me", None).await.0, StatusCode::UNAUTHORIZED);
}

/// The new-role page previews its impact before any policy is ticked: the form as it stands
/// (no `policy_ids` at all) is a role of nothing, not an incomplete form.
async fn a_role_of_no_policies_previews_without_an_error(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let fields = [("org_id", w.root.as_str()), ("role_id", "")];
    let response =
        w.app.send(Req::new(Method::POST, "/api/role-impact").same_origin().cookie(&w.root_cookie).form(&fields)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    let impact = response.json();
    assert_eq!((impact["member_count"].as_i64(), impact["shifts"].as_array().map(Vec::len)), (Some(0), Some(0)));
}

/// A form posted without JavaScript that fails comes back filled with what was typed (never the
/// password), and the page shows it in the fields.
async fn a_failed_form_post_comes_back_with_what_was_typed(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let fields = [
        ("email", "not an address"),
        ("organization_id", w.root.as_str()),
        ("first_name", "Ada Marie"),
        ("last_name", "Lovelace"),
        ("password", "a long secret passphrase"),
    ];
    let r = post(&w, &w.root_cookie, "/users?new=1", "create-user", &fields).await;
    let back = redirected(&r);
    assert!(back.starts_with("/users?") && back.contains("__err="), "{back}");
    assert!(back.contains("__typed.first_name=Ada%20Marie") && back.contains("__typed.last_name=Lovelace"), "{back}");
    assert!(!back.contains("passphrase") && !back.contains("__typed.password"), "the password stays out: {back}");

    let page = w.app.send(Req::page(&back).cookie(&w.root_cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for typed in [r#"value="not an address""#, r#"value="Ada Marie""#, r#"value="Lovelace""#] {
        assert!(html.contains(typed), "the page shows {typed}");
    }
    assert!(!html.contains("passphrase"));

    // A link carrying typed values fills nothing, nor does another form's failure.
    for url in [
        "/users?new=1&__typed.first_name=Mallory",
        "/users?new=1&__path=%2Fapi%2Fupdate-org&__err=x&__typed.first_name=Mallory",
    ] {
        let page = w.app.send(Req::page(url).cookie(&w.root_cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{url}");
        assert!(!page.text().contains("Mallory"), "{url} fills the form");
    }
}

async fn a_failed_sign_in_comes_back_with_the_email_and_never_the_password(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let fields = [("email", "typed@nobody.example"), ("password", "typed-secret-value"), ("next", "/orgs")];
    let r = post(&w, "", "/sign-in?next=%2Forgs", "sign-in", &fields).await;
    let back = redirected(&r);
    assert!(back.starts_with("/sign-in?") && back.contains("__err="), "{back}");
    let html = w.app.send(Req::page(&back)).await.text();
    assert!(html.contains(r#"value="typed@nobody.example""#), "the email comes back: {back}");
    assert!(!html.contains("typed-secret-value") && !back.contains("typed-secret-value"), "the password never does");
}

/// One form of the console, posted without JavaScript so that it fails: what the admin typed
/// must come back in the page (`expected`: pieces of its HTML), and what is private must not.
struct Refill {
    page: String,
    endpoint: &'static str,
    fields: Vec<(&'static str, String)>,
    expected: Vec<String>,
}

/// The `<input …>` tag (or `<textarea …>` with its text) in `html` that holds `needle`.
fn control_with<'a>(html: &'a str, needle: &str) -> Option<&'a str> {
    let at = html.find(needle)?;
    let start = html[..at].rfind('<')?;
    let end = html[at..].find('>').map(|end| at + end + 1)?;
    Some(&html[start..end])
}

async fn every_form_comes_back_as_typed_after_a_failed_post(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let root = w.root.clone();
    let policy = w.policy(&root, "Refill readers", json!({ "permissions": ["org:read"] })).await;
    let role = w.role(&root, "Refill role", &[&policy]).await;
    let member = w.person("refill-member@typed.example", &root).await.id;
    w.give(&root, &member, &[&role]).await;
    let s = |text: &str| text.to_owned();
    // A checkbox, found by a piece of its tag, that must come back ticked.
    let checked = |needle: String| format!("checkbox:{needle}");
    let cases = [
        Refill {
            page: format!("/orgs/{root}"),
            endpoint: "create-child-org",
            fields: vec![
                ("parent_id", root.clone()),
                ("name", s("Typed child")),
                ("code", s("not a code!")),
                ("contact_email", s("typed@child.example")),
                ("first_admin_email", s("Typed admin")),
                ("parent_has_access", s("on")),
            ],
            expected: vec![
                s(r#"value="Typed child""#),
                s(r#"value="typed@child.example""#),
                s(r#"value="Typed admin""#),
            ],
        },
        Refill {
            page: format!("/orgs/{root}/members?assign={member}"),
            endpoint: "set-member-roles",
            fields: vec![
                ("org_id", root.clone()),
                ("user_id", member.clone()),
                ("role_ids[]", role.clone()),
                ("add_role", s("Typed missing role")),
                ("back", format!("/orgs/{root}/members?assign={member}")),
            ],
            expected: vec![s(r#"value="Typed missing role""#), checked(format!(r#"value="{role}""#))],
        },
        Refill {
            page: format!("/orgs/{root}"),
            endpoint: "update-org",
            fields: vec![
                ("org_id", root.clone()),
                ("version", s("1")),
                ("name", s("Typed root")),
                ("code", s("not a code!")),
                ("contact_email", s("typed@root.example")),
                ("updates_email", s("")),
                ("logo_url", s("")),
            ],
            expected: vec![s(r#"value="Typed root""#), s(r#"value="typed@root.example""#)],
        },
        Refill {
            page: format!("/orgs/{root}"),
            endpoint: "save-token-policy",
            fields: vec![
                ("org_id", root.clone()),
                ("max_lifetime_days", s("ninety typed")),
                ("allow_no_expiry", s("on")),
            ],
            expected: vec![s(r#"value="ninety typed""#), checked(s(r#"name="allow_no_expiry""#))],
        },
        Refill {
            page: s("/schema"),
            endpoint: "save-schema",
            fields: vec![("version", s("1")), ("document", s("[not json, typed]"))],
            expected: vec![s("[not json, typed]")],
        },
        Refill {
            page: format!("/orgs/{root}/sso"),
            endpoint: "save-role-groups",
            fields: vec![("org_id", root.clone()), ("role_id", role.clone()), ("groups", s("typed-crew, typed-crew"))],
            expected: vec![s(r#"value="typed-crew, typed-crew""#)],
        },
        Refill {
            page: s("/tokens"),
            endpoint: "create-token",
            fields: vec![
                ("name", s("Typed token")),
                ("expiry", s("date")),
                ("expires_on", s("not a date")),
                ("permissions", s("org:read, nosuch:verb")),
                ("org_id", s("")),
            ],
            expected: vec![
                s(r#"value="Typed token""#),
                s(r#"value="org:read, nosuch:verb""#),
                s(r#"value="date" selected"#),
            ],
        },
        Refill {
            page: format!("/orgs/{root}/policies/new"),
            endpoint: "save-policy",
            fields: vec![
                ("org_id", root.clone()),
                ("name", s("Typed policy")),
                ("description", s("Typed policy text")),
                ("document", s(r#"[{"effect":"allow","permissions":["nosuch:verb"]}]"#)),
            ],
            expected: vec![s(r#"value="Typed policy""#), s(r#"value="Typed policy text""#), s("nosuch:verb")],
        },
        Refill {
            page: format!("/orgs/{root}/roles/new"),
            endpoint: "save-role",
            fields: vec![
                ("org_id", root.clone()),
                ("role_id", s("")),
                ("version", s("")),
                ("name", s("Typed role")),
                ("description", s("Typed role text")),
                ("policy_ids[]", policy.clone()),
                ("policy_ids[]", s("no-such-policy")),
                ("is_default", s("1")),
                ("sso_groups", s("typed-group")),
            ],
            expected: vec![
                s(r#"value="Typed role""#),
                s(r#"value="Typed role text""#),
                s(r#"value="typed-group""#),
                checked(format!(r#"value="{policy}""#)),
                checked(s(r#"name="is_default""#)),
            ],
        },
        Refill {
            page: format!("/orgs/{root}/roles/new"),
            endpoint: "save-role",
            fields: vec![
                ("org_id", root.clone()),
                ("role_id", s("")),
                ("version", s("")),
                ("name", s("Typed role")),
                ("description", s("")),
                ("policy_ids[]", policy.clone()),
                ("add_policy", s("Typed missing policy")),
                ("sso_groups", s("")),
            ],
            expected: vec![s(r#"value="Typed missing policy""#), checked(format!(r#"value="{policy}""#))],
        },
        Refill {
            page: format!("/orgs/{root}/groups?edit=new"),
            endpoint: "save-user-group",
            fields: vec![
                ("org_id", root.clone()),
                ("group_id", s("")),
                ("version", s("0")),
                ("name", s("Typed group")),
                ("description", s("Typed group text")),
                ("add_roles[]", s("Refill role")),
                ("add_emails", s("stranger@typed.example")),
            ],
            expected: vec![
                s(r#"value="Typed group""#),
                s(r#"value="Typed group text""#),
                s("stranger@typed.example"),
                checked(s(r#"name="add_roles[]" value="Refill role""#)),
            ],
        },
        Refill {
            page: format!("/orgs/{root}/sso"),
            endpoint: "save-sso",
            fields: vec![
                ("org_id", root.clone()),
                ("issuer", s("not a url")),
                ("client_id", s("typed-client")),
                ("client_secret", s("typed-secret-value")),
                ("scopes", s("openid typed")),
                ("groups_claim", s("typed_groups")),
                ("allowed_email_domains", s("typed.example")),
                ("mapping_mode", s("authoritative")),
            ],
            expected: vec![
                s(r#"value="not a url""#),
                s(r#"value="typed-client""#),
                s(r#"value="openid typed""#),
                s(r#"value="typed_groups""#),
                s(r#"value="typed.example""#),
                s(r#"value="authoritative" selected"#),
            ],
        },
    ];
    for case in cases {
        let fields: Vec<(&str, &str)> = case.fields.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let r = post(&w, &w.root_cookie, &case.page, case.endpoint, &fields).await;
        let back = redirected(&r);
        assert!(back.contains("__err="), "{}: the post fails: {back}", case.endpoint);
        assert!(!back.contains("typed-secret-value"), "{}: a secret stays out of the URL", case.endpoint);
        let html = w.app.send(Req::page(&back).cookie(&w.root_cookie)).await.text();
        for piece in &case.expected {
            match piece.strip_prefix("checkbox:") {
                Some(needle) => {
                    let control = control_with(&html, needle).unwrap_or_default();
                    assert!(control.contains("checked"), "{}: {needle} comes back ticked: {control}", case.endpoint);
                }
                None => assert!(html.contains(piece.as_str()), "{}: the page shows {piece}", case.endpoint),
            }
        }
        assert!(!html.contains("typed-secret-value"), "{}: a secret is never refilled", case.endpoint);
    }
}

on_both_engines!(
    every_change_works_as_a_plain_form_post,
    a_role_of_no_policies_previews_without_an_error,
    a_failed_form_post_comes_back_with_what_was_typed,
    a_failed_sign_in_comes_back_with_the_email_and_never_the_password,
    every_form_comes_back_as_typed_after_a_failed_post
);
