//! What the benchmarks share: the whole app served on a TCP port as `warden serve` serves it, a
//! plain HTTP/1.1 request on its own connection, signing in, a generated tree to measure on
//! ([`fixture`]) and the printing of figures ([`figures`]).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod figures;
pub mod fixture;

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use warden::{domain::Domain, settings::Settings, web::AppState};

/// The allocator `warden serve` runs with (see src/main.rs), so that the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "a long bench passphrase";

/// Runs `run` on a fresh SQLite file, then on a fresh PostgreSQL database when one is reachable
/// at WARDEN_BENCH_POSTGRES_URL (default the local `test` database), each removed afterwards
/// unless WARDEN_BENCH_KEEP is set (to look at query plans). WARDEN_BENCH_ONLY=sqlite or =postgres runs
/// one of them.
pub async fn on_each_engine<Run: std::future::Future<Output = ()>>(name: &str, run: impl Fn(String) -> Run) {
    use sqlx::{Connection, Executor, PgConnection};
    let only = std::env::var("WARDEN_BENCH_ONLY").unwrap_or_default();
    if only != "postgres" {
        let path = std::env::temp_dir().join(format!("warden-{name}-{}.db", std::process::id()));
        run(format!("sqlite://{}?mode=rwc", path.display())).await;
        if std::env::var_os("WARDEN_BENCH_KEEP").is_some() {
            println!("kept the database {} (WARDEN_BENCH_KEEP)", path.display());
        } else {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
    if only == "sqlite" {
        return;
    }
    let server = std::env::var("WARDEN_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let Ok(mut admin) = PgConnection::connect(&server).await else {
        println!("\nPostgreSQL is unreachable at {server}: its figures are skipped");
        return;
    };
    let database = format!("warden_{name}_{}", std::process::id());
    admin.execute(format!("CREATE DATABASE {database}").as_str()).await.expect("create database");
    let base = server.rsplit_once('/').map_or(server.as_str(), |(base, _)| base);
    println!();
    run(format!("{base}/{database}")).await;
    if std::env::var_os("WARDEN_BENCH_KEEP").is_some() {
        println!("kept the database {base}/{database} (WARDEN_BENCH_KEEP)");
        return;
    }
    admin.execute(format!("DROP DATABASE {database} WITH (FORCE)").as_str()).await.expect("drop database");
}

/// The app on a fresh SQLite file, with the first admin [`EMAIL`]; its address.
pub async fn serve_app(name: &str) -> SocketAddr {
    serve_app_and_router(name).await.0
}

/// The app on a fresh SQLite file, with the first admin [`EMAIL`]: its address, and the router
/// it serves (to call it in process as well).
pub async fn serve_app_and_router(name: &str) -> (SocketAddr, axum::Router) {
    // One file per bench run, left in the temp folder (the process may be stopped at any time).
    let path = std::env::temp_dir().join(format!("warden-bench-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let domain = Domain::new(warden::domain::Database::open(&url).await.expect("database"));
    domain.bootstrap(Some(EMAIL.to_owned()), Some(PASSWORD.to_owned())).await.expect("bootstrap");
    serve_with_router(domain).await
}

/// The app on `domain`'s database; its address.
pub async fn serve(domain: Domain) -> SocketAddr {
    serve_with_router(domain).await.0
}

async fn serve_with_router(domain: Domain) -> (SocketAddr, axum::Router) {
    // As `warden serve` listens (TCP_NODELAY on every connection).
    let listener = warden::server::listener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("port");
    let addr = axum::serve::Listener::local_addr(&listener).expect("address");
    let url = domain.db().url().to_owned();
    let toml = format!(
        "[warden]\nlisten_addr = \"{addr}\"\npublic_url = \"http://{addr}\"\ndatabase_url = \"{url}\"\nsession_idle_timeout_minutes = 30\n"
    );
    let settings = Settings::from_toml(&toml, |_| None).expect("settings");
    let leptos_options = leptos::config::LeptosOptions::builder().output_name("warden").build();
    let state = AppState::new(leptos_options, Arc::new(settings), domain);
    let app = warden::server::app::router(state).await.expect("router");
    let served = app.clone();
    tokio::spawn(async move {
        axum::serve(listener, served.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    (addr, app)
}

/// One request on its own connection; the status and the whole response (head and body).
pub async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    stream.write_all(body).await.expect("write body");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let status = std::str::from_utf8(&response[9..12]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, response)
}

/// A GET on its own connection: the status, the time to the response's first byte and to its
/// last, and the body.
pub async fn timed_get(addr: SocketAddr, path: &str, cookie: &str) -> (u16, Duration, Duration, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncookie: {cookie}\r\n\r\n");
    let started = Instant::now();
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut first = [0u8; 12];
    stream.read_exact(&mut first).await.expect("read");
    let first_byte = started.elapsed();
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).await.expect("read");
    let whole = started.elapsed();
    let status = std::str::from_utf8(&first[9..12]).ok().and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, first_byte, whole, String::from_utf8_lossy(&rest).into_owned())
}

/// Signs [`EMAIL`] in as the sign-in form does; the `warden_session=...` cookie.
pub async fn sign_in(addr: SocketAddr) -> String {
    let form = format!("email={}&password={}", EMAIL.replace('@', "%40"), PASSWORD.replace(' ', "+"));
    let origin = format!("http://{addr}");
    let (status, response) = send(
        addr,
        "POST",
        "/api/sign-in",
        &[("origin", &origin), ("content-type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&response));
    let text = String::from_utf8_lossy(&response);
    text.lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: warden_session=")
                .then(|| l[12..].split(';').next().unwrap().to_owned())
        })
        .expect("session cookie")
}

/// A response's head and body, split.
pub fn head_and_body(response: &[u8]) -> (String, Vec<u8>) {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    (String::from_utf8_lossy(&response[..end]).into_owned(), response[end..].to_vec())
}
