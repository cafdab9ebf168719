//! A signed-in request reads neither its session nor its account from the database once both
//! are cached, and a session ended or an account changed on one app server is refused by the
//! other at once (on SQLite, one server in production, the same server plays both).

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use warden::domain::Engine;

use crate::support::{TestApp, http::Req};

/// The second server: on PostgreSQL its own, once it hears the first one's session writes.
async fn second_server(a: &TestApp) -> Option<TestApp> {
    if a.db.engine == Engine::Sqlite {
        return None;
    }
    let b = a.another_server().await;
    let started = Instant::now();
    while !b.sessions.stats().serving {
        assert!(started.elapsed() < Duration::from_secs(5), "B never started listening for session writes");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Some(b)
}

/// Waits up to a second for `/v1/me` with `cookie` on `server` to answer `expected`.
async fn me_within_a_second(server: &TestApp, cookie: &str, expected: StatusCode) {
    let started = Instant::now();
    loop {
        let status = server.send(Req::get("/v1/me").cookie(cookie)).await.status;
        if status == expected {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "still {status}, expected {expected}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn cached_sessions_and_accounts_are_dropped_where_they_change(engine: Engine) {
    let Some(a) = TestApp::start(engine).await else { return };
    let other = second_server(&a).await;
    let b = other.as_ref().unwrap_or(&a);
    let admin = a.admin_cookie().await;
    let user_id = a.create_user("someone@example.com").await;
    let leaving = a.user_cookie("someone@example.com").await;
    let staying = a.user_cookie("someone@example.com").await;

    // Warm on B, then ten more requests read nothing from the database.
    for cookie in [&leaving, &staying] {
        assert_eq!(b.send(Req::get("/v1/me").cookie(cookie)).await.status, StatusCode::OK);
    }
    let (sessions, accounts) = (b.sessions.stats().loads, b.domain.authz_cache_stats().account_loads);
    for _ in 0..10 {
        assert_eq!(b.send(Req::get("/v1/me").cookie(&staying)).await.status, StatusCode::OK);
    }
    assert_eq!(b.sessions.stats().loads, sessions, "sessions served from memory");
    assert_eq!(b.domain.authz_cache_stats().account_loads, accounts, "the account served from memory");

    // Signed out on A: refused on B, while the other session of the same user goes on.
    let out = a.send(Req::new(Method::POST, "/api/sign-out").same_origin().cookie(&leaving).form(&[])).await;
    assert!(out.status.is_success() || out.status.is_redirection(), "{} {}", out.status, out.text());
    me_within_a_second(b, &leaving, StatusCode::UNAUTHORIZED).await;
    assert_eq!(b.send(Req::get("/v1/me").cookie(&staying)).await.status, StatusCode::OK);

    // Disabled on A: the account's every session is refused on B.
    let full_drops = b.domain.authz_cache_stats().full_drops;
    let disable = Req::new(Method::PATCH, &format!("/v1/users/{user_id}"))
        .same_origin()
        .cookie(&admin)
        .json(r#"{"status":"disabled"}"#);
    let response = a.send(disable).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    me_within_a_second(b, &staying, StatusCode::UNAUTHORIZED).await;
    if engine == Engine::Postgres {
        assert_eq!(b.domain.authz_cache_stats().full_drops, full_drops, "B patched its cache, it did not empty it");
    }

    // Enabled again on A: a session from before stays refused on B, a new sign-in works there.
    let enable = Req::new(Method::PATCH, &format!("/v1/users/{user_id}"))
        .same_origin()
        .cookie(&admin)
        .json(r#"{"status":"active"}"#);
    assert_eq!(a.send(enable).await.status, StatusCode::OK);
    let fresh = a.user_cookie("someone@example.com").await;
    me_within_a_second(b, &fresh, StatusCode::OK).await;
    me_within_a_second(b, &staying, StatusCode::UNAUTHORIZED).await;
}

on_both_engines!(cached_sessions_and_accounts_are_dropped_where_they_change);
