//! Creating custom roles from policies, and setting members' roles, through the REST API, on
//! both engines.

use crate::support::{
    TestApp,
    http::{assert_forbidden, assert_invalid_at, auditor_and_assigner_roles, call, create_policy, root_org},
};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::{
    Engine,
    authz::permissions::Permission,
    members::{MemberQuery, MemberSelection},
};

async fn roles_are_composed_of_the_orgs_policies(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let readers = create_policy(&app, &cookie, &org, "Readers", json!(["org:read"])).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    let body = json!({ "name": "Inspector", "policy_ids": [readers, auditors], "sso_group_names": ["inspectors"] });
    let (status, role) = call(&app, &cookie, Method::POST, &roles, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    assert_eq!(role["policy_ids"], json!([auditors, readers]), "policies by name");
    assert_eq!(role["policies"][0]["permissions"], json!(["audit:read"]));
    assert_eq!((role["is_default"].as_bool(), role["sso_group_names"].clone()), (Some(false), json!(["inspectors"])));

    let (status, body) = call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Inspector" }))).await;
    assert_eq!(status, StatusCode::CONFLICT, "names are unique: {body}");
    let bad = json!({ "name": " ", "policy_ids": ["nope", readers, readers], "sso_group_names": [""] });
    let (status, body) = call(&app, &cookie, Method::POST, &roles, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let locs: Vec<Value> = body["detail"].as_array().unwrap().iter().map(|d| d["loc"].clone()).collect();
    assert_eq!(
        locs,
        [
            json!(["body", "name"]),
            json!(["body", "policy_ids", 0]),
            json!(["body", "policy_ids", 2]),
            json!(["body", "sso_group_names", 0])
        ]
    );
}

async fn member_roles_are_set_not_added_and_never_escalate(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let readers =
        create_policy(&app, &cookie, &org, "Readers", json!(["org:read", "member:read", "member:assign"])).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    let (_, reader_role) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Reader", "policy_ids": [readers] }))).await;
    let (_, auditor_role) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Auditor", "policy_ids": [auditors] }))).await;
    let (reader_role, auditor_role) = (reader_role["role_id"].clone(), auditor_role["role_id"].clone());
    let members = format!("/v1/orgs/{org}/iam/members");
    let user = app.create_user("dana@example.com").await;

    let (status, body) = call(
        &app,
        &cookie,
        Method::POST,
        &members,
        Some(json!({ "user_id": user, "role_ids": [reader_role, auditor_role] })),
    )
    .await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    let audit_read = Permission::new("audit", "read");
    assert!(app.domain.decide(&user, &org, &audit_read).await.unwrap().allowed);
    let (status, _) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": user, "role_ids": [reader_role] }))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!app.domain.decide(&user, &org, &audit_read).await.unwrap().allowed, "roles are set, not added");

    // Dana may assign, but only what she holds: not Auditor, and she cannot strip Super Admin.
    let dana = app.user_cookie("dana@example.com").await;
    let other = app.create_user("eve@example.com").await;
    let (status, body) =
        call(&app, &dana, Method::POST, &members, Some(json!({ "user_id": other, "role_ids": [auditor_role] }))).await;
    assert_forbidden(status, &body, "audit:read");
    let (status, _) =
        call(&app, &dana, Method::POST, &members, Some(json!({ "user_id": other, "role_ids": [reader_role] }))).await;
    assert_eq!(status, StatusCode::OK);
    let admin_id = app.admin_actor().await.user_id().unwrap().to_owned();
    let (status, body) =
        call(&app, &dana, Method::POST, &members, Some(json!({ "user_id": admin_id, "role_ids": [] }))).await;
    assert_forbidden(status, &body, "*:*");

    let (status, _) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": "nobody", "role_ids": [reader_role] })))
            .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": other, "role_ids": ["nope"] }))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("{members}/{other}"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!app.domain.decide(&other, &org, &Permission::new("org", "read")).await.unwrap().allowed);
    let (status, body) = call(&app, &cookie, Method::DELETE, &format!("{members}/{admin_id}"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "the root keeps a Super Admin: {body}");
}

async fn roles_are_listed_changed_and_deleted(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let readers = create_policy(&app, &cookie, &org, "Readers", json!(["org:read"])).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    let (_, role) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Crew", "policy_ids": [readers] }))).await;
    let path = format!("{roles}/{}", role["role_id"].as_str().unwrap());
    let holder = app.create_user("holder@example.com").await;
    let members = format!("/v1/orgs/{org}/iam/members");
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": holder, "role_ids": [role["role_id"]] })))
        .await;

    let (status, page) = call(&app, &cookie, Method::GET, &format!("{roles}?limit=2"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!((page["total"].as_i64(), page["has_more"].as_bool()), (Some(4), Some(true)));
    let (_, rest) = call(
        &app,
        &cookie,
        Method::GET,
        &format!("{roles}?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()),
        None,
    )
    .await;
    let mut names: Vec<String> = page["roles"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest["roles"].as_array().unwrap())
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["Admin", "Crew", "Member", "Super Admin"]);

    // Changing the composition reaches decisions at once; versions guard concurrent edits.
    let audit_read = Permission::new("audit", "read");
    assert!(!app.domain.decide(&holder, &org, &audit_read).await.unwrap().allowed);
    let (status, changed) = call(
        &app,
        &cookie,
        Method::PUT,
        &path,
        Some(json!({ "name": "Crew", "policy_ids": [readers, auditors], "version": 1 })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!((changed["version"].as_i64(), changed["member_count"].as_i64()), (Some(2), Some(1)));
    assert!(app.domain.decide(&holder, &org, &audit_read).await.unwrap().allowed);
    let (status, _) = call(&app, &cookie, Method::PUT, &path, Some(json!({ "name": "Late", "version": 1 }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, patched) =
        call(&app, &cookie, Method::PATCH, &path, Some(json!({ "is_default": true, "sso_group_names": ["crew"] })))
            .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(
        (patched["is_default"].as_bool(), patched["policy_ids"].as_array().map(Vec::len)),
        (Some(true), Some(2))
    );

    // Predefined roles are read-only.
    let member_role = app.role_id(&org, "member").await;
    let (status, _) =
        call(&app, &cookie, Method::PATCH, &format!("{roles}/{member_role}"), Some(json!({ "name": "Mine" }))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("{roles}/{member_role}"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A held role is deleted only with unassign, which takes it from its holders.
    let (status, body) = call(&app, &cookie, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["member_count"], 1);
    let (status, _) = call(&app, &cookie, Method::DELETE, &format!("{path}?unassign=true"), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(!app.domain.decide(&holder, &org, &audit_read).await.unwrap().allowed);
    let (status, _) = call(&app, &cookie, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_role_cannot_be_widened_beyond_its_editor(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let editors =
        create_policy(&app, &cookie, &org, "Role editors", json!(["role:*", "policy:read", "org:read"])).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    let (_, editor_role) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Editor", "policy_ids": [editors] }))).await;
    let (_, target) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Target", "policy_ids": [] }))).await;
    let editor = app.create_user("editor@example.com").await;
    let members = format!("/v1/orgs/{org}/iam/members");
    call(
        &app,
        &cookie,
        Method::POST,
        &members,
        Some(json!({ "user_id": editor, "role_ids": [editor_role["role_id"]] })),
    )
    .await;
    let editor_cookie = app.user_cookie("editor@example.com").await;
    let target_path = format!("{roles}/{}", target["role_id"].as_str().unwrap());
    let (status, body) =
        call(&app, &editor_cookie, Method::PATCH, &target_path, Some(json!({ "policy_ids": [auditors] }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["details"]["required_permission"], "audit:read");
    let (status, body) =
        call(&app, &editor_cookie, Method::POST, &roles, Some(json!({ "name": "Sneaky", "policy_ids": [auditors] })))
            .await;
    assert_forbidden(status, &body, "audit:read");
}

async fn new_members_get_the_default_roles(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let readers = create_policy(&app, &cookie, &org, "Readers", json!(["org:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    call(
        &app,
        &cookie,
        Method::POST,
        &roles,
        Some(json!({ "name": "Everyone", "policy_ids": [auditors], "is_default": true })),
    )
    .await;
    let (_, reader) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Reader", "policy_ids": [readers] }))).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let user = app.create_user("newcomer@example.com").await;
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": user, "role_ids": [reader["role_id"]] })))
        .await;
    let audit_read = Permission::new("audit", "read");
    assert!(app.domain.decide(&user, &org, &audit_read).await.unwrap().allowed, "the default role came with joining");
    // Once a member, the roles set are exactly the ones given.
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": user, "role_ids": [reader["role_id"]] })))
        .await;
    assert!(!app.domain.decide(&user, &org, &audit_read).await.unwrap().allowed);
}

async fn members_are_listed_with_roles_and_effective_permissions(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let roles = format!("/v1/orgs/{org}/iam/roles");
    let (_, auditor) =
        call(&app, &cookie, Method::POST, &roles, Some(json!({ "name": "Auditor", "policy_ids": [auditors] }))).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    for name in ["ann", "bea", "cid"] {
        let user = app.create_user(&format!("{name}@example.com")).await;
        let role_ids = if name == "cid" { json!([]) } else { json!([auditor["role_id"]]) };
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": user, "role_ids": role_ids }))).await;
    }
    let (status, page) = call(&app, &cookie, Method::GET, &format!("{members}?limit=2"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        (page["total"].as_i64(), page["has_more"].as_bool()),
        (Some(4), Some(true)),
        "three users and the admin"
    );
    let first = &page["members"][0];
    assert_eq!(first["email"], "admin@example.com");
    assert_eq!(first["roles_detail"][0]["name"], "Super Admin");
    let ann = &page["members"][1];
    assert_eq!((ann["email"].as_str(), ann["permissions"].clone()), (Some("ann@example.com"), json!(["audit:read"])));
    assert_eq!(ann["role_ids"], json!([auditor["role_id"]]));
    let (_, rest) = call(
        &app,
        &cookie,
        Method::GET,
        &format!("{members}?limit=2&cursor={}", page["next_cursor"].as_str().unwrap()),
        None,
    )
    .await;
    let emails: Vec<&str> = rest["members"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["bea@example.com", "cid@example.com"]);
    let by_role = format!("{members}?role_id={}", auditor["role_id"].as_str().unwrap());
    let (_, holders) = call(&app, &cookie, Method::GET, &by_role, None).await;
    assert_eq!(holders["total"], 2);
    let (_, found) = call(&app, &cookie, Method::GET, &format!("{members}?q=BEA"), None).await;
    assert_eq!(found["members"][0]["email"], "bea@example.com");
    assert_eq!(found["total"], 1);
}

async fn who_can_and_effective_permissions_follow_the_decision_function(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let child_body = json!({ "name": "Closed", "contact_email": "ops@example.com", "parent_organization_id": org,
        "can_have_child_organizations": true, "parent_has_access": false, "first_admin_user_id": app.admin_actor().await.user_id().unwrap() });
    let (status, closed) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(child_body)).await;
    assert_eq!(status, StatusCode::CREATED, "{closed}");
    let closed = closed["id"].as_str().unwrap().to_owned();
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let (_, auditor) = call(
        &app,
        &cookie,
        Method::POST,
        &format!("/v1/orgs/{org}/iam/roles"),
        Some(json!({ "name": "Auditor", "policy_ids": [auditors] })),
    )
    .await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let ivy = app.create_user("ivy@example.com").await;
    call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": ivy, "role_ids": [auditor["role_id"]] })))
        .await;

    let (status, page) =
        call(&app, &cookie, Method::GET, &format!("/v1/orgs/{org}/iam/who-can?permission=audit:read"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let emails: Vec<&str> = page["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["admin@example.com", "ivy@example.com"]);
    assert!(page["users"][1]["reason"].as_str().unwrap().contains("Auditor"));
    for user in page["users"].as_array().unwrap() {
        let decision = app
            .domain
            .decide(user["user_id"].as_str().unwrap(), &org, &Permission::new("audit", "read"))
            .await
            .unwrap();
        assert!(decision.allowed);
    }
    // Below a flag that shuts the parent out, Ivy's root role does not reach.
    let (_, closed_page) =
        call(&app, &cookie, Method::GET, &format!("/v1/orgs/{closed}/iam/who-can?permission=audit:read"), None).await;
    let emails: Vec<&str> =
        closed_page["users"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["admin@example.com"], "the admin is the closed org's own Admin");
    let (status, body) =
        call(&app, &cookie, Method::GET, &format!("/v1/orgs/{org}/iam/who-can?permission=nope"), None).await;
    assert_invalid_at(status, &body, &[json!(["query", "permission"])]);

    let (status, effective) =
        call(&app, &cookie, Method::GET, &format!("/v1/users/{ivy}/effective-permissions"), None).await;
    assert_eq!(status, StatusCode::OK, "{effective}");
    assert_eq!(
        effective["organizations"],
        json!([{ "org_id": org, "org_name": "Root", "permissions": ["audit:read"] }])
    );
    assert_eq!((&effective["has_more"], &effective["next_cursor"]), (&json!(false), &Value::Null));
    let by_email =
        app.domain.effective_permissions(&app.admin_actor().await, "IVY@example.com", None, 50).await.unwrap();
    let permissions: Vec<Vec<String>> = by_email.organizations.iter().map(|o| o.permissions.clone()).collect();
    assert_eq!(permissions, [["audit:read"]], "by email too");
    let ivy_cookie = app.user_cookie("ivy@example.com").await;
    let admin_id = app.admin_actor().await.user_id().unwrap().to_owned();
    let (status, _) =
        call(&app, &ivy_cookie, Method::GET, &format!("/v1/users/{admin_id}/effective-permissions"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "a user Ivy may not see answers like one that does not exist");
}

/// The explorer's four kinds of answer, each the decision function's own: allowed, denied for
/// want of a role, denied by a deny statement, and cut off by a flag (with the flag named).
async fn the_explorer_explains_the_decision_and_names_the_fix(engine: Engine) {
    use warden::domain::authz::Reason;
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let admin = app.admin_actor().await;
    let org = root_org(&app, &cookie).await;
    let child_body = json!({ "name": "Closed", "contact_email": "ops@example.com", "parent_organization_id": org,
        "can_have_child_organizations": true, "parent_has_access": false, "first_admin_user_id": admin.user_id().unwrap() });
    let (status, closed) = call(&app, &cookie, Method::POST, "/v1/orgs", Some(child_body)).await;
    assert_eq!(status, StatusCode::CREATED, "{closed}");
    let closed = closed["id"].as_str().unwrap().to_owned();
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read", "org:read"])).await;
    let path = format!("/v1/orgs/{org}/iam/policies");
    let deny = json!({ "name": "No audit", "statements": [{ "effect": "deny", "actions": ["read"], "resources": ["audit"] }] });
    let (status, no_audit) = call(&app, &cookie, Method::POST, &path, Some(deny)).await;
    assert_eq!(status, StatusCode::CREATED, "{no_audit}");
    let auditor = app.create_role_with(&org, "Auditor", &[&auditors]).await;
    let muzzled = app.create_role_with(&org, "Muzzled", &[no_audit["policy_id"].as_str().unwrap()]).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let ivy = app.create_user("ivy@example.com").await;
    let (status, body) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": ivy, "role_ids": [auditor] }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let ask = |org: String, permission: &'static str| {
        let (domain, admin) = (app.domain.clone(), admin.clone());
        async move { domain.explain_access(&admin, &org, Some("IVY@example.com"), permission).await.unwrap() }
    };
    let check = |answer: &warden::domain::explorer::AccessExplanation, org: &str, permission: &str| {
        let (domain, ivy, org, permission) = (app.domain.clone(), ivy.clone(), org.to_owned(), permission.to_owned());
        let (allowed, reason) = (answer.allowed, answer.reason.clone());
        async move {
            let decision = domain.decide(&ivy, &org, &Permission::parse(&permission).unwrap()).await.unwrap();
            assert_eq!((decision.allowed, decision.reason), (allowed, reason), "the explorer is the decision");
        }
    };

    let allowed = ask(org.clone(), "audit:read").await;
    check(&allowed, &org, "audit:read").await;
    assert!(allowed.allowed && allowed.fix.is_none());
    assert!(matches!(&allowed.reason, Reason::Allowed { link } if link.role_name == "Auditor"));
    assert_eq!(allowed.chain.len(), 1);
    assert!(allowed.chain[0].member_here);

    let missing = ask(org.clone(), "member:assign").await;
    check(&missing, &org, "member:assign").await;
    assert!(matches!(missing.reason, Reason::NoAllowingRole { blocked: None }));
    assert!(missing.fix.unwrap().contains("Give the user a role in \"Root\""));

    let flagged = ask(closed.clone(), "audit:read").await;
    check(&flagged, &closed, "audit:read").await;
    assert!(!flagged.allowed);
    let Reason::NoAllowingRole { blocked: Some(blocked) } = &flagged.reason else { panic!("{flagged:?}") };
    assert_eq!((blocked.flag, blocked.blocked_at_org_id.as_str()), ("parent_has_access", closed.as_str()));
    let names: Vec<&str> = flagged.chain.iter().map(|step| step.name.as_str()).collect();
    assert_eq!(names, ["Root", "Closed"], "from the root down");
    assert_eq!(flagged.chain[1].parent_has_access, Some(false));
    assert!(flagged.fix.unwrap().contains("\"Closed\" has parent_has_access turned off"));
    assert_eq!(flagged.chain.iter().map(|step| step.member_here).collect::<Vec<_>>(), [true, false]);
    // The chain's memberships come from the decision cache: joining and leaving show at once,
    // and an organization asked about by its code answers as by its id.
    let (status, body) =
        call(&app, &cookie, Method::PATCH, &format!("/v1/orgs/{closed}"), Some(json!({ "code": "closed-1" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let closed_members = format!("/v1/orgs/{closed}/iam/members");
    let (status, body) =
        call(&app, &cookie, Method::POST, &closed_members, Some(json!({ "user_id": ivy, "role_ids": [] }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let joined = ask("closed-1".to_owned(), "audit:read").await;
    assert_eq!((joined.org_id.as_str(), joined.org_name.as_str()), (closed.as_str(), "Closed"));
    assert_eq!(joined.chain.iter().map(|step| step.member_here).collect::<Vec<_>>(), [true, true]);
    let (status, body) = call(&app, &cookie, Method::DELETE, &format!("{closed_members}/{ivy}"), None).await;
    assert!(status.is_success(), "{status} {body}");
    let left = ask(closed.clone(), "audit:read").await;
    assert_eq!(left.chain.iter().map(|step| step.member_here).collect::<Vec<_>>(), [true, false]);

    let (status, body) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": ivy, "role_ids": [auditor, muzzled] })))
            .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let denied = ask(org.clone(), "audit:read").await;
    check(&denied, &org, "audit:read").await;
    assert!(matches!(&denied.reason, Reason::DeniedByStatement { link } if link.policy_name == "No audit"));
    assert!(denied.fix.unwrap().contains("Statement 1 of policy \"No audit\" denies audit:read"));
    // "Who can" leaves out whoever a deny statement stops, and pages by email.
    let first = app.domain.who_can(&admin, &org, "audit:read", None, 1).await.unwrap();
    assert_eq!((first.total, first.has_more), (1, false), "{first:?}");
    assert_eq!(first.users[0].email, "admin@example.com");
    let (status, _) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": ivy, "role_ids": [auditor] }))).await;
    assert_eq!(status, StatusCode::OK);
    let first = app.domain.who_can(&admin, &org, "audit:read", None, 1).await.unwrap();
    assert_eq!((first.total, first.has_more, first.users[0].email.as_str()), (2, true, "admin@example.com"));
    let cursor = first.next_cursor.unwrap();
    let second = app.domain.who_can(&admin, &org, "audit:read", Some(&cursor), 1).await.unwrap();
    assert_eq!((second.has_more, second.users[0].email.as_str()), (false, "ivy@example.com"));

    // Someone without member:read learns nothing about other users, but may ask about themselves.
    let ivy_actor = warden::domain::Actor::user(ivy.clone(), "Ivy".into(), None, None);
    let refused = app.domain.explain_access(&ivy_actor, &org, Some("admin@example.com"), "org:read").await;
    assert!(matches!(refused, Err(warden::domain::DomainError::Forbidden { .. })), "{refused:?}");
    let own = app.domain.explain_access(&ivy_actor, &org, Some("ivy@example.com"), "org:read").await.unwrap();
    assert!(own.allowed);
}

/// Bulk role changes: the ticked members or every match (beyond any page), the same grant
/// rules as for one member, one audit event, and the root keeps its Super Admin.
async fn bulk_role_changes_cover_the_ticked_or_every_match(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let (auditor, assigner) = auditor_and_assigner_roles(&app, &cookie, &org).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let mut ids = Vec::new();
    for name in ["ann", "ben", "cy"] {
        let id = app.create_user(&format!("{name}@example.com")).await;
        let (status, _) =
            call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": id, "role_ids": [assigner] }))).await;
        assert_eq!(status, StatusCode::OK);
        ids.push(id);
    }
    let bulk = format!("{members}/bulk-roles");
    let holders = |role: String| {
        let (app, cookie, members) = (&app, cookie.clone(), members.clone());
        async move {
            let (_, page) = call(app, &cookie, Method::GET, &format!("{members}?role_id={role}"), None).await;
            page["total"].as_i64().unwrap()
        }
    };

    let ticked = json!({ "change": "add", "role_id": auditor, "user_ids": [ids[0], ids[1]] });
    let (status, outcome) = call(&app, &cookie, Method::POST, &bulk, Some(ticked)).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!((outcome["selected"].as_i64(), outcome["changed"].as_i64()), (Some(2), Some(2)));
    assert!(app.domain.decide(&ids[1], &org, &Permission::new("audit", "read")).await.unwrap().allowed);
    assert!(!app.domain.decide(&ids[2], &org, &Permission::new("audit", "read")).await.unwrap().allowed);

    // Every match, not just a page: the admin and Cy get it now; Ann and Ben had it.
    let every = json!({ "change": "add", "role_id": auditor, "all_matching": { "q": "example.com" } });
    let (status, outcome) = call(&app, &cookie, Method::POST, &bulk, Some(every)).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!((outcome["selected"].as_i64(), outcome["changed"].as_i64()), (Some(4), Some(2)));
    assert_eq!(holders(auditor.clone()).await, 4);
    assert_eq!(app.audit_count("member.roles_bulk_added").await, 2);

    // Ann may assign, but she does not hold org:delete: she can neither hand Deleter out nor
    // take it away.
    let deletes = create_policy(&app, &cookie, &org, "Deletes", json!(["org:delete"])).await;
    let deleter = app.create_role_with(&org, "Deleter", &[&deletes]).await;
    let ann = app.user_cookie("ann@example.com").await;
    for change in ["add", "remove"] {
        let escalate = json!({ "change": change, "role_id": deleter, "all_matching": {} });
        let (status, body) = call(&app, &ann, Method::POST, &bulk, Some(escalate)).await;
        assert_forbidden(status, &body, "org:delete");
    }
    assert_eq!(holders(deleter).await, 0, "nothing changed");

    let super_admin = app.role_id(&org, "super_admin").await;
    let strip = json!({ "change": "remove", "role_id": super_admin, "all_matching": {} });
    let (status, body) = call(&app, &cookie, Method::POST, &bulk, Some(strip)).await;
    assert_eq!(status, StatusCode::CONFLICT, "the root keeps a Super Admin: {body}");
    assert_eq!(holders(super_admin).await, 1);

    let filtered = json!({ "change": "remove", "role_id": auditor, "all_matching": { "role_id": auditor } });
    let (status, outcome) = call(&app, &cookie, Method::POST, &bulk, Some(filtered)).await;
    assert_eq!((status, outcome["changed"].as_i64()), (StatusCode::OK, Some(4)), "{outcome}");
    assert_eq!(holders(auditor.clone()).await, 0);

    let both = json!({ "change": "add", "role_id": auditor, "user_ids": [], "all_matching": {} });
    let (status, body) = call(&app, &cookie, Method::POST, &bulk, Some(both)).await;
    assert_invalid_at(status, &body, &[json!(["body", "user_ids"])]);
    let unknown = json!({ "change": "add", "role_id": "nope", "user_ids": [ids[0]] });
    let (status, _) = call(&app, &cookie, Method::POST, &bulk, Some(unknown)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The role composer's preview: recomposing a role shows who gains and loses what.
async fn recomposing_a_role_previews_who_gains_and_loses_what(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let admin = app.admin_actor().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let schema_readers = create_policy(&app, &cookie, &org, "Schema readers", json!(["policy:read"])).await;
    let auditor = app.create_role_with(&org, "Auditor", &[&auditors]).await;
    let ivy = app.create_user("ivy@example.com").await;
    let members = format!("/v1/orgs/{org}/iam/members");
    let (status, _) =
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": ivy, "role_ids": [auditor] }))).await;
    assert_eq!(status, StatusCode::OK);

    let impact =
        app.domain.role_impact(&admin, &org, Some(&auditor), std::slice::from_ref(&schema_readers)).await.unwrap();
    assert_eq!((impact.member_count, impact.affected_member_count), (1, 1));
    let shifts: Vec<(&str, &str, usize)> =
        impact.shifts.iter().map(|s| (s.permission.as_str(), s.change, s.member_count)).collect();
    assert_eq!(shifts, [("policy:read", "gain", 1), ("audit:read", "lose", 1)]);
    assert_eq!(impact.shifts[0].first_names, ["ivy@example.com"]);
    let unchanged = app.domain.role_impact(&admin, &org, Some(&auditor), &[auditors]).await.unwrap();
    assert!(unchanged.shifts.is_empty());
    let unknown = app.domain.role_impact(&admin, &org, Some(&auditor), &["nope".to_owned()]).await;
    assert!(matches!(unknown, Err(warden::domain::DomainError::Invalid(_))), "{unknown:?}");
}

/// The role composer's and the assign dialog's forms, posted as a browser without JavaScript
/// posts them (repeated `policy_ids[]` / `role_ids[]` fields, ids that start with digits).
async fn the_role_forms_post_like_a_browser(engine: Engine) {
    use crate::support::http::Req;
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let readers = create_policy(&app, &cookie, &org, "Readers", json!(["policy:read"])).await;
    let form = |path: &str, fields: &[(&str, &str)]| {
        Req::new(Method::POST, path).same_origin().cookie(&cookie).header("accept", "application/json").form(fields)
    };
    let saved = app
        .send(form(
            "/api/save-role",
            &[
                ("org_id", &org),
                ("role_id", ""),
                ("version", ""),
                ("name", "Inspector"),
                ("description", ""),
                ("policy_ids[]", &auditors),
                ("policy_ids[]", &readers),
                ("is_default", "1"),
                ("sso_groups", "inspectors, audit"),
            ],
        ))
        .await;
    assert!(saved.status.is_success() || saved.status.is_redirection(), "{} {}", saved.status, saved.text());
    let (_, roles) = call(&app, &cookie, Method::GET, &format!("/v1/orgs/{org}/iam/roles?q=Inspector"), None).await;
    let role = &roles["roles"][0];
    assert_eq!(role["policy_ids"].as_array().map(Vec::len), Some(2), "{roles}");
    assert_eq!(
        (role["is_default"].as_bool(), role["sso_group_names"].clone()),
        (Some(true), json!(["inspectors", "audit"]))
    );
    let role_id = role["role_id"].as_str().unwrap().to_owned();

    let ivy = app.create_user("ivy@example.com").await;
    let back = format!("/orgs/{org}/members?q=&role=");
    let assigned = app
        .send(form(
            "/api/set-member-roles",
            &[("org_id", &org), ("user_id", &ivy), ("role_ids[]", &role_id), ("back", &back)],
        ))
        .await;
    assert!(
        assigned.status.is_success() || assigned.status.is_redirection(),
        "{} {}",
        assigned.status,
        assigned.text()
    );
    assert!(app.domain.decide(&ivy, &org, &Permission::new("policy", "read")).await.unwrap().allowed);
}

/// A search term is answered by the narrow path (matching users first, then their
/// membership) and a bulk selection of every match by the database's join: both find the same
/// members, and the narrow path pages in listing order.
async fn both_member_search_paths_agree(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let admin = app.admin_actor().await;
    let org = root_org(&app, &cookie).await;
    let auditors = create_policy(&app, &cookie, &org, "Auditors", json!(["audit:read"])).await;
    let auditor = app.create_role_with(&org, "Auditor", &[&auditors]).await;
    let members = format!("/v1/orgs/{org}/iam/members");
    for (email, roles) in [
        ("ann.lee@example.com", json!([auditor])),
        ("bob.lee@example.com", json!([])),
        ("cat@lee.example", json!([auditor])),
    ] {
        let id = app.create_user(email).await;
        call(&app, &cookie, Method::POST, &members, Some(json!({ "user_id": id, "role_ids": roles }))).await;
    }
    app.create_user("dan.lee@example.com").await;

    for (q, role, expected) in
        [("lee", None, 3), ("LEE", Some(auditor.as_str()), 2), ("example.com", None, 3), ("nobody", None, 0)]
    {
        let query = MemberQuery { q: Some(q), role_id: role, limit: 2, ..MemberQuery::default() };
        let page = app.domain.list_members(&admin, &org, &query).await.unwrap();
        let every = MemberSelection::Matching { q: Some(q), role_id: role, status: None };
        let preview = app.domain.preview_bulk_role_change(&admin, &org, &auditor, every).await.unwrap();
        assert_eq!((page.total, preview.selected), (expected, expected), "{q} {role:?}");
    }

    let first = app
        .domain
        .list_members(&admin, &org, &MemberQuery { q: Some("lee"), limit: 2, ..MemberQuery::default() })
        .await
        .unwrap();
    let emails: Vec<&str> = first.members.iter().map(|m| m.email.as_str()).collect();
    assert_eq!((emails, first.has_more), (vec!["ann.lee@example.com", "bob.lee@example.com"], true));
    let cursor = first.next_cursor.unwrap();
    let query = MemberQuery { q: Some("lee"), cursor: Some(&cursor), limit: 2, ..MemberQuery::default() };
    let rest = app.domain.list_members(&admin, &org, &query).await.unwrap();
    let emails: Vec<&str> = rest.members.iter().map(|m| m.email.as_str()).collect();
    assert_eq!((emails, rest.has_more, rest.total), (vec!["cat@lee.example"], false, 3));
}

on_both_engines!(
    both_member_search_paths_agree,
    the_role_forms_post_like_a_browser,
    recomposing_a_role_previews_who_gains_and_loses_what,
    bulk_role_changes_cover_the_ticked_or_every_match,
    the_explorer_explains_the_decision_and_names_the_fix,
    who_can_and_effective_permissions_follow_the_decision_function,
    members_are_listed_with_roles_and_effective_permissions,
    new_members_get_the_default_roles,
    roles_are_composed_of_the_orgs_policies,
    member_roles_are_set_not_added_and_never_escalate,
    roles_are_listed_changed_and_deleted,
    a_role_cannot_be_widened_beyond_its_editor,
);
