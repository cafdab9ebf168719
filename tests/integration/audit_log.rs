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

    for (query, field) in [("?format=xml", "format"), ("", "format"), ("?format=csv&limit=5", "limit")] {
        let refused = world.app.send(Req::get(&url(query)).cookie(&world.root_cookie)).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert!(refused.text().contains(field), "{query}: {}", refused.text());
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
    let (status, answer) = world.root(Method::PATCH, &role_path, Some(json!({ "policy_ids": [reading] }))).await;
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

    // Someone who may edit roles but does not hold what the version gives: refused, as any edit.
    let editing =
        world.allow_role(&acme, "Role editors", &["role:update", "role:read", "org:read", "policy:read"]).await;
    let member = world.predefined(&acme, "member").await;
    let person = world.person("editor@example.com", &acme).await;
    world.give(&acme, &person.id, &[&member, &editing]).await;
    let restore = json!({ "policy_ids": [writing], "restored_from": created });
    let (status, body) = world.as_(&person, Method::PATCH, &role_path, Some(restore.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("policy:update"), "{body}");

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
