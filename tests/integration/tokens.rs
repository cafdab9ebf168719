//! Self-service API tokens (issue 14): a program calls `/v1` with `Authorization: Bearer` or
//! `X-API-KEY`, with at most its creator's current rights narrowed by the token's restriction;
//! the secret is shown once and then exists only as its SHA-256; admins see and revoke their
//! members' tokens; organizations' token policies cap lifetimes.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use warden::domain::{Engine, Timestamp, tokens::Secret};

use crate::support::{
    USER_PASSWORD,
    http::{Req, Response, assert_forbidden, assert_invalid_at, call},
    inspect::{LogBuffer, every_cell},
    tenants::{Person, World, refused_permissions},
};

const TOKENS: &str = "/v1/tokens";

/// A JSON string field, or a panic naming the body.
fn text(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("not a string: {value}")).to_owned()
}

/// A part of the secret that is never shown after creation (its visible prefix is 12
/// characters); finding it anywhere means the secret leaked. It stops before the last
/// character, so that a logged typo of the secret is caught too.
fn hidden(secret: &str) -> &str {
    &secret[12..secret.len() - 1]
}

/// The secret with its last character changed: the checksum no longer matches.
fn one_char_changed(secret: &str) -> String {
    let last = if secret.ends_with('a') { 'b' } else { 'a' };
    format!("{}{last}", &secret[..secret.len() - 1])
}

/// Makes a token as the signed-in `cookie` (201): its secret and id.
async fn make_token(w: &World, cookie: &str, body: Value) -> (String, String) {
    let (status, created) = call(&w.app, cookie, Method::POST, TOKENS, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    (text(&created["token"]), text(&created["token_id"]))
}

fn named(name: &str) -> Value {
    json!({ "name": name })
}

/// A request presenting `secret` as a bearer token, without a cookie or an Origin.
fn bearer(method: Method, path: &str, secret: &str) -> Req {
    Req::new(method, path).header("authorization", &format!("Bearer {secret}"))
}

fn json_of(response: &Response) -> Value {
    if response.body.is_empty() { Value::Null } else { response.json() }
}

/// A REST call through the token: the status and the JSON body (`null` when empty).
async fn with_token(w: &World, method: Method, path: &str, secret: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = bearer(method, path, secret);
    if let Some(body) = body {
        req = req.json(&body.to_string());
    }
    let response = w.app.send(req).await;
    (response.status, json_of(&response))
}

/// `GET /v1/me` through the token.
async fn whoami(w: &World, secret: &str) -> (StatusCode, Value) {
    with_token(w, Method::GET, "/v1/me", secret, None).await
}

/// One of the caller's own tokens, as `GET /v1/tokens/{id}` shows it.
async fn my_token(w: &World, person: &Person, token_id: &str) -> Value {
    let (status, token) = w.as_(person, Method::GET, &format!("{TOKENS}/{token_id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{token}");
    token
}

/// The 401 every refused token gets, whatever the reason.
fn assert_unauthenticated(status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "AUTHENTICATION_FAILED", "{body}");
}

/// The parts of an error body that do not vary from one request to the next.
fn shape(body: &Value) -> Value {
    json!([body["error"], body["message"], body["status_code"], body["details"]["resource_type"]])
}

/// Runs a statement on the test database.
async fn sql(w: &World, statement: &str, binds: &[&str]) {
    let mut query = sqlx::query(statement);
    for value in binds {
        query = query.bind(*value);
    }
    query.execute(w.app.domain.db().pool()).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// Moves a column of the token `days` into the past.
async fn days_ago(w: &World, column: &str, token_id: &str, days: i64) {
    let at = Timestamp::now().minus(time::Duration::days(days)).to_rfc3339();
    sql(w, &format!("UPDATE api_tokens SET {column} = $1 WHERE id = $2"), &[&at, token_id]).await;
}

/// Waits until what the token cache remembers has lapsed.
async fn past_the_token_cache() {
    tokio::time::sleep(warden::domain::tokens::cache::ENTRY_TTL + std::time::Duration::from_millis(200)).await;
}

/// A user homed in `org` holding its predefined Member role there (org, member, role and
/// policy read), signed in.
async fn member(w: &World, org: &str, email: &str) -> Person {
    let person = w.person(email, org).await;
    w.give(org, &person.id, &[&w.predefined(org, "member").await]).await;
    person
}

/// Tenant A and a Member of it.
async fn tenant_with(engine: Engine, email: &str) -> Option<(World, String, Person)> {
    let w = World::start(engine).await?;
    let a = w.org("Tenant A", &w.root).await;
    let person = member(&w, &a, email).await;
    Some((w, a, person))
}

/// Tenant A and an Admin of it.
async fn tenant_with_admin(engine: Engine, email: &str) -> Option<(World, String, Person)> {
    let (w, a, person) = tenant_with(engine, email).await?;
    w.give(&a, &person.id, &[&w.predefined(&a, "admin").await]).await;
    Some((w, a, person))
}

async fn a_token_acts_as_its_creator_until_revoked(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let body = json!({ "name": "ci", "expires_in_days": 30 });
    let (status, created) = w.as_(&creator, Method::POST, TOKENS, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (secret, id) = (text(&created["token"]), text(&created["token_id"]));
    assert!(secret.starts_with("wdn_"), "{created}");
    assert!(secret.starts_with(&text(&created["prefix"])) && secret.len() > 12, "{created}");
    assert_eq!(created["name"], "ci");
    assert!(created["created_at"].is_string() && created["expires_at"].is_string(), "{created}");
    assert!(created["restriction"].is_object(), "{created}");

    // Shown once: neither the list nor the token's own answer carries it.
    for path in [TOKENS.to_owned(), format!("{TOKENS}/{id}")] {
        let response = w.app.send(Req::get(&path).cookie(&creator.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text());
        assert!(response.text().contains(&id), "{path}: {}", response.text());
        assert!(!response.text().contains(hidden(&secret)), "{path} shows the secret");
    }

    // Either header works, as the creator.
    for req in [bearer(Method::GET, "/v1/me", &secret), Req::get("/v1/me").header("x-api-key", &secret)] {
        let response = w.app.send(req).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        assert_eq!(response.json()["user_id"], creator.id.as_str());
    }

    // Only its creator reads or revokes it; to anyone else it does not exist.
    let b = w.org("Tenant B", &w.root).await;
    let stranger = member(&w, &b, "stranger@b.example").await;
    for method in [Method::GET, Method::DELETE] {
        let (status, answer) = w.as_(&stranger, method, &format!("{TOKENS}/{id}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    }

    let (status, answer) = w.as_(&creator, Method::DELETE, &format!("{TOKENS}/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    // Revoked answers exactly like unknown, malformed and mistyped tokens, in either header.
    let unknown = Secret::generate().reveal().to_owned();
    let mut shapes = Vec::new();
    for presented in [secret.clone(), unknown, "wdn_abc".to_owned(), one_char_changed(&secret)] {
        for req in [bearer(Method::GET, "/v1/me", &presented), Req::get("/v1/me").header("x-api-key", &presented)] {
            let response = w.app.send(req).await;
            let body = json_of(&response);
            assert_unauthenticated(response.status, &body);
            shapes.push(shape(&body));
        }
    }
    assert!(shapes.windows(2).all(|pair| pair[0] == pair[1]), "{shapes:?}");
}

async fn last_use_is_recorded_by_the_batch_writer(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, named("ci")).await;
    let response = w.app.send(bearer(Method::GET, "/v1/me", &secret).client_ip([10, 1, 2, 3])).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    // Not written on the request path...
    let before = my_token(&w, &creator, &id).await;
    assert!(before["last_used_at"].is_null() && before["last_used_addr"].is_null(), "{before}");
    // ...but by the batch writer.
    assert_eq!(w.app.domain.flush_token_uses().await.expect("flush"), 1);
    let after = my_token(&w, &creator, &id).await;
    assert!(after["last_used_at"].is_string(), "{after}");
    assert_eq!(after["last_used_addr"], "10.1.2.3", "{after}");
    // At most once a minute: another use right away leaves nothing to write.
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::OK);
    assert_eq!(w.app.domain.flush_token_uses().await.expect("flush"), 0);
}

async fn lifetimes_follow_the_strictest_policy(engine: Engine) {
    let Some((w, a, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let b = w.org("Tenant B", &w.root).await;
    w.give(&b, &creator.id, &[&w.predefined(&b, "member").await]).await;
    let create = |body: Value| w.as_(&creator, Method::POST, TOKENS, Some(body));

    // The default policy: at most 365 days, an expiry required; and no expiry in the past.
    for body in [
        json!({ "name": "long", "expires_in_days": 400 }),
        json!({ "name": "forever", "never_expires": true }),
        json!({ "name": "past", "expires_on": "2020-01-01" }),
    ] {
        let (status, answer) = create(body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
    }
    // No expiry only once every organization of the creator allows it.
    let open = json!({ "max_lifetime_days": 365, "allow_no_expiry": true });
    let forever = json!({ "name": "forever", "never_expires": true });
    let (status, answer) = w.root(Method::PUT, &format!("/v1/orgs/{a}/token-policy"), Some(open.clone())).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = create(forever.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "B still requires an expiry: {answer}");
    let (status, answer) = w.root(Method::PUT, &format!("/v1/orgs/{b}/token-policy"), Some(open)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = create(forever).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    assert!(answer["expires_at"].is_null(), "{answer}");
}

/// A PUT changes the fields it gives and keeps the others, also when two PUTs of different
/// fields arrive at once: neither undoes the other (the merge happens in the domain's
/// transaction, which holds the policy's row).
async fn concurrent_partial_policy_changes_both_stay(engine: Engine) {
    let Some((w, a, _)) = tenant_with(engine, "creator@a.example").await else { return };
    let path = format!("/v1/orgs/{a}/token-policy");
    for round in 0..10_i64 {
        let days = 30 + round;
        let open = round % 2 == 0;
        let (lifetime, expiry) = tokio::join!(
            w.root(Method::PUT, &path, Some(json!({ "max_lifetime_days": days }))),
            w.root(Method::PUT, &path, Some(json!({ "allow_no_expiry": open }))),
        );
        assert_eq!((lifetime.0, expiry.0), (StatusCode::OK, StatusCode::OK), "{lifetime:?} {expiry:?}");
        let (_, policy) = w.root(Method::GET, &path, None).await;
        assert_eq!(policy, json!({ "max_lifetime_days": days, "allow_no_expiry": open }), "round {round}");
    }
}

async fn an_expired_token_is_refused(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, named("ci")).await;
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::OK);
    sql(&w, "UPDATE api_tokens SET expires_at = $1 WHERE id = $2", &["2020-01-01T00:00:00.000000Z", &id]).await;
    past_the_token_cache().await;
    let (status, answer) = whoami(&w, &secret).await;
    assert_unauthenticated(status, &answer);
    assert_eq!(my_token(&w, &creator, &id).await["status"], "expired");
}

async fn a_tightened_policy_flags_and_caps_older_tokens(engine: Engine) {
    let Some((w, a, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, json!({ "name": "yearly", "expires_in_days": 365 })).await;
    let tight = json!({ "max_lifetime_days": 30, "allow_no_expiry": false });
    let (status, answer) = w.root(Method::PUT, &format!("/v1/orgs/{a}/token-policy"), Some(tight)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let (_, list) = w.as_(&creator, Method::GET, TOKENS, None).await;
    let token = list["data"].as_array().expect("data").iter().find(|t| t["token_id"] == id.as_str()).cloned();
    let token = token.unwrap_or_else(|| panic!("not listed: {list}"));
    assert_eq!(token["status"], "exceeds_policy", "{token}");
    let at = |field: &str| Timestamp::parse(&text(&token[field])).unwrap_or_else(|| panic!("{field}: {token}"));
    assert_eq!(at("effective_expires_at").seconds_since(at("created_at")), 30 * 24 * 3600, "{token}");
    // It still works now, and stops 30 days after its creation.
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::OK);
    days_ago(&w, "created_at", &id, 31).await;
    past_the_token_cache().await;
    let (status, answer) = whoami(&w, &secret).await;
    assert_unauthenticated(status, &answer);
}

async fn a_restriction_narrows_what_the_token_may_do(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let x = w.org("Tenant X", &w.root).await;
    let y = w.org("Tenant Y", &w.root).await;
    // A Member of the root reads every organization below it.
    let creator = member(&w, &w.root, "creator@root.example").await;

    // Restricted to X's subtree, Y answers like an organization that does not exist.
    let (x_only, _) = make_token(&w, &creator.cookie, json!({ "name": "x", "restriction": { "org_id": x } })).await;
    assert_eq!(with_token(&w, Method::GET, &format!("/v1/orgs/{x}"), &x_only, None).await.0, StatusCode::OK);
    let (status, answer) = with_token(&w, Method::GET, &format!("/v1/orgs/{y}"), &x_only, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(w.as_(&creator, Method::GET, &format!("/v1/orgs/{y}"), None).await.0, StatusCode::OK, "the creator may");

    // Restricted to org:read, the token may not read members, which its creator may.
    let (read_only, _) =
        make_token(&w, &creator.cookie, json!({ "name": "ro", "restriction": { "permissions": ["org:read"] } })).await;
    assert_eq!(with_token(&w, Method::GET, &format!("/v1/orgs/{x}"), &read_only, None).await.0, StatusCode::OK);
    let members = format!("/v1/orgs/{x}/iam/members");
    let (status, answer) = with_token(&w, Method::GET, &members, &read_only, None).await;
    assert_forbidden(status, &answer, "member:read");
    assert_eq!(w.as_(&creator, Method::GET, &members, None).await.0, StatusCode::OK, "the creator may");
}

async fn a_restriction_names_only_what_the_creator_holds(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let restricted =
        |permissions: Value| json!({ "name": "restricted", "restriction": { "permissions": permissions } });
    // An unknown permission is pointed at.
    let (status, answer) =
        w.as_(&creator, Method::POST, TOKENS, Some(restricted(json!(["org:*", "nothing:such"])))).await;
    assert_invalid_at(status, &answer, &[json!(["body", "restriction", "permissions", 1])]);
    // A Member does not hold member:assign, so no token of theirs may.
    let (status, answer) = w.as_(&creator, Method::POST, TOKENS, Some(restricted(json!(["member:assign"])))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
}

async fn through_a_token_the_rule_weighs_the_token_not_the_creator(engine: Engine) {
    let Some((w, a, creator)) = tenant_with(engine, "super@a.example").await else { return };
    w.give(&a, &creator.id, &[&w.predefined(&a, "super_admin").await]).await;
    let u = w.person("u@a.example", &a).await;
    let restriction = json!({ "permissions": ["*:read", "member:*"], "org_id": a });
    let (secret, _) = make_token(&w, &creator.cookie, json!({ "name": "assigner", "restriction": restriction })).await;

    // Making someone an Admin moves everything Admin holds; the token holds reading and member:*.
    let path = format!("/v1/orgs/{a}/iam/members");
    let (member, admin) = (w.predefined(&a, "member").await, w.predefined(&a, "admin").await);
    let body = json!({ "user_id": u.id, "role_ids": [member, admin] });
    let (status, answer) = with_token(&w, Method::POST, &path, &secret, Some(body.clone())).await;
    let refused = refused_permissions(status, &answer);
    let within = |p: &String| p.starts_with("member:") || p.ends_with(":read");
    assert!(!refused.is_empty() && !refused.iter().any(within), "{answer}");
    // The Super Admin, in person, may.
    let (status, answer) = w.as_(&creator, Method::POST, &path, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
}

async fn the_token_shrinks_with_its_creator_at_once(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let b = w.org("Tenant B", &w.root).await;
    w.give(&b, &creator.id, &[&w.predefined(&b, "admin").await]).await;
    let (secret, _) = make_token(&w, &creator.cookie, named("everything")).await;
    let get = |path: String| {
        let secret = secret.clone();
        let w = &w;
        async move { with_token(w, Method::GET, &path, &secret, None).await }
    };

    // A lost role: Admin held token:read in B, Member does not.
    let tokens_of_b = format!("/v1/orgs/{b}/iam/tokens");
    assert_eq!(get(tokens_of_b.clone()).await.0, StatusCode::OK);
    w.give(&b, &creator.id, &[&w.predefined(&b, "member").await]).await;
    let (status, answer) = get(tokens_of_b).await;
    assert_forbidden(status, &answer, "token:read");

    // Removed from B: B is out of sight.
    assert_eq!(get(format!("/v1/orgs/{b}")).await.0, StatusCode::OK);
    let (status, answer) = w.root(Method::DELETE, &format!("/v1/orgs/{b}/iam/members/{}", creator.id), None).await;
    assert!(status.is_success(), "{answer}");
    let (status, answer) = get(format!("/v1/orgs/{b}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");

    // Disabled: the token no longer authenticates.
    assert_eq!(get("/v1/me".to_owned()).await.0, StatusCode::OK);
    let path = format!("/v1/users/{}", creator.id);
    let (status, answer) = w.root(Method::PATCH, &path, Some(json!({ "status": "disabled" }))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, answer) = get("/v1/me".to_owned()).await;
    assert_unauthenticated(status, &answer);
}

async fn a_token_cannot_manage_tokens_or_the_password(engine: Engine) {
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, named("one")).await;
    let (other, other_id) = make_token(&w, &creator.cookie, named("two")).await;
    let through = |method: Method, path: String, body: Option<Value>| {
        let secret = secret.clone();
        let w = &w;
        async move { with_token(w, method, &path, &secret, body).await }
    };

    let (status, answer) = through(Method::POST, TOKENS.to_owned(), Some(named("child"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no token makes tokens: {answer}");
    for path in
        [format!("{TOKENS}/{other_id}"), format!("{TOKENS}/{id}"), format!("/v1/orgs/{a}/iam/tokens/{other_id}")]
    {
        let (status, answer) = through(Method::DELETE, path.clone(), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {answer}");
    }
    assert_eq!(whoami(&w, &other).await.0, StatusCode::OK, "the other token still works");
    let body = json!({ "current_password": USER_PASSWORD, "new_password": "a brand new long passphrase" });
    let (status, answer) = through(Method::PUT, "/v1/me/password".to_owned(), Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(w.app.sign_in(&creator.email, USER_PASSWORD).await.status, StatusCode::OK, "the password is unchanged");
}

async fn tokens_come_only_in_headers_and_never_beside_a_cookie(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let (secret, _) = make_token(&w, &creator.cookie, named("ci")).await;
    let refused = |response: Response, status: StatusCode| {
        assert_eq!(response.status, status, "{}", response.text());
        assert!(!response.text().contains(hidden(&secret)), "the answer echoes the secret: {}", response.text());
    };

    refused(w.app.send(bearer(Method::GET, "/v1/me", &secret).cookie(&creator.cookie)).await, StatusCode::BAD_REQUEST);
    let twice = bearer(Method::GET, "/v1/me", &secret).header("x-api-key", &secret);
    refused(w.app.send(twice).await, StatusCode::BAD_REQUEST);
    for path in [format!("/v1/me?access_token={secret}"), format!("/v1/me?x={secret}")] {
        refused(w.app.send(Req::get(&path)).await, StatusCode::BAD_REQUEST);
        // Even beside a valid header: the query string ends up in logs.
        refused(w.app.send(bearer(Method::GET, &path, &secret)).await, StatusCode::BAD_REQUEST);
    }
    let typo = one_char_changed(&secret);
    refused(w.app.send(bearer(Method::GET, "/v1/me", &typo)).await, StatusCode::UNAUTHORIZED);
    refused(w.app.send(Req::get("/v1/me").header("x-api-key", &typo)).await, StatusCode::UNAUTHORIZED);
}

async fn the_secret_reaches_no_log_line(engine: Engine) {
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let log = LogBuffer::default();
    let _capturing = log.capture();
    let (secret, _) = make_token(&w, &creator.cookie, named("logged")).await;
    let (spare, _) = make_token(&w, &creator.cookie, named("spare")).await;

    // Good requests, refusals, a 404, a 422, a query-string token, a cookie beside it.
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::OK);
    assert_eq!(w.app.send(Req::get("/v1/me").header("x-api-key", &secret)).await.status, StatusCode::OK);
    let missing = uuid::Uuid::now_v7();
    assert_eq!(
        with_token(&w, Method::GET, &format!("/v1/orgs/{missing}"), &secret, None).await.0,
        StatusCode::NOT_FOUND
    );
    let policies = format!("/v1/orgs/{a}/iam/policies");
    let bad = json!({ "name": "", "permissions": ["nothing:such"] });
    assert_eq!(with_token(&w, Method::POST, &policies, &secret, Some(bad)).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(with_token(&w, Method::POST, TOKENS, &secret, Some(named("x"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(whoami(&w, &one_char_changed(&secret)).await.0, StatusCode::UNAUTHORIZED);
    let in_query = bearer(Method::GET, &format!("/v1/me?access_token={secret}"), &secret);
    assert_eq!(w.app.send(in_query).await.status, StatusCode::BAD_REQUEST);
    let with_cookie = bearer(Method::GET, "/v1/me", &secret).cookie(&creator.cookie);
    assert_eq!(w.app.send(with_cookie).await.status, StatusCode::BAD_REQUEST);
    // An error while checking a token (the database fails) is logged without the token.
    sql(&w, "DROP TABLE token_policies", &[]).await;
    assert_eq!(whoami(&w, &spare).await.0, StatusCode::INTERNAL_SERVER_ERROR);

    let logged = log.text();
    for status in ["200", "400", "401", "403", "404", "422", "500"] {
        assert!(logged.contains(&format!("request finished status={status}")), "no {status} logged:\n{logged}");
    }
    assert!(logged.contains("could not check an API token"), "the error was logged:\n{logged}");
    for secret in [&secret, &spare] {
        assert!(!logged.contains(hidden(secret)), "a secret is in the log:\n{logged}");
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

async fn the_secret_is_stored_only_as_its_hash(engine: Engine) {
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, named("stored")).await;
    // Used, for something audited, and its use recorded.
    let body = json!({ "name": "By a program", "permissions": ["org:read"] });
    let (status, answer) =
        with_token(&w, Method::POST, &format!("/v1/orgs/{a}/iam/policies"), &secret, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    w.app.domain.flush_token_uses().await.expect("flush");

    // No later answer shows it.
    for path in [TOKENS.to_owned(), format!("{TOKENS}/{id}"), "/v1/me".to_owned(), format!("/v1/orgs/{a}/iam/tokens")] {
        let response = w.app.send(Req::get(&path).cookie(&creator.cookie)).await;
        assert_eq!(response.status, StatusCode::OK, "{path}: {}", response.text());
        assert!(!response.text().contains(hidden(&secret)), "{path} shows the secret");
    }
    // No column holds it (the audit log and the sessions included)...
    let cells = every_cell(&w.app).await;
    for table in ["api_tokens.", "audit_events.", "session"] {
        assert!(cells.iter().any(|(place, _)| place.contains(table)), "{table} was read");
    }
    let leaks: Vec<&(String, String)> = cells.iter().filter(|(_, value)| value.contains(hidden(&secret))).collect();
    assert!(leaks.is_empty(), "the secret is stored: {leaks:?}");
    // ...but its hex SHA-256.
    let stored = cells.iter().find(|(place, value)| place == "api_tokens.secret_hash" && *value == sha256_hex(&secret));
    assert!(stored.is_some(), "no api_tokens.secret_hash is the secret's SHA-256");
}

async fn the_audit_log_names_the_token_beside_its_creator(engine: Engine) {
    use sqlx::Row;
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let (secret, id) = make_token(&w, &creator.cookie, named("deploy bot")).await;
    let path = format!("/v1/orgs/{a}/iam/policies");
    let body = json!({ "name": "From a program", "permissions": ["org:read"] });
    let (status, answer) = with_token(&w, Method::POST, &path, &secret, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");

    let row = sqlx::query("SELECT actor_id, token_id, token_name FROM audit_events WHERE action = 'policy.created'")
        .fetch_one(w.app.domain.db().pool())
        .await
        .expect("one audit row");
    let recorded: (Option<String>, Option<String>, Option<String>) =
        (row.get("actor_id"), row.get("token_id"), row.get("token_name"));
    assert_eq!(recorded, (Some(creator.id.clone()), Some(id), Some("deploy bot".to_owned())));
}

async fn deleting_an_organization_says_and_audits_the_tokens_restricted_to_it(engine: Engine) {
    use sqlx::Row;
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let team = w.org("Team", &a).await;
    let body = json!({ "name": "team bot", "restriction": { "org_id": team } });
    let (secret, _) = make_token(&w, &creator.cookie, body).await;

    let (_, impact) =
        call(&w.app, &w.root_cookie, Method::GET, &format!("/v1/orgs/{team}/deletion_impact"), None).await;
    assert_eq!(impact["api_tokens"], 1, "{impact}");
    let (status, answer) = call(&w.app, &w.root_cookie, Method::DELETE, &format!("/v1/orgs/{team}"), None).await;
    assert!(status.is_success(), "{answer}");
    let after: String = sqlx::query("SELECT after_json FROM audit_events WHERE action = 'org.deleted'")
        .fetch_one(w.app.domain.db().pool())
        .await
        .expect("one audit row")
        .get("after_json");
    assert_eq!(serde_json::from_str::<Value>(&after).expect("json")["api_tokens"], 1, "{after}");
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::UNAUTHORIZED);
}

/// The ids of the tokens an admin lists at `org` with this query string.
async fn listed(w: &World, admin: &Person, org: &str, query: &str) -> Vec<String> {
    let (status, page) = w.as_(admin, Method::GET, &format!("/v1/orgs/{org}/iam/tokens?{query}"), None).await;
    assert_eq!(status, StatusCode::OK, "{query}: {page}");
    let tokens = page["tokens"].as_array().unwrap_or_else(|| panic!("{page}"));
    assert!(tokens.iter().all(|t| t.get("token").is_none()), "a secret is listed: {page}");
    let mut ids: Vec<String> = tokens.iter().map(|t| text(&t["token_id"])).collect();
    ids.sort();
    ids
}

fn sorted<const N: usize>(ids: [&String; N]) -> Vec<String> {
    let mut ids: Vec<String> = ids.into_iter().cloned().collect();
    ids.sort();
    ids
}

async fn admins_see_and_filter_their_members_tokens(engine: Engine) {
    let Some((w, a, admin)) = tenant_with_admin(engine, "admin@a.example").await else { return };
    let (m1, m2) = (member(&w, &a, "m1@a.example").await, member(&w, &a, "m2@a.example").await);
    let (secret, old) = make_token(&w, &m1.cookie, named("old")).await;
    let (_, fresh) = make_token(&w, &m1.cookie, named("fresh")).await;
    let (_, gone) = make_token(&w, &m2.cookie, named("gone")).await;
    assert_eq!(w.as_(&m2, Method::DELETE, &format!("{TOKENS}/{gone}"), None).await.0, StatusCode::OK);
    // "old" has not been used since its creation 40 days ago.
    days_ago(&w, "created_at", &old, 40).await;

    let (_, page) = w.as_(&admin, Method::GET, &format!("/v1/orgs/{a}/iam/tokens"), None).await;
    assert_eq!(page["total"], 3, "{page}");
    assert!(!page.to_string().contains(hidden(&secret)), "{page}");
    assert_eq!(listed(&w, &admin, &a, &format!("creator={}", m1.id)).await, sorted([&old, &fresh]));
    assert_eq!(listed(&w, &admin, &a, &format!("creator={}", m1.email)).await, sorted([&old, &fresh]));
    assert_eq!(listed(&w, &admin, &a, "status=revoked").await, sorted([&gone]));
    assert_eq!(listed(&w, &admin, &a, "status=active").await, sorted([&old, &fresh]));
    assert_eq!(listed(&w, &admin, &a, "dormant_days=30").await, sorted([&old]));

    // Pages follow one another.
    let (_, first) = w.as_(&admin, Method::GET, &format!("/v1/orgs/{a}/iam/tokens?limit=2"), None).await;
    assert_eq!((first["tokens"].as_array().map(Vec::len), &first["has_more"]), (Some(2), &json!(true)), "{first}");
    let next = format!("limit=2&cursor={}", text(&first["next_cursor"]));
    assert_eq!(listed(&w, &admin, &a, &next).await.len(), 1);

    // Statuses that depend on each creator's policy are not counted by the database.
    let (_, page) = w.as_(&admin, Method::GET, &format!("/v1/orgs/{a}/iam/tokens?status=active"), None).await;
    assert_eq!(page["total"], Value::Null, "{page}");

    // A member's token restricted to another tenant is that tenant's business: not listed.
    let b = w.org("Tenant B", &w.root).await;
    w.give(&b, &m2.id, &[&w.predefined(&b, "member").await]).await;
    let (_, elsewhere) = make_token(&w, &m2.cookie, json!({ "name": "in b", "restriction": { "org_id": b } })).await;
    let (_, page) = w.as_(&admin, Method::GET, &format!("/v1/orgs/{a}/iam/tokens"), None).await;
    assert!(!page.to_string().contains(&elsewhere) && !page.to_string().contains(&b), "{page}");
    assert_eq!(page["total"], 3, "nor counted: {page}");
    let (_, own) = w.as_(&m2, Method::GET, TOKENS, None).await;
    assert!(own.to_string().contains(&elsewhere), "its creator sees it: {own}");

    // Not for members without token:read, nor for other tenants.
    let (status, answer) = w.as_(&m1, Method::GET, &format!("/v1/orgs/{a}/iam/tokens"), None).await;
    assert_forbidden(status, &answer, "token:read");
    let outsider = w.person("outsider@b.example", &b).await;
    let (status, answer) = w.as_(&outsider, Method::GET, &format!("/v1/orgs/{a}/iam/tokens"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
}

async fn admins_revoke_with_token_revoke_within_their_rights(engine: Engine) {
    let Some((w, a, admin)) = tenant_with_admin(engine, "admin@a.example").await else { return };
    // A type the predefined Admin does not hold, so that a Super Admin holds more.
    w.with_projects().await;
    let creator = member(&w, &a, "m@a.example").await;
    let reader = member(&w, &a, "reader@a.example").await;
    let token_reader = w.allow_role(&a, "Token reader", &["token:read"]).await;
    w.give(&a, &reader.id, &[&w.predefined(&a, "member").await, &token_reader]).await;
    let (secret, id) = make_token(&w, &creator.cookie, named("ci")).await;
    let revoke = |by: &Person, token_id: &str| {
        let path = format!("/v1/orgs/{a}/iam/tokens/{token_id}");
        let (w, by) = (&w, by.clone());
        async move { w.as_(&by, Method::DELETE, &path, None).await }
    };

    let (status, answer) = revoke(&reader, &id).await;
    assert_forbidden(status, &answer, "token:revoke");
    assert_eq!(whoami(&w, &secret).await.0, StatusCode::OK);
    let (status, answer) = revoke(&admin, &id).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{answer}");
    let seen = my_token(&w, &creator, &id).await;
    assert_eq!((&seen["status"], &seen["revoked_by_admin"]), (&json!("revoked"), &json!(true)), "{seen}");
    let (status, answer) = whoami(&w, &secret).await;
    assert_unauthenticated(status, &answer);

    // Revoking takes the creator's rights away from the program: not a Super Admin's for an Admin.
    let boss = w.person("super@a.example", &a).await;
    w.give(&a, &boss.id, &[&w.predefined(&a, "super_admin").await]).await;
    let (_, boss_token) = make_token(&w, &boss.cookie, named("boss")).await;
    let (status, answer) = revoke(&admin, &boss_token).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    // Also when the token is restricted to a team below, where the Super Admin role reaches.
    let team = w.org("Team", &a).await;
    let (_, team_token) =
        make_token(&w, &boss.cookie, json!({ "name": "team", "restriction": { "org_id": team } })).await;
    let (status, answer) = revoke(&admin, &team_token).await;
    assert!(!refused_permissions(status, &answer).is_empty(), "{answer}");
    // Another tenant's token answers like one that does not exist.
    let b = w.org("Tenant B", &w.root).await;
    let outsider = w.person("outsider@b.example", &b).await;
    let (_, outside_token) = make_token(&w, &outsider.cookie, named("outside")).await;
    let (status, answer) = revoke(&admin, &outside_token).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
}

async fn a_members_drawer_lists_their_working_tokens(engine: Engine) {
    let Some((w, a, admin)) = tenant_with_admin(engine, "admin@a.example").await else { return };
    let creator = member(&w, &a, "creator@a.example").await;
    let (_, working) =
        make_token(&w, &creator.cookie, json!({ "name": "working", "restriction": { "org_id": a } })).await;
    let (_, revoked) = make_token(&w, &creator.cookie, named("revoked")).await;
    assert_eq!(w.as_(&creator, Method::DELETE, &format!("{TOKENS}/{revoked}"), None).await.0, StatusCode::OK);
    let as_actor = |p: &Person| warden::domain::Actor::user(p.id.clone(), p.email.clone(), None, None);

    let drawer = w.app.domain.member_tokens(&as_actor(&admin), &a, &creator.id).await.expect("the drawer");
    let shown: Vec<(String, Option<String>)> =
        drawer.unwrap_or_default().into_iter().map(|t| (t.token_id, t.restricted_org_name)).collect();
    assert_eq!(shown, [(working, Some("Tenant A".to_owned()))], "only the working one, with where it is restricted to");
    // Without token:read there, the drawer has no token section at all.
    let peer = member(&w, &a, "peer@a.example").await;
    let drawer = w.app.domain.member_tokens(&as_actor(&peer), &a, &creator.id).await.expect("the drawer");
    assert!(drawer.is_none());
}

async fn a_revocation_reaches_another_app_server_within_a_second(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    // Another app server: its own domain, caches and pool, on the same database.
    let other_server = warden::domain::Domain::new(w.app.db.open().await);
    let (secret, id) = make_token(&w, &creator.cookie, named("ci")).await;
    assert!(other_server.authenticate_token(&secret, None).await.is_ok(), "B knows the token (and caches it)");

    assert_eq!(w.as_(&creator, Method::DELETE, &format!("{TOKENS}/{id}"), None).await.0, StatusCode::OK);
    let revoked_at = std::time::Instant::now();
    while other_server.authenticate_token(&secret, None).await.is_ok() {
        assert!(revoked_at.elapsed() < std::time::Duration::from_secs(1), "B still accepts the token after 1 s");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// The `/tokens` page as `person` sees it, carrying `secret` in the cookie a form posted without
/// JavaScript sets: the page's HTML, asked for compressed.
async fn tokens_page_carrying(w: &World, person: &Person, name: &str, secret: &str) -> String {
    use warden::web::new_token::{Revealed, carrying_cookie};
    let carried = carrying_cookie(&Revealed { name: name.to_owned(), secret: secret.to_owned() }, false);
    let carried = carried.split(';').next().unwrap_or_default();
    let request = Req::page("/tokens").cookie(&format!("{}; {carried}", person.cookie)).header("accept-encoding", "br");
    let response = w.app.send(request).await;
    assert_eq!(response.status, StatusCode::OK);
    // A secret beside text an attacker chooses is never compressed (BREACH).
    assert_eq!(response.header("content-encoding"), None, "the page that shows a secret is sent as it is");
    response.text()
}

async fn the_secret_shown_once_without_javascript_is_only_your_own(engine: Engine) {
    let Some((w, a, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let other = member(&w, &a, "other@a.example").await;
    let (own, _) = make_token(&w, &creator.cookie, named("mine")).await;
    let (planted, _) = make_token(&w, &other.cookie, named("planted")).await;

    assert!(tokens_page_carrying(&w, &creator, "mine", &own).await.contains(&own));
    // A cookie planted with someone else's token (to make the victim use it) shows nothing.
    assert!(!tokens_page_carrying(&w, &creator, "planted", &planted).await.contains(hidden(&planted)));
}

async fn an_active_token_of_that_name_is_answered_instead_of_a_new_one(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    let path = format!("{TOKENS}?return_active_token_if_exists=true");
    let create = || call(&w.app, &creator.cookie, Method::POST, &path, Some(named("ci")));

    let (status, first) = create().await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(first["token"].is_string(), "{first}");
    let (status, again) = create().await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["token_id"], first["token_id"]);
    assert!(again.get("token").is_none(), "no secret the second time: {again}");

    let (status, answer) =
        w.as_(&creator, Method::DELETE, &format!("{TOKENS}/{}", text(&first["token_id"])), None).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (status, renewed) = create().await;
    assert_eq!(status, StatusCode::CREATED, "{renewed}");
    assert!(renewed["token"].is_string() && renewed["token_id"] != first["token_id"], "{renewed}");
}

async fn the_explorer_answers_for_a_token(engine: Engine) {
    let Some((w, a, creator)) = tenant_with_admin(engine, "creator@a.example").await else { return };
    let other = member(&w, &a, "other@a.example").await;
    let body = json!({ "name": "members only", "restriction": { "permissions": ["member:*"] } });
    let (_, id) = make_token(&w, &creator.cookie, body).await;
    let path = format!("/v1/orgs/{a}/iam/check");
    let ask = |person: &Person, token_id: &str, permission: &str| {
        let (w, person, path) = (&w, person.clone(), path.clone());
        let body = json!({ "token_id": token_id, "permission": permission });
        async move { w.as_(&person, Method::POST, &path, Some(body)).await }
    };

    // The creator may update the organization, the token may not; both may read members.
    let (status, answer) = ask(&creator, &id, "org:update").await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!((&answer["allowed"], &answer["restriction"]["permission"]), (&json!(false), &json!(false)), "{answer}");
    assert_eq!(answer["creator"]["allowed"], true, "{answer}");
    let (_, answer) = ask(&creator, &id, "member:read").await;
    assert_eq!((&answer["allowed"], &answer["restriction"]["permission"]), (&json!(true), &json!(true)), "{answer}");

    // Someone else's token, to a member without token:read, is like one that does not exist.
    let (status, hidden_token) = ask(&other, &id, "org:read").await;
    let (_, absent) = ask(&other, &uuid::Uuid::now_v7().to_string(), "org:read").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{hidden_token}");
    assert_eq!(shape(&hidden_token), shape(&absent));
}

async fn names_and_live_tokens_are_limited(engine: Engine) {
    let Some((w, _, creator)) = tenant_with(engine, "creator@a.example").await else { return };
    for name in [String::new(), "   ".to_owned(), "x".repeat(101)] {
        let (status, answer) = w.as_(&creator, Method::POST, TOKENS, Some(named(&name))).await;
        assert_invalid_at(status, &answer, &[json!(["body", "name"])]);
    }
    make_token(&w, &creator.cookie, named(&"x".repeat(100))).await;
    for n in 2..=95 {
        make_token(&w, &creator.cookie, named(&format!("token {n}"))).await;
    }
    // Ten at once for the last five places: exactly five are made.
    let actor = warden::domain::Actor::user(creator.id.clone(), creator.email.clone(), None, None);
    let mut racing = tokio::task::JoinSet::new();
    for n in 0..10 {
        let (domain, actor) = (w.app.domain.clone(), actor.clone());
        racing.spawn(async move {
            use warden::domain::tokens::{Expiry, NewToken};
            let new =
                NewToken { name: format!("racing {n}"), expiry: Expiry::Days(30), restriction: Default::default() };
            domain.create_token(&actor, new).await.is_ok()
        });
    }
    let made = racing.join_all().await.into_iter().filter(|made| *made).count();
    assert_eq!(made, 5);
    let (status, answer) = w.as_(&creator, Method::POST, TOKENS, Some(named("one too many"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    // A revoked one no longer counts.
    let (_, list) = w.as_(&creator, Method::GET, TOKENS, None).await;
    let first = text(&list["data"][0]["token_id"]);
    assert_eq!(w.as_(&creator, Method::DELETE, &format!("{TOKENS}/{first}"), None).await.0, StatusCode::OK);
    make_token(&w, &creator.cookie, named("one more")).await;
}

/// A change needs only the right to make it: a token that may update roles (and see the
/// organization, but not read its roles) renames one; sending a read-only field, which needs
/// the role read to check it, does not.
async fn a_change_needs_only_the_right_to_make_it(engine: Engine) {
    let Some(w) = World::start(engine).await else { return };
    let role = w.allow_role(&w.root, "Renamed", &["org:read"]).await;
    let body = json!({ "name": "updater", "restriction": { "permissions": ["org:read", "role:update"] } });
    let (secret, _) = make_token(&w, &w.root_cookie, body).await;
    let path = format!("/v1/orgs/{}/iam/roles/{role}", w.root);
    let (status, changed) =
        with_token(&w, Method::PUT, &path, &secret, Some(json!({ "description": "by a token" }))).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["description"], "by a token");
    let (status, refused) =
        with_token(&w, Method::PUT, &path, &secret, Some(json!({ "role_id": role, "description": "again" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "checking a read-only field reads the role: {refused}");
}

on_both_engines!(
    a_change_needs_only_the_right_to_make_it,
    a_token_acts_as_its_creator_until_revoked,
    the_secret_shown_once_without_javascript_is_only_your_own,
    a_members_drawer_lists_their_working_tokens,
    a_revocation_reaches_another_app_server_within_a_second,
    deleting_an_organization_says_and_audits_the_tokens_restricted_to_it,
    last_use_is_recorded_by_the_batch_writer,
    lifetimes_follow_the_strictest_policy,
    an_expired_token_is_refused,
    a_tightened_policy_flags_and_caps_older_tokens,
    concurrent_partial_policy_changes_both_stay,
    a_restriction_narrows_what_the_token_may_do,
    a_restriction_names_only_what_the_creator_holds,
    through_a_token_the_rule_weighs_the_token_not_the_creator,
    the_token_shrinks_with_its_creator_at_once,
    a_token_cannot_manage_tokens_or_the_password,
    tokens_come_only_in_headers_and_never_beside_a_cookie,
    the_secret_reaches_no_log_line,
    the_secret_is_stored_only_as_its_hash,
    the_audit_log_names_the_token_beside_its_creator,
    admins_see_and_filter_their_members_tokens,
    admins_revoke_with_token_revoke_within_their_rights,
    an_active_token_of_that_name_is_answered_instead_of_a_new_one,
    the_explorer_answers_for_a_token,
    names_and_live_tokens_are_limited,
);
