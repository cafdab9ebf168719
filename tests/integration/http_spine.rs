//! The HTTP spine through the real router, on both engines: error bodies, cross-site
//! protection, security headers, request ids, health, the sign-in redirect for pages.

use crate::support::{ADMIN_EMAIL, TestApp, http::Req};
use axum::http::{Method, StatusCode};
use serde_json::Value;
use warden::domain::Engine;

fn assert_error_body(body: &Value, code: &str, status: u16) {
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["status_code"], status, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["details"].is_object(), "{body}");
    let timestamp = body["timestamp"].as_str().expect("timestamp");
    assert!(timestamp.ends_with('Z') && timestamp.contains('T'), "RFC 3339 UTC: {timestamp}");
}

async fn unauthenticated_api_calls_get_401_bodies(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let response = app.send(Req::get("/v1/me")).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_error_body(&response.json(), "AUTHENTICATION_FAILED", 401);
}

async fn unknown_api_paths_get_404_bodies(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    for path in ["/v1/no-such-thing", "/v1", "/v1/", "/v1/orgs/some-org/no-such-thing"] {
        let response = app.send(Req::get(path)).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_error_body(&response.json(), "RESOURCE_NOT_FOUND", 404);
    }
    let wrong_method = app.send(Req::new(Method::DELETE, "/v1/me")).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_error_body(&wrong_method.json(), "METHOD_NOT_ALLOWED", 405);
}

async fn me_answers_who_the_caller_is(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let me = app.send(Req::get("/v1/me").cookie(&cookie)).await.json();
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["full_name"], "Warden Admin");
    assert_eq!(me["status"], "active");
    assert!(me["user_id"].as_str().is_some_and(|id| id.len() == 36));
    assert_eq!(me.as_object().expect("object").len(), 4, "exactly user_id, email, full_name, status: {me}");
}

async fn health_checks_the_database(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let ok = app.send(Req::get("/healthz")).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.json()["database"], "ok");
    app.domain.db().close().await;
    let down = app.send(Req::get("/healthz")).await;
    assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
}

async fn cross_origin_writes_are_refused(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let form = [("current_password", "x"), ("new_password", "y"), ("confirm_password", "y")];
    let foreign = app
        .send(
            Req::new(Method::POST, "/api/change-password")
                .header("origin", "http://evil.example")
                .cookie(&cookie)
                .form(&form),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
    assert_error_body(&foreign.json(), "FORBIDDEN", 403);
    let no_origin = app.send(Req::new(Method::POST, "/api/sign-out").cookie(&cookie).form(&[])).await;
    assert_eq!(no_origin.status, StatusCode::FORBIDDEN, "no Origin and no Referer");
    let foreign_referer = app
        .send(
            Req::new(Method::POST, "/api/sign-out")
                .header("referer", "http://evil.example/page")
                .cookie(&cookie)
                .form(&[]),
        )
        .await;
    assert_eq!(foreign_referer.status, StatusCode::FORBIDDEN);
    let rest_with_cookie =
        app.send(Req::new(Method::POST, "/v1/me").header("origin", "http://evil.example").cookie(&cookie)).await;
    assert_eq!(rest_with_cookie.status, StatusCode::FORBIDDEN, "REST writes with a cookie are checked too");
    let cross_site_sign_in = app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .header("origin", "http://evil.example")
                .form(&[("email", ADMIN_EMAIL), ("password", "x")]),
        )
        .await;
    assert_eq!(cross_site_sign_in.status, StatusCode::FORBIDDEN, "login CSRF");
    // The session survived all of that.
    assert_eq!(app.send(Req::get("/v1/me").cookie(&cookie)).await.status, StatusCode::OK);
}

async fn malformed_json_gets_422_and_wrong_content_type_415(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let put = |content_type: &str, body: &str| {
        Req::new(Method::PUT, "/v1/me/password").same_origin().cookie(&cookie).body(content_type, body)
    };
    let bad_json = app.send(put("application/json", "{\"current_password\": ")).await;
    assert_eq!(bad_json.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_json.text());
    let detail = &bad_json.json()["detail"][0];
    assert_eq!(detail["type"], "json_invalid");
    for key in ["loc", "msg", "type", "input", "ctx"] {
        assert!(detail.get(key).is_some(), "422 entry has {key}: {detail}");
    }
    let missing = app.send(put("application/json", "{\"current_password\": \"x\"}")).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["detail"][0]["loc"], serde_json::json!(["body", "new_password"]));
    assert_eq!(missing.json()["detail"][0]["type"], "missing");
    let wrong_type = app.send(put("text/plain", "hello")).await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error_body(&wrong_type.json(), "UNSUPPORTED_MEDIA_TYPE", 415);
    let no_type = app.send(Req::new(Method::PUT, "/v1/me/password").same_origin().cookie(&cookie)).await;
    assert_eq!(no_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let body = r#"{"current_password": "wrong one!", "new_password": "a brand new passphrase"}"#;
    let wrong_current = app.send(put("application/json", body)).await;
    assert_eq!(wrong_current.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_current.json()["detail"][0]["loc"], serde_json::json!(["body", "current_password"]));
    let body = format!(
        "{{\"current_password\": \"{}\", \"new_password\": \"a brand new passphrase\"}}",
        crate::support::ADMIN_PASSWORD
    );
    let ok = app.send(put("application/json", &body)).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.text());
    let cookie = ok.session_cookie().unwrap_or(cookie.clone());
    assert_eq!(
        app.send(Req::get("/v1/me").cookie(&cookie)).await.status,
        StatusCode::OK,
        "the calling session continues"
    );
}

/// Every console page starts with "Skip to content" (the first thing a keyboard reaches, leading
/// to the page itself), and its headings form one outline: exactly one `h1`.
async fn console_pages_have_a_skip_link_and_one_h1(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = crate::support::http::root_org(&app, &cookie).await;
    let pages =
        ["", "/members", "/groups", "/tokens", "/sso", "/audit", "/roles", "/roles/new", "/policies", "/policies/new"]
            .iter()
            .map(|suffix| format!("/orgs/{root}{suffix}"))
            .chain(["/", "/orgs", "/users", "/schema", "/explorer", "/account", "/tokens"].map(str::to_owned));
    for path in pages {
        let page = app.send(Req::page(&path).cookie(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.text();
        let dom = tl::parse(&html, tl::ParserOptions::default()).expect("the page parses as HTML");
        let parser = dom.parser();
        let first_link = dom
            .query_selector("a")
            .expect("selector")
            .find_map(|handle| handle.get(parser).and_then(|node| node.as_tag()))
            .expect("a link");
        let href = first_link.attributes().get("href").flatten().map(|v| v.as_utf8_str().into_owned());
        assert_eq!(href.as_deref(), Some("#main"), "{path}: {}", first_link.outer_html(parser));
        assert_eq!(dom.query_selector("main#main").expect("selector").count(), 1, "{path}");
        assert_eq!(dom.query_selector("h1").expect("selector").count(), 1, "{path}: one h1");
    }
    // The tab says which page and whose, before any script runs.
    for (suffix, title) in [("/members", "Members · Root · Warden"), ("/audit", "Audit log · Root · Warden")] {
        let page = app.send(Req::page(&format!("/orgs/{root}{suffix}")).cookie(&cookie)).await;
        let html = page.text();
        let dom = tl::parse(&html, tl::ParserOptions::default()).expect("the page parses as HTML");
        let titles: Vec<String> = dom
            .query_selector("title")
            .expect("selector")
            .filter_map(|handle| handle.get(dom.parser()).map(|node| node.inner_text(dom.parser()).into_owned()))
            .collect();
        assert_eq!(titles, [title], "{suffix}");
    }
}

async fn every_response_has_security_headers_and_a_request_id(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let page = app.send(Req::page("/sign-in")).await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.header("content-security-policy").expect("CSP").to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("nonce in CSP");
    let html = page.text();
    let dom = tl::parse(&html, tl::ParserOptions::default()).expect("the page parses as HTML");
    let parser = dom.parser();
    let scripts: Vec<&tl::HTMLTag> = dom
        .query_selector("script")
        .expect("selector")
        .filter_map(|handle| handle.get(parser).and_then(|node| node.as_tag()))
        .collect();
    assert!(!scripts.is_empty(), "the page has its hydration scripts");
    for script in scripts {
        let attribute =
            |name: &str| script.attributes().get(name).flatten().map(|value| value.as_utf8_str().into_owned());
        let external = attribute("src").is_some();
        assert!(
            external || attribute("nonce").as_deref() == Some(nonce),
            "every inline script carries this response's nonce: {}",
            script.outer_html(parser)
        );
    }
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));

    let api = app.send(Req::get("/v1/me").header("x-request-id", "trace-abc-123")).await;
    assert_eq!(api.header("x-request-id"), Some("trace-abc-123"));
    assert_eq!(api.header("content-security-policy"), Some("default-src 'none'; frame-ancestors 'none'"));
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
    let generated = app.send(Req::get("/healthz")).await;
    assert!(generated.header("x-request-id").is_some_and(|id| id.len() >= 32));
    let other = app.send(Req::get("/healthz")).await;
    assert_ne!(generated.header("x-request-id"), other.header("x-request-id"));
}

async fn request_ids_reach_the_audit_log(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    app.send(
        Req::new(Method::POST, "/api/sign-in")
            .same_origin()
            .header("x-request-id", "req-for-audit")
            .form(&[("email", ADMIN_EMAIL), ("password", "wrong password!")]),
    )
    .await;
    let events = warden::domain::audit::recent_events(app.domain.db(), 10).await.expect("events");
    assert!(events.iter().any(|e| e.action == "sign_in.failed" && e.request_id.as_deref() == Some("req-for-audit")));
}

async fn signed_out_pages_redirect_to_sign_in_and_back(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let page = app.send(Req::page("/account?tab=security")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some("/sign-in?next=%2Faccount%3Ftab%3Dsecurity"));

    // A plain form post (no JavaScript) signs in and lands on `next`.
    let response = app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .header("accept", "text/html")
                .header("referer", "http://127.0.0.1:3000/sign-in?next=%2Faccount")
                .form(&[("email", ADMIN_EMAIL), ("password", crate::support::ADMIN_PASSWORD), ("next", "/account")]),
        )
        .await;
    assert_eq!(response.status, StatusCode::FOUND, "{}", response.text());
    assert_eq!(response.header("location"), Some("/account"));
    let cookie = response.session_cookie().expect("cookie");
    let account = app.send(Req::page("/account").cookie(&cookie)).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.text().contains("Change password"));
    let sign_in_again = app.send(Req::page("/sign-in").cookie(&cookie)).await;
    assert_eq!(sign_in_again.status, StatusCode::SEE_OTHER, "signed-in users skip the sign-in page");

    // Another host is never a destination.
    let response = app
        .send(Req::new(Method::POST, "/api/sign-in").same_origin().header("accept", "text/html").form(&[
            ("email", ADMIN_EMAIL),
            ("password", crate::support::ADMIN_PASSWORD),
            ("next", "//evil.example/"),
        ]))
        .await;
    assert_eq!(response.header("location"), Some("/"));
}

async fn a_failed_plain_form_sign_in_returns_with_the_generic_error(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let response = app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .header("accept", "text/html")
                .header("referer", "http://127.0.0.1:3000/sign-in")
                .form(&[("email", ADMIN_EMAIL), ("password", "wrong password!")]),
        )
        .await;
    assert_eq!(response.status, StatusCode::FOUND);
    let location = response.header("location").expect("back to the form").to_owned();
    assert!(location.starts_with("http://127.0.0.1:3000/sign-in?") && location.contains("__err="), "{location}");
    let path = location.trim_start_matches("http://127.0.0.1:3000");
    let page = app.send(Req::page(path)).await;
    assert!(page.text().contains("Email or password is incorrect"), "the page shows the error without JavaScript");
}

async fn the_client_address_comes_from_trusted_proxies_only(engine: Engine) {
    async fn failed_sign_in_from(app: &TestApp) {
        app.send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .client_ip([10, 0, 0, 2])
                .header("x-forwarded-for", "6.6.6.6, 198.51.100.7")
                .form(&[("email", ADMIN_EMAIL), ("password", "wrong password!")]),
        )
        .await;
    }
    let last_failure_address = |app: &TestApp| {
        let db = app.domain.db().clone();
        async move {
            let events = warden::domain::audit::recent_events(&db, 10).await.expect("events");
            events.into_iter().find(|e| e.action == "sign_in.failed").and_then(|e| e.client_addr)
        }
    };
    // Without trusted proxies the socket's address counts, whatever the header says.
    let Some(app) = TestApp::start(engine).await else { return };
    failed_sign_in_from(&app).await;
    assert_eq!(last_failure_address(&app).await.as_deref(), Some("10.0.0.2"));
    // Behind a trusted proxy: the rightmost hop it did not add itself, not what the client claims.
    let Some(app) =
        TestApp::start_with(engine, |s| s.trusted_proxies = vec!["10.0.0.0/8".parse().expect("cidr")]).await
    else {
        return;
    };
    failed_sign_in_from(&app).await;
    assert_eq!(last_failure_address(&app).await.as_deref(), Some("198.51.100.7"));
}

on_both_engines!(
    unauthenticated_api_calls_get_401_bodies,
    console_pages_have_a_skip_link_and_one_h1,
    unknown_api_paths_get_404_bodies,
    me_answers_who_the_caller_is,
    health_checks_the_database,
    cross_origin_writes_are_refused,
    malformed_json_gets_422_and_wrong_content_type_415,
    every_response_has_security_headers_and_a_request_id,
    request_ids_reach_the_audit_log,
    signed_out_pages_redirect_to_sign_in_and_back,
    a_failed_plain_form_sign_in_returns_with_the_generic_error,
    the_client_address_comes_from_trusted_proxies_only,
);
