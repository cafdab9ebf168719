//! The audit log through the REST API and its page: newest first, filtered, paged by cursor,
//! with what each event changed; `audit:read` required, and an organization the reader may not
//! see answers like one that does not exist.

use std::collections::HashSet;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::Engine;

use crate::support::{
    http::{Req, call},
    tenants::World,
};

fn actions(page: &Value) -> Vec<String> {
    page["events"].as_array().expect("events").iter().map(|e| e["action"].as_str().unwrap_or("").to_owned()).collect()
}

async fn log(world: &World, cookie: &str, org: &str, query: &str) -> (StatusCode, Value) {
    call(&world.app, cookie, Method::GET, &format!("/v1/orgs/{org}/iam/audit{query}"), None).await
}

async fn an_organizations_log_is_filtered_and_paged_newest_first(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let reading = world.policy(&acme, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let writing = world.policy(&acme, "Writing", json!({ "permissions": ["policy:update"] })).await;
    let editors = world.role(&acme, "Editors", &[&reading]).await;
    let body = json!({ "policy_ids": [writing] });
    let (status, answer) = world.root(Method::PATCH, &format!("/v1/orgs/{acme}/iam/roles/{editors}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (status, page) = log(&world, &world.root_cookie, &acme, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(actions(&page)[..4], ["role.updated", "role.created", "policy.created", "policy.created"]);
    let updated = &page["events"][0];
    assert_eq!(updated["target_type"], "role");
    assert_eq!(updated["target_name"], "Editors");
    assert_eq!(updated["org_path"].as_array().map(Vec::len), Some(2), "root, then Acme: {updated}");
    assert_eq!(updated["org_path"][1], "Acme");
    let changed: Vec<&str> =
        updated["changes"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(changed, ["policies", "policy_ids"], "only what changed: {updated}");
    assert_eq!(updated["changes"][0]["before"], json!(["Reading"]), "names as they were: {updated}");
    assert_eq!(updated["changes"][0]["after"], json!(["Writing"]));
    assert_eq!(updated["changes"][1]["before"], json!([reading]));
    assert_eq!(updated["changes"][1]["after"], json!([writing]));
    assert!(updated["actor_name"].as_str().is_some_and(|n| !n.is_empty()));

    // Filters.
    let (_, roles) = log(&world, &world.root_cookie, &acme, "?action=role.*").await;
    assert_eq!(actions(&roles), ["role.updated", "role.created"]);
    let (_, one) = log(&world, &world.root_cookie, &acme, &format!("?target_type=policy&target_id={writing}")).await;
    assert_eq!(actions(&one), ["policy.created"]);
    let (_, text) = log(&world, &world.root_cookie, &acme, "?q=WRITING").await;
    assert!(actions(&text).contains(&"policy.created".to_owned()), "{text}");
    assert!(!actions(&text).is_empty() && actions(&text).len() < actions(&page).len(), "{text}");
    let (_, future) = log(&world, &world.root_cookie, &acme, "?from=2999-01-01T00:00:00Z").await;
    assert_eq!(actions(&future), Vec::<String>::new());
    let (_, past) = log(&world, &world.root_cookie, &acme, "?to=2000-01-01T00:00:00%2B01:00").await;
    assert_eq!(actions(&past), Vec::<String>::new());

    // One at a time: every event once, in the same order.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = log(&world, &world.root_cookie, &acme, &format!("?limit=1{cursor}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    let all: Vec<String> =
        page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(seen, all);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len());

    // Renamed afterwards, the policy still reads as it was in the events written before.
    let body = json!({ "name": "Writing v2" });
    let (status, answer) =
        world.root(Method::PATCH, &format!("/v1/orgs/{acme}/iam/policies/{writing}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, again) = log(&world, &world.root_cookie, &acme, "?action=role.updated").await;
    assert_eq!(again["events"][0]["changes"][0]["after"], json!(["Writing"]));

    // Bad input is a 422 naming the field.
    for (query, field) in
        [("?from=yesterday", "from"), ("?limit=0", "limit"), ("?page=2", "page"), ("?cursor=zz", "cursor")]
    {
        let (status, body) = log(&world, &world.root_cookie, &acme, query).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert!(body.to_string().contains(field), "{query}: {body}");
    }
    // Events are never changed or deleted.
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let (status, _) = call(
            &world.app,
            &world.root_cookie,
            method.clone(),
            &format!("/v1/orgs/{acme}/iam/audit"),
            Some(json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }

    // The page lists the same events, and opens each to its changes.
    let html =
        world.app.send(Req::page(&format!("/orgs/{acme}/audit?action=role.updated")).cookie(&world.root_cookie)).await;
    assert_eq!(html.status, StatusCode::OK);
    let text = html.text();
    assert!(text.contains("Audit log") && text.contains("data-action=\"role.updated\""), "{text}");
    assert!(!text.contains("data-action=\"role.created\""), "filtered");
    assert!(text.contains("policy_ids") && text.contains(&writing), "the change, before and after");
}

on_both_engines!(an_organizations_log_is_filtered_and_paged_newest_first);

async fn reading_the_log_needs_audit_read_where_it_is_read(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let sales = world.org("Sales", &acme).await;
    let closed = world.org("Closed", &acme).await;
    world.policy(&sales, "Sales policy", json!({ "permissions": ["policy:read"] })).await;
    world.policy(&closed, "Closed policy", json!({ "permissions": ["policy:read"] })).await;
    // Closed after its policy was made: Acme's roles no longer reach into it.
    let (status, answer) = world
        .root(
            Method::PATCH,
            &format!("/v1/orgs/{closed}"),
            Some(json!({ "parent_has_access": false, "parent_has_access_to_descendants": false })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let auditors = world.allow_role(&acme, "Auditors", &["audit:read", "org:read"]).await;
    let readers = world.allow_role(&acme, "Readers", &["org:read"]).await;
    let member = world.predefined(&acme, "member").await;
    let auditor = world.person("auditor@example.com", &acme).await;
    world.give(&acme, &auditor.id, &[&member, &auditors]).await;
    let reader = world.person("reader@example.com", &acme).await;
    world.give(&acme, &reader.id, &[&member, &readers]).await;
    let other = world.org("Other", &world.root).await;
    let stranger = world.person("stranger@example.com", &other).await;

    // With suborganizations: Sales's events with its path; Closed's, which Acme cannot reach, not.
    let (status, page) = log(&world, &auditor.cookie, &acme, "?include_descendants=true&target_type=policy").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let names: Vec<&str> =
        page["events"].as_array().unwrap().iter().map(|e| e["target_name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Sales policy"), "{page}");
    assert!(!names.contains(&"Closed policy"), "{page}");
    let sales_event = page["events"].as_array().unwrap().iter().find(|e| e["target_name"] == "Sales policy").unwrap();
    assert_eq!(sales_event["org_path"].as_array().and_then(|p| p.last()), Some(&json!("Sales")));
    let (_, own) = log(&world, &auditor.cookie, &acme, "?target_type=policy").await;
    assert!(!own["events"].as_array().unwrap().iter().any(|e| e["target_name"] == "Sales policy"), "only Acme's own");
    // The root's events (and those of no organization, such as sign-ins) are not the auditor's.
    let (status, _) = log(&world, &auditor.cookie, &world.root, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, roots) = log(&world, &world.root_cookie, &world.root, "?action=sign_in").await;
    assert!(!actions(&roots).is_empty(), "sign-ins are in the root's log");

    // Who may see the organization but not read its log: refused, naming the permission.
    let (status, body) = log(&world, &reader.cookie, &acme, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("audit:read"), "{body}");
    // Who may not see it: exactly as an organization that does not exist.
    let (status, hidden) = log(&world, &stranger.cookie, &acme, "").await;
    let (missing_status, missing) = log(&world, &stranger.cookie, "00000000-0000-0000-0000-000000000000", "").await;
    assert_eq!((status, missing_status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    let strip = |mut v: Value| {
        if let Some(fields) = v.as_object_mut() {
            fields.retain(|k, _| k != "timestamp" && k != "message" && k != "details");
        }
        v
    };
    assert_eq!(strip(hidden), strip(missing));
}

on_both_engines!(reading_the_log_needs_audit_read_where_it_is_read);

async fn each_object_has_its_own_history(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let reading = world.policy(&acme, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let writing = world.policy(&acme, "Writing", json!({ "permissions": ["policy:update"] })).await;
    let editors = world.role(&acme, "Editors", &[&reading]).await;
    let others = world.role(&acme, "Others", &[&reading]).await;
    let body = json!({ "policy_ids": [writing] });
    let (status, answer) = world.root(Method::PATCH, &format!("/v1/orgs/{acme}/iam/roles/{editors}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let member = world.predefined(&acme, "member").await;
    let person = world.person("person@example.com", &acme).await;
    world.give(&acme, &person.id, &[&member, &editors]).await;

    let world = &world;
    let history = |path: String| async move {
        let (status, page) = world.root(Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        let targets: HashSet<String> =
            page["events"].as_array().unwrap().iter().map(|e| e["target_id"].as_str().unwrap().to_owned()).collect();
        (actions(&page), targets)
    };
    let (role, targets) = history(format!("/v1/orgs/{acme}/iam/roles/{editors}/history")).await;
    assert_eq!(role, ["role.updated", "role.created"], "the role's own, not Others'");
    assert_eq!(targets, HashSet::from([editors.clone()]));
    let (policy, _) = history(format!("/v1/orgs/{acme}/iam/policies/{writing}/history")).await;
    assert_eq!(policy, ["policy.created"]);
    let (org, _) = history(format!("/v1/orgs/{acme}/history")).await;
    assert!(org.contains(&"org.created".to_owned()), "{org:?}");
    let (membership, _) = history(format!("/v1/orgs/{acme}/iam/members/{}/history", person.id)).await;
    assert!(membership.contains(&"member.roles_set".to_owned()), "{membership:?}");
    let (_, page) = world.root(Method::GET, &format!("/v1/orgs/{acme}/iam/members/{}/history", person.id), None).await;
    let set = page["events"].as_array().unwrap().iter().find(|e| e["action"] == "member.roles_set").unwrap();
    let roles = set["changes"].as_array().unwrap().iter().find(|c| c["field"] == "roles").expect("role names");
    assert!(roles["after"].as_array().unwrap().contains(&json!("Editors")), "{set}");
    let (paged, _) = history(format!("/v1/orgs/{acme}/iam/roles/{editors}/history?limit=1")).await;
    assert_eq!(paged, ["role.updated"]);
    let (status, _) =
        world.root(Method::GET, &format!("/v1/orgs/{acme}/iam/roles/{others}/history?page=2"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The organization's page and a group's editor link to their history.
    let org_page = world.app.send(Req::page(&format!("/orgs/{acme}")).cookie(&world.root_cookie)).await.text();
    assert!(org_page.contains("audit?target_type=organization"), "the organization's History link: {org_page}");
    let body = json!({ "name": "Ops", "user_ids": [person.id], "role_ids": [editors] });
    let (status, group) = world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/groups"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{group}");
    let group_id = group["group_id"].as_str().unwrap();
    let groups_page =
        world.app.send(Req::page(&format!("/orgs/{acme}/groups?edit={group_id}")).cookie(&world.root_cookie)).await;
    let html = groups_page.text();
    assert!(
        html.contains("audit?target_type=user_group") && html.contains(group_id),
        "the group's History link: {html}"
    );

    let drawer = world
        .app
        .send(Req::page(&format!("/orgs/{acme}/members?member={}", person.id)).cookie(&world.root_cookie))
        .await;
    let html = drawer.text();
    assert!(html.contains("audit?target_type=user&") && html.contains(&person.id), "the member's History link: {html}");
    let sso_page = world.app.send(Req::page(&format!("/orgs/{acme}/sso")).cookie(&world.root_cookie)).await.text();
    assert!(
        sso_page.contains("audit?target_type=sso_configuration"),
        "the SSO configuration's History link: {sso_page}"
    );

    // A token's events go to its creator's home: its admins see it made and revoked there,
    // and the tokens page links each token to them.
    let (status, token) =
        world.as_(&person, Method::POST, "/v1/tokens", Some(json!({ "name": "ci", "expires_in_days": 30 }))).await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    let token_id = token["token_id"].as_str().unwrap().to_owned();
    let tokens_page = world.app.send(Req::page(&format!("/orgs/{acme}/tokens")).cookie(&world.root_cookie)).await;
    let html = tokens_page.text();
    let link = format!("/orgs/{acme}/audit?target_type=token");
    assert!(html.contains(&link) && html.contains(&format!("target_id={token_id}")), "a History link: {html}");
    let (status, _) = world.as_(&person, Method::DELETE, &format!("/v1/tokens/{token_id}"), None).await;
    assert!(status.is_success(), "{status}");
    let (token_events, targets) = history(format!("/v1/orgs/{acme}/iam/tokens/{token_id}/history")).await;
    assert_eq!(token_events, ["token.revoked", "token.created"]);
    assert_eq!(targets, HashSet::from([token_id.clone()]));

    // Whoever may not read the organization's log may not read its objects' history either.
    let (status, body) =
        world.as_(&person, Method::GET, &format!("/v1/orgs/{acme}/iam/roles/{editors}/history"), None).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status} {body}");
}

on_both_engines!(each_object_has_its_own_history);

/// `count` events of one organization, written straight to the log (as many mutations would).
async fn many_events(world: &World, org: &str, count: usize) {
    use warden::domain::{Actor, AuditEvent, Mutation};
    let actor = Actor::system();
    for n in 0..count {
        let name = if n % 2 == 0 { format!("=cmd|' /C calc'!A{n}") } else { format!("Policy, \"{n}\"") };
        let event = AuditEvent::new("policy.updated")
            .org(org)
            .target("policy", format!("p{n}"), name)
            .before(json!({ "n": n }))
            .after(json!({ "n": n + 1 }));
        Mutation::begin(world.app.domain.db(), &actor).await.unwrap().commit(event).await.unwrap();
    }
}

async fn an_export_holds_every_selected_event_in_either_format(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    many_events(&world, &acme, 2_500).await;
    let url = |query: &str| format!("/v1/orgs/{acme}/iam/audit/export{query}");

    let csv = world.app.send(Req::get(&url("?format=csv&action=policy.updated")).cookie(&world.root_cookie)).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text());
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.header("content-disposition").is_some_and(|d| d.starts_with("attachment;")));
    assert_eq!(csv.header("content-length"), None, "streamed, not buffered");
    let text = csv.text();
    let mut rows = text.split("\r\n").filter(|row| !row.is_empty());
    assert!(rows.next().is_some_and(|header| header.starts_with("at,action,actor_id")));
    let rows: Vec<&str> = rows.collect();
    assert_eq!(rows.len(), 2_500, "every event, across batches");
    assert!(rows.iter().all(|row| row.contains("policy.updated")));
    assert!(!text.contains(",=cmd"), "a name never starts a cell as a formula");
    assert!(text.contains("'=cmd"));

    // As browsers ask for it: compressed, which reads the stream to its end and once more.
    let gzip = Req::get(&url("?format=csv")).cookie(&world.root_cookie).header("accept-encoding", "gzip");
    let compressed = world.app.send(gzip).await;
    assert_eq!(compressed.status, StatusCode::OK);
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));

    let jsonl = world.app.send(Req::get(&url("?format=jsonl")).cookie(&world.root_cookie)).await;
    assert_eq!(jsonl.status, StatusCode::OK);
    let events: Vec<Value> =
        jsonl.text().lines().map(|line| serde_json::from_str(line).expect("a JSON line")).collect();
    let updates: Vec<&Value> = events.iter().filter(|e| e["action"] == "policy.updated").collect();
    assert_eq!(updates.len(), 2_500);
    let ids: HashSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "no event twice");
    let times: Vec<&str> = events.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "newest first");
    assert_eq!(updates[0]["changes"][0]["field"], "n");

    for (query, field) in [
        ("?format=xml", "format"),
        ("", "format"),
        ("?format=csv&limit=5", "limit"),
        ("?format=csv&cursor=x", "cursor"),
    ] {
        let refused = world.app.send(Req::get(&url(query)).cookie(&world.root_cookie)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(refused.json()["detail"][0]["loc"], json!(["query", field]), "{query}: {}", refused.text());
    }
    let other = world.org("Other", &world.root).await;
    let outsider = world.person("outsider@example.com", &other).await;
    let refused = world.app.send(Req::get(&url("?format=csv")).cookie(&outsider.cookie)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "as if Acme did not exist");
}

on_both_engines!(an_export_holds_every_selected_event_in_either_format);

async fn a_role_is_restored_to_a_version_from_its_history(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let reading = world.policy(&acme, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let writing = world.policy(&acme, "Writing", json!({ "permissions": ["policy:update"] })).await;
    let editors = world.role(&acme, "Editors", &[&writing]).await;
    let other = world.role(&acme, "Other", &[&reading]).await;
    let role_path = format!("/v1/orgs/{acme}/iam/roles/{editors}");
    let change = json!({ "policy_ids": [reading], "description": "Reads now" });
    let (status, answer) = world.root(Method::PATCH, &role_path, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, history) = world.root(Method::GET, &format!("{role_path}/history"), None).await;
    let created = history["events"][1]["id"].as_str().unwrap().to_owned();
    assert_eq!(history["events"][1]["action"], "role.created");

    // The composer opens filled with that version, to review and save.
    let page = world
        .app
        .send(Req::page(&format!("/orgs/{acme}/roles/{editors}?restore={created}")).cookie(&world.root_cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Filled with this role as it was at"), "{html}");
    assert!(html.contains(&format!("name=\"restored_from\" value=\"{created}\"")), "the form carries the version");
    assert!(!html.contains("Reads now"), "the description as it was (none), not as it is");

    // Someone who may edit roles but does not hold what the version gives: refused, as any edit.
    let editing = world
        .allow_role(&acme, "Role editors", &["role:update", "role:read", "org:read", "policy:read", "audit:read"])
        .await;
    let member = world.predefined(&acme, "member").await;
    let person = world.person("editor@example.com", &acme).await;
    world.give(&acme, &person.id, &[&member, &editing]).await;
    let restore = json!({ "policy_ids": [writing], "restored_from": created });
    let (status, body) = world.as_(&person, Method::PATCH, &role_path, Some(restore.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("policy:update"), "{body}");
    // Restoring names a version from the log: who may not read the log may not name one.
    let blind =
        world.allow_role(&acme, "Blind editors", &["role:update", "role:read", "org:read", "policy:read"]).await;
    let unseeing = world.person("blind@example.com", &acme).await;
    world.give(&acme, &unseeing.id, &[&member, &blind]).await;
    let named = json!({ "policy_ids": [reading], "restored_from": created });
    let (status, body) = world.as_(&unseeing, Method::PATCH, &role_path, Some(named)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("audit:read"), "{body}");

    // The admin restores it: audited as a restore, naming the version.
    let (status, role) = world.root(Method::PATCH, &role_path, Some(restore)).await;
    assert_eq!(status, StatusCode::OK, "{role}");
    assert_eq!(role["policy_ids"], json!([writing]));
    let (_, history) = world.root(Method::GET, &format!("{role_path}/history"), None).await;
    let restored = &history["events"][0];
    assert_eq!(restored["action"], "role.restored");
    assert_eq!(restored["after"]["restored_from"], json!(created));
    assert_eq!(restored["after"]["policies"], json!(["Writing"]));

    // Only a version of this role.
    let (_, others) = world.root(Method::GET, &format!("/v1/orgs/{acme}/iam/roles/{other}/history"), None).await;
    let elsewhere = others["events"][0]["id"].as_str().unwrap();
    for bad in [elsewhere, "no-such-event"] {
        let (status, body) = world.root(Method::PATCH, &role_path, Some(json!({ "restored_from": bad }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("restored_from"), "{body}");
    }
}

on_both_engines!(a_role_is_restored_to_a_version_from_its_history);

/// Who acted is kept as they were: name and email at that moment, and the provider they signed
/// in through (checked in `sso.rs`); renaming the account later changes no event, and the log
/// finds them by email.
async fn an_event_keeps_its_actor_as_they_were(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let author = world.allow_role(&acme, "Authors", &["policy:create", "policy:read", "org:read"]).await;
    let member = world.predefined(&acme, "member").await;
    let writer = world.person("writer@example.com", &acme).await;
    world.give(&acme, &writer.id, &[&member, &author]).await;
    let body = json!({ "name": "Written", "permissions": ["policy:read"] });
    let (status, answer) = world.as_(&writer, Method::POST, &format!("/v1/orgs/{acme}/iam/policies"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let rename = json!({ "first_name": "Renamed", "last_name": "Person" });
    let (status, answer) = world.root(Method::PATCH, &format!("/v1/users/{}", writer.id), Some(rename)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (_, page) = log(&world, &world.root_cookie, &acme, "?action=policy.created&actor=writer@example.com").await;
    let event = &page["events"][0];
    assert_eq!(event["target_name"], "Written", "{page}");
    assert_eq!(event["actor_id"], json!(writer.id));
    assert_eq!(event["actor_email"], "writer@example.com", "the email it had then");
    assert!(!event["actor_name"].as_str().unwrap_or("Renamed").contains("Renamed"), "the name it had then: {event}");
    assert_eq!(event["actor_provider"], Value::Null, "signed in with a password");
}

on_both_engines!(an_event_keeps_its_actor_as_they_were);

/// Writes an event at `at` straight into the log (as one written that long ago).
async fn event_at(world: &World, at: &str) {
    sqlx::query("INSERT INTO audit_events (id, at, actor_name, action) VALUES ($1, $2, 'system', 'old.event')")
        .bind(warden::domain::ids::new_id())
        .bind(at)
        .execute(world.app.domain.db().pool())
        .await
        .expect("written");
}

async fn count(world: &World, action: &str) -> i64 {
    world.app.audit_count(action).await
}

async fn retention_deletes_whole_days_and_says_so(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let now = warden::domain::Timestamp::parse("2026-12-05T15:30:00.000000Z").expect("a time");
    // Kept 30 days: the days before 2026-11-05 go, the whole of 2026-11-05 stays.
    event_at(&world, "2026-10-01T08:00:00.000000Z").await;
    event_at(&world, "2026-11-04T23:59:59.999999Z").await;
    event_at(&world, "2026-11-05T00:00:00.000000Z").await;
    event_at(&world, "2026-12-05T10:00:00.000000Z").await;
    let everything_else = world.app.domain.db().pool();
    let total_before: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events").fetch_one(everything_else).await.unwrap();

    let deleted = world.app.domain.apply_audit_retention(30, now).await.expect("applied");
    assert_eq!(deleted, 2);
    assert_eq!(count(&world, "old.event").await, 2, "2026-11-05 and today stay");
    let recorded = world.app.audit_events("audit.retention_applied").await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0]["deleted"], 2);
    assert_eq!(recorded[0]["deleted_before"], "2026-11-05T00:00:00.000000Z");
    let total_after: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events").fetch_one(everything_else).await.unwrap();
    assert_eq!(total_after, total_before - 2 + 1, "nothing else was touched");

    assert_eq!(world.app.domain.apply_audit_retention(30, now).await.expect("applied"), 0);
    assert_eq!(count(&world, "audit.retention_applied").await, 1, "a run that deletes nothing records nothing");
    let (_, roots) = log(&world, &world.root_cookie, &world.root, "?action=audit.retention_applied").await;
    assert_eq!(actions(&roots), ["audit.retention_applied"], "in the root's log, by Warden itself");
    assert_eq!(roots["events"][0]["actor_name"], "system");
}

on_both_engines!(retention_deletes_whole_days_and_says_so);

async fn no_endpoint_changes_or_deletes_an_event(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let (_, page) = log(&world, &world.root_cookie, &world.root, "?include_descendants=true").await;
    let event = page["events"][0]["id"].as_str().expect("an event").to_owned();
    let total = || async {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
            .fetch_one(world.app.domain.db().pool())
            .await
            .unwrap();
        n
    };
    let before = total().await;
    let body = Some(json!({ "action": "nothing.happened", "actor_name": "nobody" }));
    for org in [&world.root, &acme] {
        for path in [
            format!("/v1/orgs/{org}/iam/audit"),
            format!("/v1/orgs/{org}/iam/audit/{event}"),
            format!("/v1/orgs/{org}/iam/audit/export"),
            format!("/v1/orgs/{org}/history"),
        ] {
            for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
                let (status, answer) = world.root(method.clone(), &path, body.clone()).await;
                assert!(
                    [StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&status),
                    "{method} {path}: {status} {answer}"
                );
            }
        }
    }
    assert_eq!(total().await, before, "no event added, changed or deleted");
    let (_, again) = log(&world, &world.root_cookie, &world.root, "?include_descendants=true").await;
    assert_eq!(again["events"][0], page["events"][0]);
}

on_both_engines!(no_endpoint_changes_or_deletes_an_event);

async fn a_policy_is_restored_to_a_version_from_its_history(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let policy = world.policy(&acme, "Deleting", json!({ "permissions": ["role:delete"] })).await;
    let policy_path = format!("/v1/orgs/{acme}/iam/policies/{policy}");
    let changed = json!({ "name": "Reading", "permissions": ["role:read"] });
    let (status, answer) = world.root(Method::PATCH, &policy_path, Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, history) = world.root(Method::GET, &format!("{policy_path}/history"), None).await;
    assert_eq!(history["events"][1]["action"], "policy.created");
    let created = history["events"][1]["id"].as_str().unwrap().to_owned();
    let version = history["events"][1]["after"].clone();

    // The audit page offers it, and the editor opens filled with it.
    let (_, log_page) =
        log(&world, &world.root_cookie, &acme, &format!("?target_type=policy&target_id={policy}")).await;
    assert_eq!(log_page["events"].as_array().map(Vec::len), Some(2));
    let page = world
        .app
        .send(Req::page(&format!("/orgs/{acme}/policies/{policy}?restore={created}")).cookie(&world.root_cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("Filled with this policy as it was at"), "{html}");
    assert!(html.contains(&format!("name=\"restored_from\" value=\"{created}\"")), "the form carries the version");
    assert!(!html.contains("Reads now"), "the description as it was (none), not as it is");
    assert!(html.contains("Deleting"), "the old name is in the form");
    let audit_page = world.app.send(Req::page(&format!("/orgs/{acme}/audit")).cookie(&world.root_cookie)).await;
    assert!(audit_page.text().contains(&format!("/orgs/{acme}/policies/{policy}?restore={created}")));

    // Who may edit policies and read the log, but does not hold what the version allows.
    let editing = world
        .allow_role(&acme, "Policy editors", &["policy:update", "policy:read", "org:read", "audit:read", "role:read"])
        .await;
    let member = world.predefined(&acme, "member").await;
    let person = world.person("editor@example.com", &acme).await;
    world.give(&acme, &person.id, &[&member, &editing]).await;
    let restore = json!({ "name": version["name"], "statements": version["statements"], "restored_from": created });
    let (status, body) = world.as_(&person, Method::PATCH, &policy_path, Some(restore.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("role:delete"), "{body}");

    // The admin restores it, audited as a restore naming the version.
    let (status, restored) = world.root(Method::PATCH, &policy_path, Some(restore)).await;
    assert_eq!(status, StatusCode::OK, "{restored}");
    assert_eq!(restored["name"], "Deleting");
    let (_, history) = world.root(Method::GET, &format!("{policy_path}/history"), None).await;
    assert_eq!(history["events"][0]["action"], "policy.restored");
    assert_eq!(history["events"][0]["after"]["restored_from"], json!(created));
    assert_eq!(history["events"][0]["after"]["statements"], version["statements"]);

    // Only a version of this policy, and only on a change.
    let other = world.policy(&acme, "Other", json!({ "permissions": ["role:read"] })).await;
    let (_, others) = world.root(Method::GET, &format!("/v1/orgs/{acme}/iam/policies/{other}/history"), None).await;
    let elsewhere = others["events"][0]["id"].as_str().unwrap();
    for bad in [elsewhere, "no-such-event"] {
        let (status, body) = world.root(Method::PATCH, &policy_path, Some(json!({ "restored_from": bad }))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.to_string().contains("restored_from"), "{body}");
    }
    let create = json!({ "name": "New", "permissions": ["role:read"], "restored_from": created });
    let (status, body) = world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/policies"), Some(create)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

on_both_engines!(a_policy_is_restored_to_a_version_from_its_history);

/// The first rows of an export leave before the last are read: events deleted from the table
/// (behind the log's back, as only a test may) after the first batch arrived are not in it.
async fn an_export_streams_its_first_rows_before_reading_the_last(engine: Engine) {
    use http_body_util::BodyExt;
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    many_events(&world, &acme, 2_500).await;
    let url = format!("/v1/orgs/{acme}/iam/audit/export?format=jsonl&action=policy.updated");
    let response = world.app.send_streaming(Req::get(&url).cookie(&world.root_cookie)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body();
    let first = body.frame().await.expect("a first part").expect("readable").into_data().expect("data");
    let first_rows = first.iter().filter(|b| **b == b'\n').count();
    assert!(first_rows > 0 && first_rows < 2_500, "a first batch, not the whole file: {first_rows}");

    sqlx::query("DELETE FROM audit_events WHERE action = 'policy.updated'")
        .execute(world.app.domain.db().pool())
        .await
        .expect("deleted");
    let rest = body.collect().await.expect("the rest").to_bytes();
    let rest_rows = rest.iter().filter(|b| **b == b'\n').count();
    assert_eq!(rest_rows, 0, "what was deleted after the first part was sent is not in the export");
}

on_both_engines!(an_export_streams_its_first_rows_before_reading_the_last);

/// Events written straight to the organization's log in one transaction: `count` of them at
/// `day`, a microsecond apart, whose target is named `name` and a number.
async fn events_on(world: &World, org: &str, day: &str, name: &str, count: usize) {
    let mut tx = world.app.domain.db().begin().await.unwrap();
    for n in 0..count {
        sqlx::query(
            "INSERT INTO audit_events (id, at, actor_name, org_id, action, target_type, target_id, target_name) \
             VALUES ($1, $2, 'system', $3, 'policy.updated', 'policy', $4, $5)",
        )
        .bind(format!("{name}-{n}"))
        .bind(format!("{day}T00:00:00.{n:06}Z"))
        .bind(org)
        .bind(format!("p-{name}-{n}"))
        .bind(format!("{name} {n}"))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Every event matching `q` in Acme's log, page by page (`limit` each): their ids, and whether
/// the first page said how far back it searched.
async fn every_match(world: &World, org: &str, q: &str, limit: usize) -> (Vec<String>, Option<String>) {
    let (mut found, mut cursor, mut searched_to) = (Vec::new(), String::new(), None);
    for page_number in 0.. {
        let (status, page) = log(world, &world.root_cookie, org, &format!("?q={q}&limit={limit}{cursor}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        if page_number == 0 {
            searched_to = page["searched_to"].as_str().map(str::to_owned);
        }
        found.extend(page["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    (found, searched_to)
}

async fn a_text_search_finds_rare_text_anywhere_and_common_text_a_window_at_a_time(engine: Engine) {
    use warden::domain::audit::{TEXT_SEARCH_INDEXED_MATCHES, TEXT_SEARCH_WINDOW};
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    // The matches are older than a whole window of other events; "pin" is in more of Acme's
    // events than the index hands over.
    events_on(&world, &acme, "2025-12-01", "pinned", TEXT_SEARCH_INDEXED_MATCHES + 1).await;
    events_on(&world, &acme, "2026-01-01", "needle", 120).await;
    events_on(&world, &acme, "2026-01-02", "spin", 120).await;
    events_on(&world, &acme, "2026-06-01", "hay", TEXT_SEARCH_WINDOW + 100).await;
    // A text in more of another tenant's events than the index hands over, and in few of Acme's.
    let globex = world.org("Globex", &world.root).await;
    events_on(&world, &globex, "2025-11-01", "elsewhere", TEXT_SEARCH_INDEXED_MATCHES + 1).await;
    events_on(&world, &acme, "2025-11-02", "seen-elsewhere", 3).await;
    // Globex's newest events hold "edx", the one trigram of "pinnedx" that Acme's "pinned"
    // events lack.
    events_on(&world, &globex, "2026-07-01", "edx", 40).await;

    // A rare text is found through the index: the first page is full, every match once.
    let (status, first) = log(&world, &world.root_cookie, &acme, "?q=NEEDLE&limit=50").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let newest: Vec<String> = (70..120).rev().map(|n| format!("needle-{n}")).collect();
    let ids: Vec<&str> = first["events"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, newest, "the newest matches, though older than the window");
    assert!(first["searched_to"].is_null(), "{first}");
    let (found, _) = every_match(&world, &acme, "needle", 50).await;
    let expected: Vec<String> = (0..120).rev().map(|n| format!("needle-{n}")).collect();
    assert_eq!(found, expected, "every match once, newest first");

    // A text found in many events is looked for a window at a time: the first page reads the
    // newest window, finds none, and says how far back it read; the pages after it go on.
    let (found, searched_to) = every_match(&world, &acme, "pin", 200).await;
    assert!(searched_to.is_some_and(|at| at.starts_with("2026-06-01")), "the first page's window");
    let spins = (0..120).rev().map(|n| format!("spin-{n}"));
    let expected: Vec<String> =
        spins.chain((0..=TEXT_SEARCH_INDEXED_MATCHES).rev().map(|n| format!("pinned-{n}"))).collect();
    assert_eq!(found, expected, "every match once, newest first");

    // Whether a text is looked up in the index depends on the reader's scope alone: Globex's
    // events neither slow Acme's search down to a window at a time nor tell Acme they exist.
    let (found, searched_to) = every_match(&world, &acme, "elsewhere", 50).await;
    assert_eq!(found, ["seen-elsewhere-2", "seen-elsewhere-1", "seen-elsewhere-0"]);
    assert_eq!(searched_to, None, "found through the index at once");
    // Nor does how common a trigram is in Globex's events: "pinnedx" is looked up by trigrams
    // rare in Acme's events, "edx" among them, and found in none at once.
    let (found, searched_to) = every_match(&world, &acme, "pinnedx", 50).await;
    assert_eq!((found, searched_to), (Vec::<String>::new(), None));

    for (q, count) in [("needle", 120), ("pin", expected.len())] {
        let export = world
            .app
            .send(Req::get(&format!("/v1/orgs/{acme}/iam/audit/export?format=jsonl&q={q}")).cookie(&world.root_cookie))
            .await;
        assert_eq!(export.text().lines().count(), count, "the export holds every match of {q}");
    }

    let page = world.app.send(Req::page(&format!("/orgs/{acme}/audit?q=pin")).cookie(&world.root_cookie)).await;
    let html = page.text();
    assert!(html.contains("data-testid=\"audit-searched-to\""), "the page says how far it searched");
    assert!(!html.contains("data-testid=\"audit-empty\""), "and does not claim that nothing matches");
    let page = world.app.send(Req::page(&format!("/orgs/{acme}/audit?q=needle")).cookie(&world.root_cookie)).await;
    let html = page.text();
    assert!(html.contains("needle 119") && !html.contains("data-testid=\"audit-searched-to\""), "{html}");
}

on_both_engines!(a_text_search_finds_rare_text_anywhere_and_common_text_a_window_at_a_time);

/// How many events SQLite's text index holds in their organization's range of row numbers
/// (the organization's number times 2^40, plus one per event; events of none: number 0), and
/// how many events there are.
async fn events_in_their_range(db: &warden::domain::Database) -> (i64, i64) {
    use sqlx::Row;
    let count =
        |sql: &'static str| async move { sqlx::query(sql).fetch_one(db.pool()).await.unwrap().get::<i64, _>(0) };
    let in_range = count(
        "SELECT COUNT(*) FROM audit_search_rows r JOIN audit_events e ON e.id = r.event_id \
         LEFT JOIN audit_search_orgs o ON o.org_id = e.org_id JOIN audit_search_trigrams t ON t.rowid = r.row_id \
         WHERE r.row_id / 1099511627776 = COALESCE(o.number, 0) AND r.row_id % 1099511627776 > 0",
    )
    .await;
    (in_range, count("SELECT COUNT(*) FROM audit_events").await)
}

/// A log indexed by an earlier Warden (one range of row numbers for every organization) is
/// indexed again in ranges per organization when it next starts, and events written after
/// that land in their organization's range too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_indexes_the_log_again_in_ranges_per_organization() {
    use sqlx::Executor;
    use warden::domain::{Database, audit::AuditSearch};
    let Some(world) = World::start(Engine::Sqlite).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let globex = world.org("Globex", &world.root).await;
    events_on(&world, &acme, "2026-01-01", "acme", 30).await;
    events_on(&world, &globex, "2026-01-01", "globex", 20).await;
    events_on(&world, &acme, "2026-01-02", "rebuilt", 5).await;
    world
        .app
        .domain
        .db()
        .pool()
        .execute(
            "DROP TRIGGER audit_search_insert; DROP TRIGGER audit_search_delete; DROP TABLE audit_search_orgs; \
             DROP TABLE audit_search_rows; DROP TABLE audit_search_trigrams; \
             CREATE TABLE audit_search_rows (row_id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE); \
             CREATE VIRTUAL TABLE audit_search_trigrams USING fts5(searched, tokenize = 'trigram', detail = 'none'); \
             INSERT INTO audit_search_rows (event_id) SELECT id FROM audit_events;",
        )
        .await
        .unwrap();

    let reopened = Database::open(&world.app.db.url).await.unwrap();
    assert_eq!(reopened.audit_search(), AuditSearch::SqliteTrigrams);
    let (in_range, events) = events_in_their_range(&reopened).await;
    assert!(events > 50);
    assert_eq!(in_range, events, "every event in its organization's range");
    events_on(&world, &globex, "2026-02-01", "later", 5).await;
    assert_eq!(events_in_their_range(&reopened).await, (events + 5, events + 5));
    // In too few events for a window to hold a page of it, so looked up in the rebuilt index.
    // (The scope is smaller than a window, which would find it too: the range checks above are
    // what show the rebuild.)
    let (found, searched_to) = every_match(&world, &acme, "rebuilt", 50).await;
    assert_eq!((found.len(), searched_to), (5, None));
}

/// An index build that was interrupted (a server stopped while building it `CONCURRENTLY`)
/// leaves an invalid index, which PostgreSQL keeps up to date but never reads: the next start
/// builds it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_builds_an_abandoned_trigram_index_again() {
    use sqlx::Executor;
    use warden::domain::{Database, audit::AuditSearch};
    let Some(world) = World::start(Engine::Postgres).await else { return };
    let valid = |db: Database| async move {
        sqlx::query_scalar::<_, bool>(
            "SELECT indisvalid FROM pg_index WHERE indexrelid = 'audit_events_search_trigrams'::regclass",
        )
        .fetch_one(db.pool())
        .await
        .unwrap()
    };
    let db = world.app.domain.db().clone();
    assert!(valid(db.clone()).await);
    db.pool()
        .execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'audit_events_search_trigrams'::regclass")
        .await
        .unwrap();
    assert!(!valid(db).await);

    let reopened = Database::open(&world.app.db.url).await.unwrap();
    assert_eq!(reopened.audit_search(), AuditSearch::PostgresTrigrams);
    assert!(valid(reopened).await, "built again");
}

/// A start that finds the index valid does not take the table's lock (which `CREATE INDEX
/// CONCURRENTLY IF NOT EXISTS` takes before it looks at the name, so every start would wait
/// behind a VACUUM); a server that finds another one building the index goes on without it
/// rather than waiting on that build, and turns to it when it looks again; servers starting
/// together on an invalid index build it once, without waiting on each other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_starts_without_waiting_on_the_trigram_index() {
    use sqlx::{AnyConnection, Connection, Executor};
    use std::time::Duration;
    use warden::domain::{Database, audit::AuditSearch, trigram_index::INDEX_BUILD_LOCKS};
    let Some(world) = World::start(Engine::Postgres).await else { return };
    let url = world.app.db.url.clone();
    let open = || async {
        tokio::time::timeout(Duration::from_secs(20), Database::open(&url))
            .await
            .expect("the start does not wait")
            .unwrap()
    };
    let mut other = AnyConnection::connect(&url).await.unwrap();
    let invalidate =
        "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'audit_events_search_trigrams'::regclass";
    let key = format!("{INDEX_BUILD_LOCKS}, hashtext('audit_events_search_trigrams')");

    other.execute("BEGIN").await.unwrap();
    other.execute("LOCK TABLE audit_events IN SHARE UPDATE EXCLUSIVE MODE").await.unwrap();
    assert_eq!(open().await.audit_search(), AuditSearch::PostgresTrigrams, "held as by a VACUUM");
    other.execute("ROLLBACK").await.unwrap();

    other.execute(invalidate).await.unwrap();
    other.execute(format!("SELECT pg_advisory_lock({key})").as_str()).await.unwrap();
    let started_meanwhile = open().await;
    assert_eq!(started_meanwhile.audit_search(), AuditSearch::Windows, "another server is building it");
    other.execute(format!("SELECT pg_advisory_unlock({key})").as_str()).await.unwrap();
    started_meanwhile.prepare_search_again().await.unwrap();
    assert_eq!(started_meanwhile.audit_search(), AuditSearch::PostgresTrigrams, "built when looked at again");

    other.execute(invalidate).await.unwrap();
    let (a, b) = tokio::join!(open(), open());
    assert!([a.audit_search(), b.audit_search()].contains(&AuditSearch::PostgresTrigrams), "built by one");
    let valid: bool = sqlx::query_scalar(
        "SELECT indisvalid FROM pg_index WHERE indexrelid = 'audit_events_search_trigrams'::regclass",
    )
    .fetch_one(&mut other)
    .await
    .unwrap();
    assert!(valid);
}

/// Whether the old events are gone within five seconds.
async fn old_events_gone(world: &World) -> bool {
    for _ in 0..100 {
        if count(world, "old.event").await == 0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

async fn retention_runs_at_start_and_then_every_period(engine: Engine) {
    use std::time::Duration;
    use warden::server::maintenance;
    let Some(world) = World::start(engine).await else { return };
    event_at(&world, "2020-01-01T00:00:00.000000Z").await;
    let kept_forever = maintenance::spawn_every(world.app.domain.clone(), None, Duration::from_millis(100));
    tokio::time::sleep(Duration::from_millis(500)).await;
    kept_forever.abort();
    assert_eq!(count(&world, "old.event").await, 1, "no retention set: kept forever");

    let task = maintenance::spawn_every(world.app.domain.clone(), Some(30), Duration::from_millis(200));
    assert!(old_events_gone(&world).await, "applied at start");
    event_at(&world, "2020-01-02T00:00:00.000000Z").await;
    assert!(old_events_gone(&world).await, "and again a period later");
    task.abort();
    assert_eq!(count(&world, "audit.retention_applied").await, 2);
}

on_both_engines!(retention_runs_at_start_and_then_every_period);

async fn sqlite_gets_planner_statistics(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    if engine != Engine::Sqlite {
        return; // PostgreSQL's autovacuum keeps its own.
    }
    let db = world.app.domain.db();
    let measured = || async {
        let stats: Vec<String> = sqlx::query_scalar("SELECT stat FROM sqlite_stat1 WHERE tbl = 'audit_events'")
            .fetch_all(db.pool())
            .await
            .expect("sqlite_stat1");
        let rows = stats.first().and_then(|s| s.split(' ').next()?.parse::<i64>().ok()).unwrap_or_default();
        (stats.len(), rows)
    };
    let acme = world.org("Acme", &world.root).await;
    events_on(&world, &acme, "2026-01-01", "event", 200).await;
    db.refresh_statistics().await.expect("refreshed");
    let (indexes, rows) = measured().await;
    assert!(indexes >= 5 && rows >= 200, "the audit log's indexes have statistics: {indexes}, {rows} rows");

    events_on(&world, &acme, "2026-02-01", "more", 1_000).await;
    db.refresh_statistics().await.expect("refreshed");
    assert!(measured().await.1 >= 1_200, "measured again once it grew");
}

on_both_engines!(sqlite_gets_planner_statistics);

/// A bulk role change targets the role; each member it changed finds it in their history too,
/// and a member it left as they were does not.
async fn a_bulk_role_change_shows_in_the_history_of_each_member_it_changed(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let auditor = world.allow_role(&acme, "Auditor", &["audit:read"]).await;
    let ann = world.person("ann@acme.example", &acme).await;
    let ben = world.person("ben@acme.example", &acme).await;
    let cid = world.person("cid@acme.example", &acme).await;
    world.give(&acme, &cid.id, &[&auditor]).await;
    let history = |user: String| {
        let world = &world;
        let acme = acme.clone();
        async move {
            let path = format!("/v1/orgs/{acme}/iam/members/{user}/history");
            let (status, page) = world.root(Method::GET, &path, None).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            actions(&page)
        }
    };
    let bulk = json!({ "change": "add", "role_id": auditor, "user_ids": [ann.id, ben.id, cid.id] });
    let (status, answer) =
        world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/members/bulk-roles"), Some(bulk)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(history(ann.id.clone()).await.first().map(String::as_str), Some("member.roles_bulk_added"));
    assert_eq!(history(ben.id.clone()).await.first().map(String::as_str), Some("member.roles_bulk_added"));
    assert!(!history(cid.id.clone()).await.contains(&"member.roles_bulk_added".to_owned()), "Cid held it already");

    // Taken from every member matching a search: the ones who held it.
    let bulk = json!({ "change": "remove", "role_id": auditor, "all_matching": { "q": "acme.example" } });
    let (status, answer) =
        world.root(Method::POST, &format!("/v1/orgs/{acme}/iam/members/bulk-roles"), Some(bulk)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    for person in [&ann, &ben, &cid] {
        assert_eq!(history(person.id.clone()).await.first().map(String::as_str), Some("member.roles_bulk_removed"));
    }
    // The log filtered by the member shows it too; the role's own history has both.
    let (_, page) = log(&world, &world.root_cookie, &acme, &format!("?target_id={}", ann.id)).await;
    assert_eq!(actions(&page)[..2], ["member.roles_bulk_removed", "member.roles_bulk_added"], "{page}");
    let path = format!("/v1/orgs/{acme}/iam/roles/{auditor}/history");
    let (_, page) = world.root(Method::GET, &path, None).await;
    assert_eq!(actions(&page)[..2], ["member.roles_bulk_removed", "member.roles_bulk_added"], "{page}");
}

on_both_engines!(a_bulk_role_change_shows_in_the_history_of_each_member_it_changed);

/// What the audit page's target picker fills in (a user's email, a role's or a policy's name)
/// finds the object's events by its id, those recorded under an older name too; a target that
/// names nothing finds nothing, and the page offers what it could have meant, as links.
async fn a_target_is_found_by_what_its_picker_fills_in(engine: Engine) {
    let Some(world) = World::start(engine).await else { return };
    let acme = world.org("Acme", &world.root).await;
    let reading = world.policy(&acme, "Reading", json!({ "permissions": ["policy:read"] })).await;
    let editors = world.role(&acme, "Editors", &[&reading]).await;
    let body = json!({ "name": "Editors v2" });
    let (status, answer) = world.root(Method::PATCH, &format!("/v1/orgs/{acme}/iam/roles/{editors}"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let person = world.person("Pat.Picked@example.com", &acme).await;

    let found = |query: String| {
        let world = &world;
        let acme = acme.clone();
        async move {
            let (status, page) = log(world, &world.root_cookie, &acme, &query).await;
            assert_eq!(status, StatusCode::OK, "{query}: {page}");
            let targets: HashSet<String> = page["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["target_id"].as_str().unwrap_or("").to_owned())
                .collect();
            (actions(&page), targets)
        }
    };
    let (by_name, targets) = found("?target_type=role&target_id=Editors%20v2".to_owned()).await;
    assert_eq!(by_name, ["role.updated", "role.created"], "its events under either name");
    assert_eq!(targets, HashSet::from([editors.clone()]));
    let (by_id, _) = found(format!("?target_type=role&target_id={editors}")).await;
    assert_eq!(by_id, by_name);
    let (policy, targets) = found("?target_type=policy&target_id=reading".to_owned()).await;
    assert_eq!((policy, targets), (vec!["policy.created".to_owned()], HashSet::from([reading.clone()])));
    let (user, targets) = found("?target_type=user&target_id=PAT.PICKED@example.com".to_owned()).await;
    assert!(!user.is_empty() && targets.iter().all(|t| *t == person.id), "{user:?} {targets:?}");
    let (nothing, _) = found("?target_type=role&target_id=Editorz".to_owned()).await;
    assert_eq!(nothing, Vec::<String>::new());

    // Only what the reader may see is looked up: Acme's auditor naming another tenant's user by
    // email learns nothing of them (their id shows nowhere), while Acme's own is found.
    let globex = world.org("Globex", &world.root).await;
    let stranger = world.person("stranger@globex.example", &globex).await;
    let auditors = world.allow_role(&acme, "Auditors", &["audit:read", "org:read", "member:read"]).await;
    let auditor = world.person("auditor@acme.example", &acme).await;
    world.give(&acme, &auditor.id, &[&auditors]).await;
    let page_for = |target: &str| {
        let (world, cookie) = (&world, auditor.cookie.clone());
        let path = format!("/orgs/{acme}/audit?target_type=user&target_id={target}");
        async move { world.app.send(Req::page(&path).cookie(&cookie)).await.text() }
    };
    let text = page_for("stranger@globex.example").await;
    assert!(!text.contains(&stranger.id), "another tenant's user is not looked up: {text}");
    let text = page_for("pat.picked@example.com").await;
    assert!(text.contains(&person.id), "Acme's own is: {text}");

    // The page: named by its name, the object's tabs link to it by id; a name that names
    // nothing is offered what it could have meant, each a link to the log filtered by it.
    let html = world
        .app
        .send(
            Req::page(&format!("/orgs/{acme}/audit?target_type=role&target_id=Editors%20v2"))
                .cookie(&world.root_cookie),
        )
        .await;
    let text = html.text();
    assert!(text.contains(&format!("/orgs/{acme}/roles/{editors}")), "the role's tab: {text}");
    let html = world
        .app
        .send(Req::page(&format!("/orgs/{acme}/audit?target_type=role&target_id=Editor")).cookie(&world.root_cookie))
        .await;
    let text = html.text();
    assert!(text.contains("data-testid=\"pick-links-role\""), "{text}");
    assert!(text.contains("target_id=Editors%20v2"), "a link to the role's events: {text}");
}

on_both_engines!(a_target_is_found_by_what_its_picker_fills_in);
