//! Requests over a real socket, as browsers make them: kept-alive connections are not held back
//! by delayed ACKs (TCP_NODELAY), and signed-in reads do not write the session.

use std::{net::SocketAddr, time::Instant};

use axum::http::StatusCode;
use warden::domain::Engine;

use crate::support::{TestApp, http::Req};

/// Serves the app on a free loopback port, as `warden serve` does; returns its address.
async fn serve(app: &TestApp) -> String {
    use axum::serve::Listener as _;
    let listener = warden::server::listener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("bind");
    let address = listener.local_addr().expect("address");
    let router = app.router.clone();
    tokio::spawn(
        async move { axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await },
    );
    format!("http://{address}")
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

async fn page_ms(client: &reqwest::Client, url: &str, cookie: &str) -> f64 {
    let started = Instant::now();
    let response = client
        .get(url)
        .header("accept", "text/html")
        .header("accept-encoding", "br")
        .header("cookie", cookie)
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 200);
    response.bytes().await.expect("page");
    started.elapsed().as_secs_f64() * 1000.0
}

async fn a_page_on_a_kept_alive_connection_is_not_held_back(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let root = crate::support::http::root_org(&app, &cookie).await;
    // A page streamed in several chunks (its data arrives after the shell).
    let url = format!("{}/orgs/{root}/members", serve(&app).await);
    // One connection, used again and again (what browsers do) ...
    let kept = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .expect("client");
    page_ms(&kept, &url, &cookie).await;
    let mut reused = Vec::new();
    for _ in 0..7 {
        reused.push(page_ms(&kept, &url, &cookie).await);
    }
    // ... against a new connection each time.
    let mut fresh = Vec::new();
    for _ in 0..7 {
        let once = reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .expect("client");
        fresh.push(page_ms(&once, &url, &cookie).await);
    }
    let (reused, fresh) = (median(reused), median(fresh));
    println!("members page, median: {reused:.1} ms on a kept-alive connection, {fresh:.1} ms on new ones");
    // A delayed ACK costs about 40 ms; the bound is generous, the figure is printed.
    assert!(reused < fresh + 25.0, "a reused connection is {reused:.1} ms against {fresh:.1} ms fresh");
}

async fn signed_in_reads_do_not_write_the_session(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;
    let expiry = || async {
        let sql = match engine {
            Engine::Sqlite => "SELECT CAST(expiry_date AS TEXT) AS e FROM tower_sessions",
            Engine::Postgres => "SELECT CAST(expiry_date AS TEXT) AS e FROM tower_sessions.session",
        };
        let rows = sqlx::query(sql).fetch_all(app.domain.db().pool()).await.expect("sessions");
        rows.iter().map(|r| sqlx::Row::get::<String, _>(r, "e")).collect::<Vec<_>>()
    };
    let before = expiry().await;
    assert_eq!(before.len(), 1, "one session");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    for _ in 0..3 {
        let me = app.send(Req::get("/v1/me").cookie(&cookie)).await;
        assert_eq!(me.status, StatusCode::OK);
        assert!(me.set_cookie_header().is_none(), "a read sends no new cookie");
    }
    assert_eq!(expiry().await, before, "reads within the minute leave the session as it was");
}

on_both_engines!(a_page_on_a_kept_alive_connection_is_not_held_back, signed_in_reads_do_not_write_the_session);
