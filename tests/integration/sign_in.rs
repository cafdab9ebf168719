//! Accounts and sign-in through the real router, on both engines.

use crate::support::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, USER_PASSWORD, http::Req};
use axum::http::{Method, StatusCode};
use warden::domain::{Actor, Engine, audit};

const GENERIC: &str = "Email or password is incorrect";

async fn right_password_signs_in_with_a_safe_cookie(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let response = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{} {}",
        response.status,
        response.text()
    );
    let set_cookie = response.set_cookie_header().expect("a session cookie").to_owned();
    let parsed = cookie::Cookie::parse(set_cookie.as_str()).expect("a well-formed Set-Cookie");
    assert_eq!(parsed.name(), "warden_session");
    assert_eq!(parsed.http_only(), Some(true), "{set_cookie}");
    assert_eq!(parsed.same_site(), Some(cookie::SameSite::Lax), "{set_cookie}");
    assert_eq!(parsed.path(), Some("/"), "{set_cookie}");
    assert_ne!(parsed.secure(), Some(true), "plain-http public URL: no Secure flag: {set_cookie}");
    assert_eq!(
        parsed.max_age(),
        Some(cookie::time::Duration::minutes(30)),
        "expires after the configured 30 idle minutes: {set_cookie}"
    );

    let cookie = response.session_cookie().expect("cookie");
    let me = app.send(Req::get("/v1/me").cookie(&cookie)).await;
    // The idle expiry moves at most once a minute (see connections.rs): a read right after
    // signing in writes nothing.
    assert!(me.set_cookie_header().is_none(), "a read within the minute sends no new cookie");
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["email"], ADMIN_EMAIL);
    assert_eq!(me.json()["status"], "active");

    let events = audit::recent_events(app.domain.db(), 20).await.expect("events");
    assert!(events.iter().any(|e| e.action == "sign_in" && e.client_addr.as_deref() == Some("127.0.0.1")));
}

async fn a_planted_session_id_is_replaced_at_sign_in(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let first = app.admin_cookie().await;
    // Signing in again from a browser that already holds a session yields a new id.
    let response = app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .cookie(&first)
                .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]),
        )
        .await;
    let second = response.session_cookie().expect("new cookie");
    assert_ne!(first, second);
    assert_eq!(app.send(Req::get("/v1/me").cookie(&first)).await.status, StatusCode::UNAUTHORIZED, "old id is void");
    assert_eq!(app.send(Req::get("/v1/me").cookie(&second)).await.status, StatusCode::OK);
}

async fn wrong_password_and_unknown_email_fail_alike(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let wrong = app.sign_in(ADMIN_EMAIL, "not the password at all").await;
    let unknown = app.sign_in("nobody@example.com", "not the password at all").await;
    for response in [&wrong, &unknown] {
        assert!(response.session_cookie().is_none());
        assert_eq!(response.json()["message"], GENERIC);
    }
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body, "no account enumeration");

    let events = audit::recent_events(app.domain.db(), 20).await.expect("events");
    let failed: Vec<_> = events.iter().filter(|e| e.action == "sign_in.failed").collect();
    assert_eq!(failed.len(), 2);
}

async fn disabled_accounts_cannot_sign_in(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let admin = app.admin_cookie().await;
    let user_id = app.create_user("leaving@example.com").await;
    let cookie = app.user_cookie("leaving@example.com").await;
    assert_eq!(app.send(Req::get("/v1/me").cookie(&cookie)).await.status, StatusCode::OK, "signed in, and cached");

    let disable = Req::new(Method::PATCH, &format!("/v1/users/{user_id}"))
        .same_origin()
        .cookie(&admin)
        .json(r#"{"status":"disabled"}"#);
    let response = app.send(disable).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());

    let response = app.sign_in("leaving@example.com", USER_PASSWORD).await;
    assert!(response.session_cookie().is_none());
    assert_eq!(response.json()["message"], GENERIC, "same message as a wrong password");
    assert_eq!(
        app.send(Req::get("/v1/me").cookie(&cookie)).await.status,
        StatusCode::UNAUTHORIZED,
        "existing session ends"
    );
}

/// A sign-in of the first admin from `ip`.
async fn sign_in_from(app: &TestApp, ip: [u8; 4], password: &str) -> crate::support::http::Response {
    app.send(
        Req::new(Method::POST, "/api/sign-in")
            .same_origin()
            .client_ip(ip)
            .form(&[("email", ADMIN_EMAIL), ("password", password)]),
    )
    .await
}

async fn failures_are_throttled_per_account(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    // One address that failed 5 times for the account waits; the owner elsewhere does not.
    for _ in 0..5 {
        assert_eq!(sign_in_from(&app, [10, 0, 0, 1], "wrong password!").await.json()["message"], GENERIC);
    }
    let guesser = sign_in_from(&app, [10, 0, 0, 1], ADMIN_PASSWORD).await;
    assert_eq!(guesser.json()["kind"], "TooManyAttempts", "{}", guesser.text());
    assert!(guesser.json()["message"].as_str().expect("message").contains("Too many failed sign-in attempts"));
    let owner = sign_in_from(&app, [10, 0, 9, 9], ADMIN_PASSWORD).await;
    assert!(
        owner.session_cookie().is_some(),
        "the owner, from an address without failures, signs in: {}",
        owner.text()
    );

    // Ten addresses guessing the account slow it down (no lock): even the owner waits a moment.
    for n in 0..10 {
        assert_eq!(sign_in_from(&app, [10, 0, 1, n + 1], "wrong password!").await.json()["message"], GENERIC);
    }
    let slowed = sign_in_from(&app, [10, 0, 9, 8], ADMIN_PASSWORD).await;
    assert_eq!(slowed.json()["kind"], "TooManyAttempts", "{}", slowed.text());
    let other = app.sign_in("someone.else@example.com", "whatever it is").await;
    assert_eq!(other.json()["message"], GENERIC, "other accounts are unaffected");
    // The first step of the growing delay is one second.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let owner = sign_in_from(&app, [10, 0, 9, 8], ADMIN_PASSWORD).await;
    assert!(owner.session_cookie().is_some(), "after the delay the owner signs in: {}", owner.text());
}

async fn throttled_attempts_are_counted_not_audited_one_by_one(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    for _ in 0..5 {
        sign_in_from(&app, [10, 0, 0, 1], "wrong password!").await;
    }
    for _ in 0..30 {
        assert_eq!(sign_in_from(&app, [10, 0, 0, 1], "wrong password!").await.json()["kind"], "TooManyAttempts");
    }
    let events = app.audit_events("sign_in.throttled").await;
    assert!(!events.is_empty() && events.len() <= 2, "a minute at a time, not one per attempt: {events:?}");
    let (attempts, unrecorded): (i64, i64) =
        sqlx::query_as("SELECT attempts, unrecorded FROM sign_in_throttled WHERE client_addr = '10.0.0.1'")
            .fetch_one(app.domain.db().pool())
            .await
            .expect("counted");
    assert_eq!(attempts, 30);
    let recorded: i64 = events.iter().map(|e| e["refused"].as_i64().expect("a count")).sum();
    assert_eq!(recorded + unrecorded, 30, "every refusal is in an event or waiting for the next one");
}

/// The first refusal of each minute writes the event, counting the refusals since the last one.
async fn throttled_attempts_are_aggregated_per_minute(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let throttle = warden::domain::ThrottlePolicy::default();
    let start = warden::domain::Timestamp::parse("2026-12-01T10:00:05.000000Z").expect("a time");
    let at = |seconds: i64| start.plus(time::Duration::seconds(seconds));
    let db = app.domain.db();
    let mut answers = Vec::new();
    for seconds in [0, 10, 20, 30, 60, 61, 200, 200 + 16 * 60] {
        answers.push(throttle.count_refused(db, "a@example.com", "10.0.0.7", at(seconds)).await.expect("counted"));
    }
    assert_eq!(
        answers,
        [Some(1), None, None, None, Some(4), None, Some(2), Some(1)],
        "10:00 opens the run; 10:01 records itself and the three after the first; 10:03 the one \
         left and itself; 16 minutes later a new run starts"
    );
    let other = throttle.count_refused(db, "a@example.com", "10.0.0.8", at(20)).await.expect("counted");
    assert_eq!(other, Some(1), "each address has its own run");
}

on_both_engines!(throttled_attempts_are_aggregated_per_minute);

async fn failures_are_throttled_per_client_address(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    for n in 0..20 {
        let email = format!("guess{n}@example.com");
        let r = app
            .send(
                Req::new(Method::POST, "/api/sign-in")
                    .same_origin()
                    .client_ip([10, 9, 9, 9])
                    .form(&[("email", &email), ("password", "wrong password!")]),
            )
            .await;
        assert_eq!(r.json()["message"], GENERIC);
    }
    let from_same_address = app
        .send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .client_ip([10, 9, 9, 9])
                .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)]),
        )
        .await;
    assert_eq!(from_same_address.json()["kind"], "TooManyAttempts");
    let from_elsewhere = app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert!(from_elsewhere.session_cookie().is_some(), "another address still signs in");
}

async fn sign_out_voids_the_cookie(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let response = app.send(Req::new(Method::POST, "/api/sign-out").same_origin().cookie(&cookie).form(&[])).await;
    assert!(
        response.status.is_success() || response.status.is_redirection(),
        "{} {}",
        response.status,
        response.text()
    );
    assert_eq!(response.header("location"), Some("/sign-in"));
    assert_eq!(app.send(Req::get("/v1/me").cookie(&cookie)).await.status, StatusCode::UNAUTHORIZED);
    let page = app.send(Req::page("/").cookie(&cookie)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let events = audit::recent_events(app.domain.db(), 20).await.expect("events");
    assert!(events.iter().any(|e| e.action == "sign_out"));
}

async fn changing_the_password_needs_the_current_one(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let other_session = app.admin_cookie().await;
    let change = |current: &'static str, new: &'static str, confirm: &'static str| {
        Req::new(Method::POST, "/api/change-password").same_origin().cookie(&cookie).form(&[
            ("current_password", current),
            ("new_password", new),
            ("confirm_password", confirm),
        ])
    };
    let wrong = app.send(change("not my password", "a brand new passphrase", "a brand new passphrase")).await;
    assert_eq!(wrong.json()["fields"][0]["loc"][1], "current_password", "{}", wrong.text());
    let mismatch = app.send(change(ADMIN_PASSWORD, "a brand new passphrase", "a different passphrase")).await;
    assert_eq!(mismatch.json()["fields"][0]["loc"][1], "confirm_password");
    let short = app.send(change(ADMIN_PASSWORD, "short", "short")).await;
    assert_eq!(short.json()["fields"][0]["loc"][1], "new_password");

    let ok = app.send(change(ADMIN_PASSWORD, "a brand new passphrase", "a brand new passphrase")).await;
    assert!(ok.status.is_success(), "{} {}", ok.status, ok.text());
    let continued = ok.session_cookie().unwrap_or(cookie.clone());
    assert_eq!(app.send(Req::get("/v1/me").cookie(&continued)).await.status, StatusCode::OK, "this session continues");
    assert_eq!(
        app.send(Req::get("/v1/me").cookie(&other_session)).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );
    assert!(app.sign_in(ADMIN_EMAIL, ADMIN_PASSWORD).await.session_cookie().is_none());
    assert!(app.sign_in(ADMIN_EMAIL, "a brand new passphrase").await.session_cookie().is_some());
    let events = audit::recent_events(app.domain.db(), 50).await.expect("events");
    assert!(events.iter().any(|e| e.action == "user.password_changed"));
}

async fn server_functions_other_than_sign_in_need_a_session(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    for path in ["/api/current-user", "/api/my-organizations", "/api/sign-out"] {
        let response = app.send(Req::new(Method::POST, path).same_origin().form(&[])).await;
        assert_eq!(response.json()["kind"], "Unauthenticated", "{path}: {}", response.text());
    }
}

/// Waits, if need be, for the next minute of the clock, so that a flood of a few seconds falls
/// within one minute of the budget.
async fn at_the_start_of_a_minute() {
    let second = time::OffsetDateTime::now_utc().second();
    if second >= 30 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
}

/// An address past its limit trying a made-up email with every request: each opens a run of its
/// own, so the log takes them within the budget; one at an existing account is written whole.
async fn throttled_attempts_with_made_up_emails_write_a_bounded_number_of_events(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let budget = warden::domain::audit::UNSIGNED_EVENTS_PER_MINUTE;
    let attempt = |n: i64| {
        let email = format!("made-up{n}@example.com");
        app.send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .client_ip([10, 6, 0, 1])
                .form(&[("email", email.as_str()), ("password", "wrong password!")]),
        )
    };
    at_the_start_of_a_minute().await;
    for n in 0..20 {
        assert_eq!(attempt(n).await.json()["message"], GENERIC, "the address's 20 failures");
    }
    for n in 20..20 + budget + 5 {
        assert_eq!(attempt(n).await.json()["kind"], "TooManyAttempts");
    }
    assert_eq!(app.audit_count("sign_in.throttled").await, budget, "the minute's budget, not one per request");
    let refused = sign_in_from(&app, [10, 6, 0, 1], ADMIN_PASSWORD).await;
    assert_eq!(refused.json()["kind"], "TooManyAttempts");
    let (at_the_account,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_events WHERE action = 'sign_in.throttled' AND target_type = 'user'")
            .fetch_one(app.domain.db().pool())
            .await
            .expect("count");
    assert_eq!(at_the_account, 1, "written whole, with the account as its target");
}

/// Failures for emails nobody has, from many addresses (each below its own throttle), are
/// written at most the budget's number a minute; the next event written after the minute says
/// how many were not. A failure for an existing account is always written.
async fn a_flood_of_failed_sign_ins_writes_a_bounded_number_of_events(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let budget = warden::domain::audit::UNSIGNED_EVENTS_PER_MINUTE;
    // Another account and address each time: no throttle holds any of them back.
    let guess = |n: i64| {
        let [a, b] = u16::try_from(n).expect("small").to_be_bytes();
        let email = format!("guess{n}@example.com");
        app.send(
            Req::new(Method::POST, "/api/sign-in")
                .same_origin()
                .client_ip([10, 7, a, b])
                .form(&[("email", email.as_str()), ("password", "wrong password!")]),
        )
    };
    at_the_start_of_a_minute().await;
    for n in 0..budget + 2 {
        assert_eq!(guess(n).await.json()["message"], GENERIC);
    }
    assert_eq!(app.audit_count("sign_in.failed").await, budget, "the minute's budget, not one per failure");
    // A failure for an existing account is written whole, budget or not.
    assert_eq!(sign_in_from(&app, [10, 7, 9, 9], "wrong password!").await.json()["message"], GENERIC);
    let for_the_account =
        |events: &[serde_json::Value]| events.iter().filter(|e| e["reason"] == "wrong_password").count();
    assert_eq!(for_the_account(&app.audit_events("sign_in.failed").await), 1);
    sqlx::query("UPDATE audit_event_budget SET minute = '2000-01-01T00:00'")
        .execute(app.domain.db().pool())
        .await
        .expect("an earlier minute");
    guess(budget + 2).await;
    let events = app.audit_events("sign_in.failed").await;
    assert_eq!(events.len(), usize::try_from(budget + 2).expect("small"));
    let latest = events.iter().find(|e| e.get("unrecorded_before").is_some()).expect("the count arrives");
    assert_eq!(latest["unrecorded_before"], 2, "{latest}");
    assert_eq!(latest["reason"], "unknown_email", "the event is still the failure: {latest}");
    // A right password is not held back by the flood.
    assert!(sign_in_from(&app, [10, 7, 9, 10], ADMIN_PASSWORD).await.session_cookie().is_some());
    assert_eq!(app.audit_count("sign_in").await, 1);
}

on_both_engines!(
    right_password_signs_in_with_a_safe_cookie,
    a_flood_of_failed_sign_ins_writes_a_bounded_number_of_events,
    throttled_attempts_with_made_up_emails_write_a_bounded_number_of_events,
    a_planted_session_id_is_replaced_at_sign_in,
    wrong_password_and_unknown_email_fail_alike,
    disabled_accounts_cannot_sign_in,
    failures_are_throttled_per_account,
    throttled_attempts_are_counted_not_audited_one_by_one,
    failures_are_throttled_per_client_address,
    sign_out_voids_the_cookie,
    changing_the_password_needs_the_current_one,
    server_functions_other_than_sign_in_need_a_session,
);

async fn server_function_failures_carry_their_http_status(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let wrong = app.sign_in(ADMIN_EMAIL, "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let invalid = app.sign_in("", "").await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = invalid.json();
    let fields: Vec<&str> =
        body["fields"].as_array().expect("fields").iter().filter_map(|f| f["loc"][1].as_str()).collect();
    assert_eq!(fields, ["email", "password"], "{}", invalid.text());
    let unauthenticated = app.send(Req::new(Method::POST, "/api/current-user").same_origin().form(&[])).await;
    assert_eq!(unauthenticated.status, StatusCode::UNAUTHORIZED);
}

on_both_engines!(server_function_failures_carry_their_http_status);

async fn parallel_guesses_cannot_slip_under_the_limit(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    // How many of 16 simultaneous guesses on `email` get their password checked, each from
    // `address(n)`.
    let checked = |email: &'static str, address: fn(u8) -> String| {
        let domain = app.domain.clone();
        async move {
            let mut guesses = tokio::task::JoinSet::new();
            for n in 0..16u8 {
                let domain = domain.clone();
                guesses.spawn(async move {
                    let actor = Actor::anonymous(None, Some(address(n)));
                    domain.sign_in(&actor, email, "a parallel wrong guess").await
                });
            }
            let mut checked = 0;
            while let Some(result) = guesses.join_next().await {
                if matches!(result.expect("task"), Err(warden::domain::DomainError::InvalidCredentials)) {
                    checked += 1;
                }
            }
            checked
        }
    };
    let from_one_address = checked(ADMIN_EMAIL, |_| "10.7.0.1".to_owned()).await;
    assert!((1..=5).contains(&from_one_address), "{from_one_address} checked; one address gets 5 per account");
    let from_many = checked("someone@example.com", |n| format!("10.8.0.{n}")).await;
    assert!((1..=10).contains(&from_many), "{from_many} checked; past 10 an account's attempts are spaced out");
}

on_both_engines!(parallel_guesses_cannot_slip_under_the_limit);
