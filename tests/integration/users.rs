//! User accounts through `/v1/users`, on both engines.

use crate::support::{
    TestApp,
    http::{assert_invalid_at, call, root_org},
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

const PASSWORD: &str = "a long enough passphrase";

async fn create(app: &TestApp, cookie: &str, body: Value) -> (StatusCode, Value) {
    call(app, cookie, Method::POST, "/v1/users", Some(body)).await
}

async fn users_are_created_active_or_invited(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let (status, user) = create(
        &app,
        &cookie,
        json!({ "email": "Ada@Example.com", "first_name": "Ada", "last_name": "Lovelace", "password": PASSWORD, "organization_id": org }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let keys: Vec<&String> = user.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        9,
        "exactly user_id, email, first_name, last_name, preferred_name, full_name, status, created_at, last_sign_in_at: {user}"
    );
    assert!(!user.to_string().contains("argon2"), "never the hash");
    assert_eq!((user["full_name"].as_str(), user["status"].as_str()), (Some("Ada Lovelace"), Some("active")));
    assert_eq!(app.sign_in("ada@example.com", PASSWORD).await.status, StatusCode::OK);

    let (status, invited) =
        create(&app, &cookie, json!({ "email": "bob@example.com", "preferred_name": "Bobby", "organization_id": org }))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    assert_eq!((invited["status"].as_str(), invited["full_name"].as_str()), (Some("invited"), Some("Bobby")));
    assert_ne!(app.sign_in("bob@example.com", "anything at all here").await.status, StatusCode::OK);

    let (status, _) = create(&app, &cookie, json!({ "email": "ADA@example.com", "organization_id": org })).await;
    assert_eq!(status, StatusCode::CONFLICT, "emails are unique in any case");
    let (status, body) =
        create(&app, &cookie, json!({ "email": "nope", "password": "short", "organization_id": org })).await;
    assert_invalid_at(status, &body, &[json!(["body", "email"])]);
    let (status, _) = create(&app, &cookie, json!({ "email": "x@example.com", "organization_id": "missing" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Ada holds no role, so she may not create users; she may not even see the organization,
    // which answers like one that does not exist.
    let ada = app.user_cookie_with("ada@example.com", PASSWORD).await;
    let (status, _) = create(&app, &ada, json!({ "email": "eve@example.com", "organization_id": org })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn users_are_listed_and_filtered(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    for name in ["cat", "dan", "eli"] {
        create(&app, &cookie, json!({ "email": format!("{name}@example.com"), "organization_id": org })).await;
    }
    let (status, page) = call(&app, &cookie, Method::GET, "/v1/users?limit=2", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!((page["total"].as_i64(), page["has_more"].as_bool()), (Some(4), Some(true)));
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = call(&app, &cookie, Method::GET, &format!("/v1/users?limit=2&cursor={cursor}"), None).await;
    let emails: Vec<&str> = page["users"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["users"].as_array().unwrap())
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["admin@example.com", "cat@example.com", "dan@example.com", "eli@example.com"]);
    let (_, invited) =
        call(&app, &cookie, Method::GET, &format!("/v1/users?status=invited&organization_id={org}&q=DAN"), None).await;
    assert_eq!(invited["total"], 1);
    assert_eq!(invited["users"][0]["email"], "dan@example.com");

    // Each filter on its own changes the answer.
    let emails_of = |page: &serde_json::Value| -> Vec<String> {
        page["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap().to_owned()).collect()
    };
    let (_, active) = call(&app, &cookie, Method::GET, "/v1/users?status=active", None).await;
    assert_eq!(emails_of(&active), ["admin@example.com"], "the others are invited");
    let (_, invited) = call(&app, &cookie, Method::GET, "/v1/users?status=invited", None).await;
    assert_eq!(emails_of(&invited), ["cat@example.com", "dan@example.com", "eli@example.com"]);
    let body = json!({ "name": "Other", "contact_email": "ops@example.com", "parent_organization_id": org, "can_have_child_organizations": false });
    let (_, other) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(body)).await;
    let other = other["id"].as_str().unwrap().to_owned();
    create(&app, &cookie, json!({ "email": "fox@example.com", "organization_id": other })).await;
    let (_, in_other) = call(&app, &cookie, Method::GET, &format!("/v1/users?organization_id={other}"), None).await;
    assert_eq!(emails_of(&in_other), ["fox@example.com"]);
    let (_, in_root) = call(&app, &cookie, Method::GET, &format!("/v1/users?organization_id={org}"), None).await;
    assert!(!emails_of(&in_root).contains(&"fox@example.com".to_owned()), "members of the root only");
    assert_eq!(emails_of(&in_root).len(), 4);
}

async fn disabling_ends_sessions_and_deleting_has_rules(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let (_, fay) =
        create(&app, &cookie, json!({ "email": "fay@example.com", "password": PASSWORD, "organization_id": org }))
            .await;
    let fay_id = fay["user_id"].as_str().unwrap().to_owned();
    let fay_cookie = app.user_cookie_with("fay@example.com", PASSWORD).await;
    assert_eq!(call(&app, &fay_cookie, Method::GET, "/v1/me", None).await.0, StatusCode::OK);
    // A second session, not used while she is disabled (a rejected session is also deleted,
    // which would hide whether the epoch did the work).
    let fay_other_cookie = app.user_cookie_with("fay@example.com", PASSWORD).await;

    let path = format!("/v1/users/{fay_id}");
    let (status, disabled) = call(&app, &cookie, Method::PATCH, &path, Some(json!({ "status": "disabled" }))).await;
    assert_eq!((status, disabled["status"].as_str()), (StatusCode::OK, Some("disabled")));
    assert_eq!(
        call(&app, &fay_cookie, Method::GET, "/v1/me", None).await.0,
        StatusCode::UNAUTHORIZED,
        "her session ended"
    );
    let (status, _) =
        call(&app, &cookie, Method::PATCH, &path, Some(json!({ "status": "active", "first_name": "Fay" }))).await;
    assert_eq!(status, StatusCode::OK);
    // Re-enabled, she is active again, but the session from before stays dead: disabling moved
    // her to a new session epoch.
    assert_eq!(
        call(&app, &fay_other_cookie, Method::GET, "/v1/me", None).await.0,
        StatusCode::UNAUTHORIZED,
        "the old session does not come back with the account"
    );
    assert_eq!(app.sign_in("fay@example.com", PASSWORD).await.status, StatusCode::OK);

    // Nobody deletes or disables themselves; an Admin cannot delete a Super Admin.
    let admin_id = app.admin_actor().await.user_id().unwrap().to_owned();
    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("/v1/users/{admin_id}"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let admin_role = app.role_id(&org, "admin").await;
    let members = format!("/v1/orgs/{org}/iam/members");
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": fay_id, "role_ids": [admin_role] }))).await;
    let fay_admin = app.user_cookie_with("fay@example.com", PASSWORD).await;
    let (status, body) = call(&app, &fay_admin, Method::DELETE, &format!("/v1/users/{admin_id}"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], "*:*", "what a Super Admin holds and an Admin does not: {body}");
    let (status, body) =
        call(&app, &fay_admin, Method::PATCH, &format!("/v1/users/{admin_id}"), Some(json!({ "status": "disabled" })))
            .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["details"]["required_permission"], "*:*", "{body}");

    let (_, gus) = create(&app, &fay_admin, json!({ "email": "gus@example.com", "organization_id": org })).await;
    let gus_path = format!("/v1/users/{}", gus["user_id"].as_str().unwrap());
    let (status, _) = call(&app, &fay_admin, Method::DELETE, &gus_path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(call(&app, &cookie, Method::GET, &gus_path, None).await.0, StatusCode::NOT_FOUND);
}

/// The users page, opened from a child organization's members page by an admin who is not a
/// member there, offers that organization for the new user; its form creates them there.
async fn the_users_page_creates_in_the_organization_it_was_opened_from(engine: Engine) {
    use crate::support::http::Req;
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let child = json!({
        "name": "Child", "code": "child", "contact_email": "ops@example.com",
        "parent_organization_id": root_org(&app, &cookie).await, "can_have_child_organizations": false,
    });
    let (status, child) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(child)).await;
    assert_eq!(status, StatusCode::CREATED, "{child}");
    let child_id = child["id"].as_str().unwrap().to_owned();
    let form = |path: &str, fields: &[(&str, &str)]| {
        Req::new(Method::POST, path).same_origin().cookie(&cookie).header("accept", "application/json").form(fields)
    };
    let page =
        |org: &str| form("/api/list-users", &[("q", ""), ("status", ""), ("sort", ""), ("cursor", ""), ("org", org)]);
    let offered = app.send(page(&child_id)).await;
    assert!(offered.status.is_success(), "{} {}", offered.status, offered.text());
    assert_eq!(offered.json()["create_in"][0]["id"], child_id.as_str(), "{}", offered.text());
    let unknown = app.send(page("no-such-org")).await;
    assert!(unknown.status.is_success(), "an unknown organization is just not offered: {}", unknown.text());

    let fields = [
        ("email", "kid@example.com"),
        ("first_name", "Kid"),
        ("last_name", ""),
        ("password", ""),
        ("organization_id", child_id.as_str()),
    ];
    let created = app.send(form("/api/create-user", &fields)).await;
    assert!(created.status.is_success() || created.status.is_redirection(), "{} {}", created.status, created.text());
    let (_, members) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{child_id}/iam/members"), None).await;
    assert_eq!(members["members"][0]["email"], "kid@example.com", "{members}");
}

on_both_engines!(
    the_users_page_creates_in_the_organization_it_was_opened_from,
    users_are_created_active_or_invited,
    users_are_listed_and_filtered,
    disabling_ends_sessions_and_deleting_has_rules,
);
