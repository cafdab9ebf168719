//! Single sign-on against a real OpenID provider (npm `oidc-provider`, started per test): the
//! configuration and its secret, the sign-in, group mapping in both modes, every refusal, and
//! the test bench. On SQLite and PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::Row;

use crate::support::{
    http::{Req, assert_invalid_at},
    inspect::{LogBuffer, every_cell},
    oidc::{self, CLIENT_SECRET, Provider, location, provider_url, sign_in_through, sso_error},
    tenants::World,
};

struct Acme {
    world: World,
    provider: Provider,
    org: String,
    /// Given by the IdP group `engineering`.
    engineers: String,
    /// Given by any group starting with `acme-admin`.
    admins: String,
}

/// A role of `org` allowing `permissions`, given by the IdP groups `groups`.
async fn mapped_role(world: &World, org: &str, name: &str, permissions: &[&str], groups: &[&str]) -> String {
    let policy = world.policy(org, &format!("{name} policy"), json!({ "permissions": permissions })).await;
    let body = json!({ "name": name, "policy_ids": [policy], "sso_group_names": groups });
    let (status, role) = world.root(Method::POST, &format!("/v1/orgs/{org}/iam/roles"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    role["role_id"].as_str().expect("id").to_owned()
}

async fn acme(engine: warden::domain::Engine, mode: &str) -> Option<Acme> {
    let world = World::start(engine).await?;
    let provider = Provider::start().await;
    let org = world.org("Acme", &world.root).await;
    let engineers = mapped_role(&world, &org, "Engineers", &["member:read"], &["engineering"]).await;
    let admins = mapped_role(&world, &org, "Acme admins", &["member:read", "role:read"], &["acme-admin*"]).await;
    let body = oidc::configuration(&provider, json!({ "mapping_mode": mode }));
    let (status, answer) = world.root(Method::PUT, &format!("/v1/orgs/{org}/sso"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    Some(Acme { world, provider, org, engineers, admins })
}

impl Acme {
    /// The roles `email` holds in Acme: (role id, source, group).
    async fn roles_of(&self, email: &str) -> Vec<(String, String, Option<String>)> {
        let (status, page) =
            self.world.root(Method::GET, &format!("/v1/orgs/{}/iam/members?limit=100", self.org), None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let member = page["members"].as_array().expect("members").iter().find(|m| m["email"] == email).cloned();
        let Some(member) = member else { return Vec::new() };
        let mut roles: Vec<_> = member["roles_detail"]
            .as_array()
            .expect("roles")
            .iter()
            .map(|r| {
                (
                    r["role_id"].as_str().expect("id").to_owned(),
                    r["source"].as_str().expect("source").to_owned(),
                    r["sso_group"].as_str().map(str::to_owned),
                )
            })
            .collect();
        roles.sort();
        roles
    }

    async fn failures(&self, reason: &str) -> i64 {
        let rows = sqlx::query("SELECT after_json FROM audit_events WHERE action = 'sso.sign_in_failed'")
            .fetch_all(self.world.app.domain.db().pool())
            .await
            .expect("audit");
        rows.iter()
            .filter(|r| {
                let after: String = r.get("after_json");
                serde_json::from_str::<Value>(&after).expect("json")["reason"] == reason
            })
            .count() as i64
    }
}

fn sorted(mut roles: Vec<(String, String, Option<String>)>) -> Vec<(String, String, Option<String>)> {
    roles.sort();
    roles
}

async fn configuration_is_validated_and_the_secret_never_comes_back(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let path = format!("/v1/orgs/{}/sso", acme.org);
    let (status, shown) = acme.world.root(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["issuer"], acme.provider.issuer.as_str());
    assert_eq!(shown["redirect_uri"], "http://127.0.0.1:3000/sso/callback");
    assert_eq!(shown["client_secret_set"], true);
    assert_eq!(shown["scopes"], json!(["openid", "email", "profile", "groups"]));
    assert!(shown.get("client_secret").is_none());

    // Every bad field is named; nothing is saved.
    let bad = json!({ "issuer": "http://login.example.com", "scopes": ["email"], "mapping_mode": "sometimes",
                      "allowed_email_domains": ["acme.test", "not a domain"], "groups_claim": "" });
    let (status, body) = acme.world.root(Method::PUT, &path, Some(bad)).await;
    assert_invalid_at(
        status,
        &body,
        &[
            json!(["body", "issuer"]),
            json!(["body", "client_secret"]),
            json!(["body", "scopes"]),
            json!(["body", "groups_claim"]),
            json!(["body", "allowed_email_domains", 1]),
            json!(["body", "mapping_mode"]),
        ],
    );
    let (_, unchanged) = acme.world.root(Method::GET, &path, None).await;
    assert_eq!(unchanged["version"], shown["version"]);

    // Fields left out keep their value, the secret included; a stale version is refused.
    let (status, changed) = acme.world.root(Method::PUT, &path, Some(json!({ "mapping_mode": "authoritative" }))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["mapping_mode"].as_str(), changed["issuer"].as_str()),
        (Some("authoritative"), Some(acme.provider.issuer.as_str()))
    );
    let (status, _) = acme.world.root(Method::PUT, &path, Some(json!({ "enabled": true, "version": 1 }))).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Stored sealed: the secret is in no column, no audit event, no answer.
    let pool = acme.world.app.domain.db().pool();
    let sealed: String =
        sqlx::query("SELECT client_secret_sealed FROM sso_configurations").fetch_one(pool).await.expect("row").get(0);
    assert!(sealed.starts_with("v1.") && !sealed.contains(CLIENT_SECRET));
    let audit: Vec<String> =
        sqlx::query("SELECT COALESCE(before_json, '') || COALESCE(after_json, '') FROM audit_events")
            .fetch_all(pool)
            .await
            .expect("audit")
            .iter()
            .map(|r| r.get(0))
            .collect();
    assert!(audit.iter().all(|a| !a.contains(CLIENT_SECRET)));
    assert!(audit.iter().any(|a| a.contains("client_secret_changed")));
    for answer in [shown.to_string(), changed.to_string()] {
        assert!(!answer.contains(CLIENT_SECRET));
    }

    // Each change is in the configuration's history: who, and what changed.
    // A new key (the old one kept to open what it sealed): the secret is sealed again with it.
    let system = warden::domain::Actor::system();
    let keys = format!("{},{}", warden::domain::sso::SecretKeys::generate(), crate::support::SECRET_KEY);
    let rotated = warden::domain::sso::SsoSettings {
        keys: Some(warden::domain::sso::SecretKeys::parse(&keys).expect("keys")),
        ..crate::support::sso_settings()
    };
    let rotated = warden::domain::Domain::new(acme.world.app.domain.db().clone()).with_sso(rotated);
    assert_eq!(rotated.reseal_sso_secrets(&system).await.expect("resealed"), 1);
    let (_, history) = acme.world.root(Method::GET, &format!("{path}/history"), None).await;
    let actions: Vec<&str> =
        history["events"].as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["sso.secret_resealed", "sso.updated", "sso.configured"], "{history}");
    let updated = &history["events"][1];
    assert_eq!(updated["actor_email"], crate::support::ADMIN_EMAIL, "{updated}");
    assert!(updated["changes"].as_array().expect("changes").iter().any(|c| c["field"] == "mapping_mode"), "{updated}");
    assert_eq!(history["events"][0]["actor_name"], "system");

    // Without sso:read it does not exist; without a configuration, 404.
    let outsider = acme.world.person("outsider@example.com", &acme.world.root).await;
    let (status, _) = acme.world.as_(&outsider, Method::GET, &path, None).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (status, _) = acme.world.as_(&outsider, Method::PUT, &path, Some(json!({ "enabled": false }))).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (status, _) = acme.world.root(Method::GET, &format!("/v1/orgs/{}/sso", acme.world.root), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = acme.world.root(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = acme.world.root(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(acme.world.app.audit_count("sso.deleted").await, 1);
}

async fn a_first_sign_in_creates_the_user_with_the_roles_their_groups_map_to(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering", "acme-admins", "marketing"]).await;
    let (done, browser) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    assert_eq!(location(&done), "/", "signed in and sent into the console");
    let cookie = browser.cookie.expect("a session");
    let me = acme.world.app.send(Req::get("/v1/me").cookie(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], "alice@acme.test");
    assert_eq!(
        acme.roles_of("alice@acme.test").await,
        sorted(vec![
            (acme.admins.clone(), "sso".into(), Some("acme-admins".into())),
            (acme.engineers.clone(), "sso".into(), Some("engineering".into())),
        ])
    );
    // The groups received, what they gave and what mapped to nothing are in the audit log.
    let after: String = sqlx::query("SELECT after_json FROM audit_events WHERE action = 'sso.sign_in'")
        .fetch_one(acme.world.app.domain.db().pool())
        .await
        .expect("audited")
        .get(0);
    let after: Value = serde_json::from_str(&after).expect("json");
    assert_eq!(after["groups"], json!(["engineering", "acme-admins", "marketing"]));
    assert_eq!(after["unmapped_groups"], json!(["marketing"]));
    assert_eq!(after["provisioned"], true);
    assert_eq!(acme.world.app.audit_count("sso.sign_in_started").await, 1);
    // The provider is kept as the actor's, for the sign-in and for what the session then does.
    let out = Req::new(Method::POST, "/api/sign-out").same_origin().cookie(&cookie).form(&[]);
    let out = acme.world.app.send(out).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{}", out.status);
    let providers: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT action, actor_email, actor_provider FROM audit_events \
         WHERE action IN ('sso.sign_in', 'sign_out') ORDER BY at, id",
    )
    .fetch_all(acme.world.app.domain.db().pool())
    .await
    .expect("audited");
    let issuer = Some(acme.provider.issuer.clone());
    assert_eq!(
        providers,
        [("sso.sign_in".into(), None, issuer.clone()), ("sign_out".into(), Some("alice@acme.test".into()), issuer)]
    );

    // The unmapped group shows on the setup page's list, with how many carried it.
    let (status, unmapped) =
        acme.world.root(Method::GET, &format!("/v1/orgs/{}/sso/unmapped-groups", acme.org), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unmapped["groups"], json!([{ "group": "marketing", "users": 1 }]));
    // One click maps it (the setup page's form), and it is no longer unmapped.
    let map = Req::new(Method::POST, "/api/map-sso-group").same_origin().cookie(&acme.world.root_cookie).form(&[
        ("org_id", acme.org.as_str()),
        ("group", "marketing"),
        ("role_id", acme.engineers.as_str()),
    ]);
    let mapped = acme.world.app.send(map).await;
    assert!(mapped.status.is_success() || mapped.status.is_redirection(), "{} {}", mapped.status, mapped.text());
    let (_, unmapped) = acme.world.root(Method::GET, &format!("/v1/orgs/{}/sso/unmapped-groups", acme.org), None).await;
    assert_eq!(unmapped["groups"], json!([]));
    let (_, role) =
        acme.world.root(Method::GET, &format!("/v1/orgs/{}/iam/roles/{}", acme.org, acme.engineers), None).await;
    assert_eq!(role["sso_group_names"], json!(["engineering", "marketing"]));

    // An account without a password cannot sign in with one.
    let by_password = acme.world.app.sign_in("alice@acme.test", "").await;
    assert_ne!(by_password.status, StatusCode::OK);
    let by_password = acme.world.app.sign_in("alice@acme.test", "guessed password").await;
    assert_eq!(by_password.status, StatusCode::UNAUTHORIZED, "{}", by_password.text());
}

/// The groups that map to nothing page like every list: most carried first, then by name.
async fn the_groups_that_map_to_nothing_are_paged(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering", "x-1", "x-2", "x-3"]).await;
    sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    acme.provider.set_groups("bob", "bob@acme.test", &["x-3"]).await;
    sign_in_through(&acme.world.app, &acme.provider, "bob@acme.test", "bob").await;
    let path = format!("/v1/orgs/{}/sso/unmapped-groups?limit=2", acme.org);
    let (status, first) = acme.world.root(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["groups"], json!([{ "group": "x-3", "users": 2 }, { "group": "x-1", "users": 1 }]));
    let cursor = first["next_cursor"].as_str().expect("a next page");
    assert_eq!(first["has_more"], true);
    let (_, second) = acme.world.root(Method::GET, &format!("{path}&cursor={cursor}"), None).await;
    assert_eq!(second["groups"], json!([{ "group": "x-2", "users": 1 }]));
    assert_eq!((&second["has_more"], &second["next_cursor"]), (&json!(false), &Value::Null));
}

async fn later_sign_ins_follow_the_groups_per_mode_and_leave_manual_roles(engine: warden::domain::Engine) {
    for mode in ["additive", "authoritative"] {
        let Some(acme) = acme(engine, mode).await else { return };
        let viewer = acme.world.allow_role(&acme.org, "Viewer", &["org:read"]).await;
        acme.provider.set_groups("alice", "alice@acme.test", &["engineering", "acme-admins"]).await;
        let (first, _) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
        assert_eq!(location(&first), "/");
        let alice: String = sqlx::query("SELECT id FROM users WHERE email_normalized = 'alice@acme.test'")
            .fetch_one(acme.world.app.domain.db().pool())
            .await
            .expect("alice")
            .get(0);
        // An admin gives a role by hand.
        let current: Vec<String> = acme.roles_of("alice@acme.test").await.into_iter().map(|r| r.0).collect();
        let mut wanted: Vec<&str> = current.iter().map(String::as_str).collect();
        wanted.push(&viewer);
        acme.world.give(&acme.org, &alice, &wanted).await;

        // At the provider, alice leaves acme-admins.
        acme.provider.set_groups("alice", "alice@acme.test", &["engineering"]).await;
        let (second, _) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
        assert_eq!(location(&second), "/");
        let mut expected = vec![
            (acme.engineers.clone(), "sso".to_owned(), Some("engineering".to_owned())),
            (viewer.clone(), "manual".to_owned(), None),
        ];
        if mode == "additive" {
            expected.push((acme.admins.clone(), "sso".to_owned(), Some("acme-admins".to_owned())));
        }
        assert_eq!(acme.roles_of("alice@acme.test").await, sorted(expected), "{mode}");
    }
}

async fn default_roles_when_no_group_matches(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "authoritative").await else { return };
    let newcomer = acme.world.allow_role(&acme.org, "Newcomer", &["org:read"]).await;
    let (status, body) = acme
        .world
        .root(
            Method::PATCH,
            &format!("/v1/orgs/{}/iam/roles/{newcomer}", acme.org),
            Some(json!({ "is_default": true })),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    acme.provider.set_groups("dave", "dave@acme.test", &["sales"]).await;
    let (done, _) = sign_in_through(&acme.world.app, &acme.provider, "dave@acme.test", "dave").await;
    assert_eq!(location(&done), "/");
    assert_eq!(acme.roles_of("dave@acme.test").await, vec![(newcomer.clone(), "default".to_owned(), None)]);

    // Once a group maps, the default given by SSO goes (authoritative).
    acme.provider.set_groups("dave", "dave@acme.test", &["sales", "engineering"]).await;
    sign_in_through(&acme.world.app, &acme.provider, "dave@acme.test", "dave").await;
    assert_eq!(
        acme.roles_of("dave@acme.test").await,
        vec![(acme.engineers.clone(), "sso".to_owned(), Some("engineering".to_owned()))]
    );
}

async fn every_bad_answer_is_refused_clearly_and_audited(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let app = &acme.world.app;
    let provider = &acme.provider;
    provider.set_groups("alice", "alice@acme.test", &["engineering"]).await;

    // Tampered ID tokens: each verification of the library is exercised.
    for (mode, expected) in [
        ("wrong_nonce", "id_token_invalid"),
        ("wrong_audience", "id_token_invalid"),
        ("expired", "id_token_invalid"),
        ("wrong_issuer", "id_token_invalid"),
        ("bad_signature", "id_token_invalid"),
    ] {
        provider.mischief(Some(mode)).await;
        let before = acme.failures(expected).await;
        let (done, browser) = sign_in_through(app, provider, "alice@acme.test", "alice").await;
        assert_eq!(sso_error(&done).as_deref(), Some("token_rejected"), "{mode}");
        assert_eq!(acme.failures(expected).await, before + 1, "{mode} is audited");
        let me = app.send(Req::get("/v1/me").cookie(browser.cookie.as_deref().unwrap_or(""))).await;
        assert_eq!(me.status, StatusCode::UNAUTHORIZED, "{mode}: not signed in");
    }
    provider.mischief(None).await;
    let text = location(&sign_in_through(app, provider, "alice@acme.test", "alice").await.0);
    assert_eq!(text, "/", "a clean answer signs in");

    // A callback brought by another browser (which does not burn it for the right one), the
    // same callback replayed, and one with a forged state.
    let mut browser = oidc::WardenBrowser::default();
    let started = browser.start(app, "alice@acme.test").await;
    let callback = provider.log_in(&provider_url(&started), "alice").await;
    let mut other_browser = oidc::WardenBrowser::default();
    assert_eq!(sso_error(&other_browser.callback(app, &callback).await).as_deref(), Some("state_invalid"));
    assert_eq!(acme.failures("other_browser").await, 1);
    assert_eq!(location(&browser.callback(app, &callback).await), "/");
    assert_eq!(sso_error(&browser.callback(app, &callback).await).as_deref(), Some("state_invalid"), "replayed");
    assert_eq!(acme.failures("unknown_state").await, 1);
    let forged = browser.callback(app, "http://127.0.0.1:3000/sso/callback?code=abc&state=forged").await;
    assert_eq!(sso_error(&forged).as_deref(), Some("state_invalid"));

    // The provider's own refusal.
    let started = browser.start(app, "alice@acme.test").await;
    let authorization = provider_url(&started);
    let state = url::Url::parse(&authorization)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .expect("state")
        .1
        .into_owned();
    let refused =
        browser.callback(app, &format!("http://127.0.0.1:3000/sso/callback?error=access_denied&state={state}")).await;
    assert_eq!(sso_error(&refused).as_deref(), Some("provider_refused"));

    // Unverified email, a domain not allowed, and an unknown user while JIT is off.
    let (done, _) = sign_in_through(app, provider, "bob@acme.test", "bob").await;
    assert_eq!(sso_error(&done).as_deref(), Some("email_unverified"));
    let (done, _) = sign_in_through(app, provider, "alice@acme.test", "carol").await;
    assert_eq!(sso_error(&done).as_deref(), Some("domain_not_allowed"));
    let (status, _) = acme
        .world
        .root(Method::PUT, &format!("/v1/orgs/{}/sso", acme.org), Some(json!({ "jit_provisioning": false })))
        .await;
    assert_eq!(status, StatusCode::OK);
    provider.set_groups("erin", "erin@acme.test", &["engineering"]).await;
    let (done, _) = sign_in_through(app, provider, "erin@acme.test", "erin").await;
    assert_eq!(sso_error(&done).as_deref(), Some("no_account"));
    let providers: Vec<Option<String>> = sqlx::query(
        "SELECT actor_provider FROM audit_events WHERE action = 'sso.sign_in_failed' AND org_id IS NOT NULL",
    )
    .fetch_all(acme.world.app.domain.db().pool())
    .await
    .expect("audit")
    .iter()
    .map(|row| row.get("actor_provider"))
    .collect();
    assert!(!providers.is_empty());
    assert!(
        providers.iter().all(|p| p.as_deref() == Some(provider.issuer.as_str())),
        "each refusal names the provider: {providers:?}"
    );
    for reason in ["email_unverified", "domain_not_allowed", "no_account", "provider_error"] {
        assert_eq!(acme.failures(reason).await, 1, "{reason} is audited");
    }

    // An identity provider vouches only for its own organization's people: the root's admin
    // cannot be signed in through Acme's provider, whatever it claims.
    let (status, _) = acme
        .world
        .root(
            Method::PUT,
            &format!("/v1/orgs/{}/sso", acme.org),
            Some(json!({ "allowed_email_domains": ["acme.test", "example.com"], "jit_provisioning": true })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    provider.set_groups("mallory", crate::support::ADMIN_EMAIL, &["acme-admins"]).await;
    let (done, _) = sign_in_through(app, provider, "alice@acme.test", "mallory").await;
    assert_eq!(sso_error(&done).as_deref(), Some("no_account"), "answered like an unknown address");
    assert_eq!(acme.failures("account_elsewhere").await, 1);
    // Nor through the root's own provider: the account has a password, and its owner is not
    // the one signing in.
    let root_sso = oidc::configuration(provider, json!({ "allowed_email_domains": ["example.com"] }));
    let (status, body) =
        acme.world.root(Method::PUT, &format!("/v1/orgs/{}/sso", acme.world.root), Some(root_sso)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut browser = oidc::WardenBrowser::default();
    let started = browser.start_at(app, &acme.world.root, crate::support::ADMIN_EMAIL).await;
    let callback = provider.log_in(&provider_url(&started), "mallory").await;
    assert_eq!(sso_error(&browser.callback(app, &callback).await).as_deref(), Some("password_account"));

    // Nothing answered or logged carries a token, a code or the secret.
    let audit: Vec<String> = sqlx::query("SELECT COALESCE(after_json, '') FROM audit_events WHERE action LIKE 'sso.%'")
        .fetch_all(app.domain.db().pool())
        .await
        .expect("audit")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        audit.iter().all(|a| !a.contains(CLIENT_SECRET) && !a.contains("eyJ")),
        "no secret, no JWT in the audit log"
    );
}

async fn a_disabled_users_sso_session_ends(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering"]).await;
    let (_, browser) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    let cookie = browser.cookie.expect("session");
    let me = acme.world.app.send(Req::get("/v1/me").cookie(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    let alice = me.json()["user_id"].as_str().or(me.json()["id"].as_str()).expect("id").to_owned();
    let (status, body) =
        acme.world.root(Method::PATCH, &format!("/v1/users/{alice}"), Some(json!({ "status": "disabled" }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let me = acme.world.app.send(Req::get("/v1/me").cookie(&cookie)).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let (done, _) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    assert_eq!(sso_error(&done).as_deref(), Some("account_disabled"));
}

async fn the_test_bench_answers_what_a_real_sign_in_then_does(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "authoritative").await else { return };
    let preview_path = format!("/v1/orgs/{}/sso/preview", acme.org);
    // A list of groups, with an unsaved edit that maps `marketing` to Engineers.
    let draft = json!([{ "role_id": acme.engineers, "sso_group_names": ["engineering", "marketing"] }]);
    let (status, answer) =
        acme.world.root(Method::POST, &preview_path, Some(json!({ "groups": ["marketing"], "draft": draft }))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["resulting_roles"], json!(["Engineers"]));
    assert!(answer["permissions"].as_array().expect("list").contains(&json!("member:read")));
    // Claims JSON, read at the configured groups claim.
    let claims = json!({ "sub": "x", "groups": ["acme-admins-eu", "sales"] });
    let (_, answer) = acme.world.root(Method::POST, &preview_path, Some(json!({ "claims": claims }))).await;
    assert_eq!(answer["resulting_roles"], json!(["Acme admins"]));
    assert_eq!(answer["unmapped_groups"], json!(["sales"]));

    // A person's last sign-in, compared with what they hold; then the real sign-in agrees.
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering", "acme-admins"]).await;
    sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    let alice: String = sqlx::query("SELECT id FROM users WHERE email_normalized = 'alice@acme.test'")
        .fetch_one(acme.world.app.domain.db().pool())
        .await
        .expect("alice")
        .get(0);
    let (_, replay) = acme.world.root(Method::POST, &preview_path, Some(json!({ "user_id": alice }))).await;
    assert_eq!(replay["groups_from"], "last_sign_in");
    assert_eq!(replay["added"], json!([]));
    let (_, predicted) = acme
        .world
        .root(Method::POST, &preview_path, Some(json!({ "groups": ["engineering"], "user_id": alice })))
        .await;
    assert_eq!(predicted["removed"], json!(["Acme admins"]));
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering"]).await;
    sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    let (_, now) = acme.world.root(Method::POST, &preview_path, Some(json!({ "user_id": alice }))).await;
    assert_eq!(now["resulting_roles"], predicted["resulting_roles"], "the bench predicted the sign-in");
    let held: Vec<String> = acme.roles_of("alice@acme.test").await.into_iter().map(|r| r.0).collect();
    assert_eq!(held, vec![acme.engineers.clone()]);
    let (status, body) = acme.world.root(Method::POST, &preview_path, Some(json!({}))).await;
    assert_invalid_at(status, &body, &[json!(["body", "groups"])]);
}

async fn test_connection_says_what_is_wrong(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let path = format!("/v1/orgs/{}/sso/test", acme.org);
    let (status, report) = acme.world.root(Method::POST, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ok"], true, "{report}");
    let failed = |report: &Value| {
        report["checks"].as_array().expect("checks").iter().find(|c| c["ok"] == false).map(|c| c["check"].clone())
    };
    let (_, report) =
        acme.world.root(Method::POST, &path, Some(json!({ "issuer": format!("{}/", acme.provider.issuer) }))).await;
    assert_eq!(failed(&report), Some(json!("issuer")), "{report}");
    let (_, report) = acme.world.root(Method::POST, &path, Some(json!({ "issuer": "http://login.example.com" }))).await;
    assert_eq!(failed(&report), Some(json!("https")), "{report}");
    let (_, report) = acme.world.root(Method::POST, &path, Some(json!({ "issuer": "http://127.0.0.1:9" }))).await;
    assert_eq!(failed(&report), Some(json!("reachable")), "{report}");
    assert!(report["checks"][1]["message"].as_str().expect("message").contains("unreachable"), "{report}");
}

async fn mapping_a_group_to_a_role_is_granting_it(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    // An admin of Acme who may change roles and SSO but holds no org:delete.
    let manager = acme
        .world
        .allow_role(
            &acme.org,
            "SSO manager",
            &["org:read", "role:read", "role:update", "sso:read", "sso:update", "policy:read"],
        )
        .await;
    let person = acme.world.person("manager@acme.test", &acme.org).await;
    acme.world.give(&acme.org, &person.id, &[&manager]).await;
    let powerful = acme.world.allow_role(&acme.org, "Deleters", &["org:delete"]).await;
    let (status, body) = acme
        .world
        .as_(
            &person,
            Method::PATCH,
            &format!("/v1/orgs/{}/iam/roles/{powerful}", acme.org),
            Some(json!({ "sso_group_names": ["everyone"] })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "mapping a group to a role one cannot grant is refused: {body}");
    // Saving the connection itself hands out the mapped roles: refused while one maps to org:delete.
    let (status, _) = acme
        .world
        .root(
            Method::PATCH,
            &format!("/v1/orgs/{}/iam/roles/{powerful}", acme.org),
            Some(json!({ "sso_group_names": ["everyone"] })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = acme
        .world
        .as_(&person, Method::PUT, &format!("/v1/orgs/{}/sso", acme.org), Some(json!({ "enabled": true })))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(body.to_string().contains("org:delete"), "{body}");
    // Making a role the default hands it to everyone whose groups map to nothing: granting it.
    let quiet = acme.world.allow_role(&acme.org, "Quiet deleters", &["org:delete"]).await;
    let (status, body) = acme
        .world
        .as_(
            &person,
            Method::PATCH,
            &format!("/v1/orgs/{}/iam/roles/{quiet}", acme.org),
            Some(json!({ "is_default": true })),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

async fn a_password_account_is_connected_only_by_its_signed_in_owner(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let pat = acme.world.person("pat@acme.test", &acme.org).await;
    acme.provider.set_groups("pat", "pat@acme.test", &["engineering"]).await;
    let (done, _) = sign_in_through(&acme.world.app, &acme.provider, "pat@acme.test", "pat").await;
    assert_eq!(sso_error(&done).as_deref(), Some("password_account"));

    // Signed in with the password, pat connects the provider from the account page. A failed
    // attempt comes back there, explained (the sign-in page would send pat away).
    let mut browser = oidc::WardenBrowser { cookie: Some(pat.cookie.clone()) };
    let connect = || {
        Req::new(Method::POST, "/sso/start")
            .same_origin()
            .form(&[("identifier", "pat@acme.test"), ("next", "/account")])
    };
    let started = browser.send(&acme.world.app, connect()).await;
    let callback = acme.provider.log_in(&provider_url(&started), "bob").await;
    let failed = browser.callback(&acme.world.app, &callback).await;
    assert_eq!(location(&failed), "/account?sso_error=email_unverified");
    let page = browser.send(&acme.world.app, Req::page("/account?sso_error=email_unverified")).await;
    assert!(page.text().contains("has not verified your email address"), "{}", page.text());
    let started = browser.send(&acme.world.app, connect()).await;
    let callback = acme.provider.log_in(&provider_url(&started), "pat").await;
    let done = browser.callback(&acme.world.app, &callback).await;
    assert_eq!(location(&done), "/account");

    // From now on the provider alone signs pat in, with the mapped role.
    let (done, _) = sign_in_through(&acme.world.app, &acme.provider, "pat@acme.test", "pat").await;
    assert_eq!(location(&done), "/");
    assert!(acme.roles_of("pat@acme.test").await.iter().any(|r| r.0 == acme.engineers));

    // Another issuer is another set of people: the link goes, and the secret must come again.
    let path = format!("/v1/orgs/{}/sso", acme.org);
    let other_issuer = format!("{}/", acme.provider.issuer);
    let (status, body) = acme.world.root(Method::PUT, &path, Some(json!({ "issuer": other_issuer }))).await;
    assert_invalid_at(status, &body, &[json!(["body", "client_secret"])]);
    let changed = json!({ "issuer": other_issuer, "client_secret": CLIENT_SECRET });
    let (status, body) = acme.world.root(Method::PUT, &path, Some(changed)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let links: i64 = sqlx::query("SELECT COUNT(*) FROM sso_identities")
        .fetch_one(acme.world.app.domain.db().pool())
        .await
        .expect("count")
        .get(0);
    assert_eq!(links, 0);
}

async fn the_client_secret_reaches_no_log_line_and_no_cell(engine: warden::domain::Engine) {
    let log = LogBuffer::default();
    let _capturing = log.capture();
    let Some(acme) = acme(engine, "additive").await else { return };
    let path = format!("/v1/orgs/{}/sso", acme.org);
    // A refused change carrying the secret, an answer, a sign-in that uses it, and one whose
    // exchange fails.
    let bad = json!({ "client_secret": CLIENT_SECRET, "mapping_mode": "sometimes" });
    assert_eq!(acme.world.root(Method::PUT, &path, Some(bad)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(acme.world.root(Method::GET, &path, None).await.0, StatusCode::OK);
    acme.provider.set_groups("alice", "alice@acme.test", &["engineering"]).await;
    assert_eq!(location(&sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await.0), "/");
    acme.provider.mischief(Some("bad_signature")).await;
    let (refused, _) = sign_in_through(&acme.world.app, &acme.provider, "alice@acme.test", "alice").await;
    assert_eq!(sso_error(&refused).as_deref(), Some("token_rejected"));

    let logged = log.text();
    assert!(logged.contains("request finished status=422"), "the requests were logged:\n{logged}");
    assert!(!logged.contains(CLIENT_SECRET), "the client secret is in the log:\n{logged}");
    let cells = every_cell(&acme.world.app).await;
    let exposed: Vec<&String> =
        cells.iter().filter(|(_, v)| v.contains(CLIENT_SECRET)).map(|(place, _)| place).collect();
    assert!(exposed.is_empty(), "the client secret is stored in the clear in {exposed:?}");
    assert!(cells.iter().any(|(place, v)| place == "sso_configurations.client_secret_sealed" && v.starts_with("v1.")));
}

async fn seed_003_organizations_carry_their_sso_configuration(engine: warden::domain::Engine) {
    let Some(world) = World::start(engine).await else { return };
    let provider_issuer = "https://login.globex.test";
    let sso = json!({ "issuer": provider_issuer, "client_id": "warden", "client_secret": "globex-secret",
                      "allowed_email_domains": ["globex.test"], "mapping_mode": "authoritative" });
    let body = json!({ "name": "Globex", "contact_email": "ops@globex.test", "parent_organization_id": world.root,
                       "can_have_child_organizations": true, "sso_configuration": sso });
    let (status, org) = world.root(Method::POST, "/v1/orgs", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{org}");
    assert_eq!(org["sso_configuration"]["issuer"], provider_issuer);
    assert_eq!(org["sso_configuration"]["client_secret_set"], true);
    assert!(!org.to_string().contains("globex-secret"));
    let id = org["id"].as_str().expect("id");
    let (_, shown) = world.root(Method::GET, &format!("/v1/orgs/{id}"), None).await;
    assert_eq!(shown["sso_configuration"]["mapping_mode"], "authoritative");
    assert_eq!(shown["sso_configuration"]["redirect_uri"], "http://127.0.0.1:3000/sso/callback");
    let (status, patched) = world
        .root(Method::PATCH, &format!("/v1/orgs/{id}"), Some(json!({ "sso_configuration": { "enabled": false } })))
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["sso_configuration"]["enabled"], false);
    // A bad configuration is named inside it, and nothing is made.
    let bad = json!({ "name": "Initech", "contact_email": "ops@initech.test", "parent_organization_id": world.root,
                      "can_have_child_organizations": true, "sso_configuration": { "issuer": "ftp://x" } });
    let (status, body) = world.root(Method::POST, "/v1/orgs", Some(bad)).await;
    assert_invalid_at(
        status,
        &body,
        &[
            json!(["body", "sso_configuration", "issuer"]),
            json!(["body", "sso_configuration", "client_id"]),
            json!(["body", "sso_configuration", "client_secret"]),
        ],
    );
    let (_, list) = world.root(Method::GET, "/v1/orgs?q=Initech", None).await;
    assert_eq!(list["organizations"], json!([]));
    // Without sso:read the configuration is not shown.
    let member = world.person("someone@globex.test", id).await;
    let (_, seen) = world.as_(&member, Method::GET, &format!("/v1/orgs/{id}"), None).await;
    assert!(seen["sso_configuration"].is_null(), "{seen}");
}

/// A provider that serves `document` (with `{issuer}` and `{jwks}` filled in) and `keys`, on a
/// free loopback port; returns its issuer.
async fn fake_provider(document: Value, keys: Value) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let issuer = format!("http://{}", listener.local_addr().expect("address"));
    let text = document.to_string().replace("{issuer}", &issuer).replace("{jwks}", &format!("{issuer}/jwks"));
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            axum::routing::get(move || async move { ([("content-type", "application/json")], text) }),
        )
        .route("/jwks", axum::routing::get(move || async move { axum::Json(keys) }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    issuer
}

async fn test_connection_names_each_missing_capability(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let path = format!("/v1/orgs/{}/sso/test", acme.org);
    let key = json!({ "keys": [{ "kty": "RSA", "use": "sig", "kid": "k", "n": "AQAB", "e": "AQAB" }] });
    let good = json!({ "issuer": "{issuer}", "authorization_endpoint": "{issuer}/auth", "token_endpoint": "{issuer}/token",
                       "jwks_uri": "{jwks}", "response_types_supported": ["code"], "subject_types_supported": ["public"],
                       "id_token_signing_alg_values_supported": ["RS256"] });
    let with = |field: &str, value: Value| {
        let mut document = good.clone();
        document[field] = value;
        document
    };
    let big = json!({ "issuer": "{issuer}", "padding": "x".repeat(600 * 1024) });
    for (document, keys, failing, words) in [
        (
            with("response_types_supported", json!(["id_token"])),
            key.clone(),
            "authorization_code",
            "authorization code flow",
        ),
        (
            with("grant_types_supported", json!(["implicit"])),
            key.clone(),
            "authorization_code",
            "authorization code flow",
        ),
        (
            with("id_token_signing_alg_values_supported", json!(["HS256"])),
            key.clone(),
            "algorithms",
            "Unsupported algorithm",
        ),
        (good.clone(), json!({ "keys": [] }), "signing_keys", "no signing keys"),
        (big, key.clone(), "reachable", "larger than"),
    ] {
        let issuer = fake_provider(document, keys).await;
        let (status, report) = acme.world.root(Method::POST, &path, Some(json!({ "issuer": issuer }))).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let failed =
            report["checks"].as_array().expect("checks").iter().find(|c| c["ok"] == false).cloned().expect("a failure");
        assert_eq!(failed["check"], failing, "{report}");
        assert!(failed["message"].as_str().expect("message").contains(words), "{report}");
    }
}

async fn an_email_domain_shared_by_two_organizations_lets_the_person_choose(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let sister = acme.world.org("Acme Labs", &acme.world.root).await;
    let body = oidc::configuration(&acme.provider, json!({}));
    let (status, answer) = acme.world.root(Method::PUT, &format!("/v1/orgs/{sister}/sso"), Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let mut browser = oidc::WardenBrowser::default();
    let started = browser.start(&acme.world.app, "alice@acme.test").await;
    let choose = location(&started);
    assert!(choose.starts_with("/sign-in/sso?"), "{choose}");
    let page = acme.world.app.send(Req::page(&choose)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    assert!(text.contains("Acme Labs") && text.contains(&format!("value=\"{sister}\"")), "both are offered");
    // Picking one goes on to the provider, for that organization.
    acme.provider.set_groups("alice", "alice@acme.test", &[]).await;
    let picked = browser.start_at(&acme.world.app, &sister, "alice@acme.test").await;
    let callback = acme.provider.log_in(&provider_url(&picked), "alice").await;
    assert_eq!(location(&browser.callback(&acme.world.app, &callback).await), "/");
    let (_, members) = acme.world.root(Method::GET, &format!("/v1/orgs/{sister}/iam/members"), None).await;
    assert!(members.to_string().contains("alice@acme.test"), "alice joined Acme Labs: {members}");
}

/// The configuration, and the organization with it, go back through PUT as GET answered them,
/// by the organization's code too; sent back unchanged inside the organization, the
/// configuration is not written again. A read-only field sent for an organization the caller
/// cannot see answers like one that does not exist.
async fn bodies_as_read_go_back_through_put(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let world = &acme.world;
    let (status, _) =
        world.root(Method::PATCH, &format!("/v1/orgs/{}", acme.org), Some(json!({ "code": "acme" }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, read) = world.root(Method::GET, "/v1/orgs/acme/sso", None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let (status, answer) = world.root(Method::PUT, "/v1/orgs/acme/sso", Some(read)).await;
    assert_eq!(status, StatusCode::OK, "by the organization's code: {answer}");

    let written = world.app.audit_count("sso.updated").await;
    let (_, mut organization) = world.root(Method::GET, "/v1/orgs/acme", None).await;
    assert!(organization["sso_configuration"].is_object(), "{organization}");
    organization["name"] = json!("Acme Renamed");
    let (status, answer) = world.root(Method::PUT, "/v1/orgs/acme", Some(organization)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["name"], "Acme Renamed");
    assert_eq!(world.app.audit_count("sso.updated").await, written, "the configuration as read is not written again");

    let meadow = world.org("Meadow", &world.root).await;
    let stranger = world.person("stranger@meadow.example", &meadow).await;
    let body = json!({ "client_secret_set": false });
    let (hidden, _) =
        world.as_(&stranger, Method::PUT, &format!("/v1/orgs/{}/sso", acme.org), Some(body.clone())).await;
    let (missing, _) = world.as_(&stranger, Method::PUT, "/v1/orgs/no-such-org/sso", Some(body)).await;
    assert_eq!((hidden, missing), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
}

/// Anyone can start a sign-in or come back with a made-up answer: past 60 such events a minute
/// the log counts them instead of writing each, and the next event written says how many.
async fn a_flood_of_unsigned_sso_requests_writes_a_bounded_number_of_events(engine: warden::domain::Engine) {
    let Some(acme) = acme(engine, "additive").await else { return };
    let app = &acme.world.app;
    let forged = || Req::page("/sso/callback?state=forged&code=forged");
    for _ in 0..65 {
        let answer = app.send(forged()).await;
        assert!(answer.status.is_redirection(), "{}", answer.status);
    }
    assert_eq!(app.audit_count("sso.sign_in_failed").await, 60, "the minute's budget, not one per request");
    // A minute later (the budget's row moved back), the next one is written, with the count.
    sqlx::query("UPDATE audit_event_budget SET minute = '2000-01-01T00:00'")
        .execute(app.domain.db().pool())
        .await
        .expect("an earlier minute");
    app.send(forged()).await;
    assert_eq!(app.audit_count("sso.sign_in_failed").await, 61);
    let after: String = sqlx::query(
        "SELECT after_json FROM audit_events WHERE action = 'sso.sign_in_failed' ORDER BY at DESC, id DESC",
    )
    .fetch_one(app.domain.db().pool())
    .await
    .expect("the latest")
    .get(0);
    let after: Value = serde_json::from_str(&after).expect("json");
    assert_eq!(after["unrecorded_before"], 5, "{after}");
    // Starts have their own budget: a real one is still written.
    acme.provider.set_groups("pat", "pat@acme.test", &["engineering"]).await;
    let (done, _) = sign_in_through(app, &acme.provider, "pat@acme.test", "pat").await;
    assert!(done.status.is_redirection());
    assert_eq!(app.audit_count("sso.sign_in_started").await, 1);
}

on_both_engines!(
    bodies_as_read_go_back_through_put,
    test_connection_names_each_missing_capability,
    an_email_domain_shared_by_two_organizations_lets_the_person_choose,
    seed_003_organizations_carry_their_sso_configuration,
    the_client_secret_reaches_no_log_line_and_no_cell,
    a_password_account_is_connected_only_by_its_signed_in_owner,
    configuration_is_validated_and_the_secret_never_comes_back,
    a_first_sign_in_creates_the_user_with_the_roles_their_groups_map_to,
    the_groups_that_map_to_nothing_are_paged,
    later_sign_ins_follow_the_groups_per_mode_and_leave_manual_roles,
    default_roles_when_no_group_matches,
    every_bad_answer_is_refused_clearly_and_audited,
    a_disabled_users_sso_session_ends,
    the_test_bench_answers_what_a_real_sign_in_then_does,
    test_connection_says_what_is_wrong,
    mapping_a_group_to_a_role_is_granting_it,
    a_flood_of_unsigned_sso_requests_writes_a_bounded_number_of_events,
);
