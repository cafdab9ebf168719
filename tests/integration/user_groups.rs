//! User groups through `/v1/orgs/{org}/iam/groups`, on both engines: their members inherit
//! their roles, explanations name the group, and they obey the anti-escalation rule.

use axum::http::{Method, StatusCode};
use serde_json::json;
use warden::domain::{DomainError, Engine, authz::permissions::Permission, groups::GroupFields};

use crate::support::{
    TestApp,
    http::{assert_forbidden, auditor_and_assigner_roles, call, root_org},
};

async fn user_groups_hand_their_roles_to_their_members(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let admin = app.admin_actor().await;
    let org = root_org(&app, &cookie).await;
    let (auditor, assigner) = auditor_and_assigner_roles(&app, &cookie, &org).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let ann = app.create_user("ann@example.com").await;
    let dee = app.create_user("dee@example.com").await;
    let outsider = app.create_user("out@example.com").await;
    for (user, roles) in [(&ann, json!([])), (&dee, json!([assigner]))] {
        let (status, _) =
            call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": user, "role_ids": roles }))).await;
        assert_eq!(status, StatusCode::OK);
    }
    let groups = format!("/v1/orgs/{org}/iam/groups");
    let audit_read = Permission::new("audit", "read");
    assert!(!app.domain.decide(&ann, &org, &audit_read).await.unwrap().allowed);

    let body =
        json!({ "name": "Audit team", "description": "Reads the log", "user_ids": [ann], "role_ids": [auditor] });
    let (status, group) = call(&app, &cookie, Method::POST, &groups, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let group_path = format!("{groups}/{}", group["group_id"].as_str().unwrap());
    let decision = app.domain.decide(&ann, &org, &audit_read).await.unwrap();
    assert!(decision.allowed, "the group's role reaches its members");
    assert!(
        decision.summary(&audit_read).contains("through group \"Audit team\""),
        "{}",
        decision.summary(&audit_read)
    );
    let who = app.domain.who_can(&admin, &org, "audit:read", None, 50).await.unwrap();
    let emails: Vec<&str> = who.users.iter().map(|u| u.email.as_str()).collect();
    assert_eq!(emails, ["admin@example.com", "ann@example.com"]);
    let (_, list) = call(&app, &cookie, Method::GET, &groups, None).await;
    assert_eq!(list["total"], 1);

    let bad = json!({ "name": "Audit team", "user_ids": [outsider, ann, ann], "role_ids": ["nope"] });
    let (status, body) = call(&app, &cookie, Method::POST, &groups, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let kinds: Vec<(String, String)> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["loc"].to_string(), d["type"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        kinds,
        [
            (r#"["body","user_ids",0]"#.to_owned(), "not_a_member".to_owned()),
            (r#"["body","user_ids",2]"#.to_owned(), "duplicate".to_owned()),
            (r#"["body","role_ids",0]"#.to_owned(), "unknown_role".to_owned()),
        ]
    );
    let (status, _) =
        call(&app, &cookie, Method::POST, &groups, Some(json!({ "name": "Audit team", "user_ids": [] }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "names are unique in the organization");

    // Dee may assign, but she does not hold audit:read: no group can hand it out for her.
    let dee_cookie = app.user_cookie("dee@example.com").await;
    let escalate = json!({ "name": "Backdoor", "user_ids": [dee], "role_ids": [auditor] });
    let (status, body) = call(&app, &dee_cookie, Method::POST, &groups, Some(escalate)).await;
    assert_forbidden(status, &body, "audit:read");
    let (status, body) =
        call(&app, &dee_cookie, Method::PATCH, &group_path, Some(json!({ "user_ids": [ann, dee] }))).await;
    assert_forbidden(status, &body, "audit:read");
    assert!(!app.domain.decide(&dee, &org, &audit_read).await.unwrap().allowed);

    // Leaving the group, or the organization, ends what the group gave.
    let (status, patched) =
        call(&app, &cookie, Method::PATCH, &group_path, Some(json!({ "user_ids": [], "version": 1 }))).await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert!(!app.domain.decide(&ann, &org, &audit_read).await.unwrap().allowed);
    let (status, _) =
        call(&app, &cookie, Method::PATCH, &group_path, Some(json!({ "user_ids": [ann], "version": 1 }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version is refused");
    call(&app, &cookie, Method::PATCH, &group_path, Some(json!({ "user_ids": [ann] }))).await;
    assert!(app.domain.decide(&ann, &org, &audit_read).await.unwrap().allowed);
    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("{members}/{ann}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, group) = call(&app, &cookie, Method::GET, &group_path, None).await;
    assert_eq!(group["user_ids"], json!([]), "only members belong to the organization's groups");
    assert!(!app.domain.decide(&ann, &org, &audit_read).await.unwrap().allowed);

    let (status, _) = call(&app, &cookie, Method::DELETE, &group_path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call(&app, &cookie, Method::GET, &group_path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("user_group.created").await, 1);
    assert_eq!(app.audit_count("user_group.updated").await, 2);
    assert_eq!(app.audit_count("user_group.deleted").await, 1);
}

/// The group editor adds people by email: members are found, anyone else is refused by
/// address at its place in the list, and the group lists its members by email.
async fn groups_take_members_by_email(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let admin = app.admin_actor().await;
    let (_, root) = call(&app, &cookie, Method::GET, "/v1/orgs/root", None).await;
    let org = root["id"].as_str().unwrap().to_owned();
    let zoe = app.create_user("zoe@example.com").await;
    let members = format!("/v1/orgs/{org}/iam/members");
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": zoe, "role_ids": [] }))).await;
    app.create_user("outsider@example.com").await;

    let asked = ["not an address", "outsider@example.com", " ZOE@example.com "].map(str::to_owned);
    let Err(DomainError::Invalid(problems)) = app.domain.member_ids_by_email(&admin, &org, "add_emails", &asked).await
    else {
        panic!("an outsider and a malformed address are refused")
    };
    let found: Vec<(String, &str)> = problems.iter().map(|p| (p.loc.join("."), p.kind.as_str())).collect();
    assert_eq!(
        found,
        [("body.add_emails.0".to_owned(), "value_error.email"), ("body.add_emails.1".to_owned(), "not_a_member")]
    );
    assert!(problems[1].msg.contains("outsider@example.com is not a member"), "{}", problems[1].msg);
    let ids = app.domain.member_ids_by_email(&admin, &org, "add_emails", &asked[2..]).await.unwrap();
    assert_eq!(ids, std::slice::from_ref(&zoe), "addresses are matched case-insensitively");

    let fields = GroupFields { name: Some("Night shift".into()), user_ids: Some(ids), ..GroupFields::default() };
    let group = app.domain.create_user_group(&admin, &org, fields).await.unwrap();
    let listed = app.domain.user_group_members(&admin, &org, &group.group_id).await.unwrap();
    assert_eq!(listed.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(), ["zoe@example.com"]);
}

on_both_engines!(user_groups_hand_their_roles_to_their_members, groups_take_members_by_email);
