//! What the HTTP benchmarks share: the whole app served on a TCP port as `warden serve` serves
//! it, a plain HTTP/1.1 request on its own connection, and signing in.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::{net::SocketAddr, sync::Arc};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use warden::{domain::Domain, settings::Settings, web::AppState};

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "a long bench passphrase";

/// The app on a fresh SQLite file, with the first admin [`EMAIL`]; its address.
pub async fn serve_app(name: &str) -> SocketAddr {
    // One file per bench run, left in the temp folder (the process may be stopped at any time).
    let path = std::env::temp_dir().join(format!("warden-bench-{name}-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let url = format!("sqlite://{}?mode=rwc", path.display());
    // As `warden serve` listens (TCP_NODELAY on every connection).
    let listener = warden::server::listener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("port");
    let addr = axum::serve::Listener::local_addr(&listener).expect("address");
    let toml = format!(
        "[warden]\nlisten_addr = \"{addr}\"\npublic_url = \"http://{addr}\"\ndatabase_url = \"{url}\"\nsession_idle_timeout_minutes = 30\n"
    );
    let settings = Settings::from_toml(&toml, |_| None).expect("settings");
    let domain = Domain::new(warden::domain::Database::open(&url).await.expect("database"));
    domain.bootstrap(Some(EMAIL.to_owned()), Some(PASSWORD.to_owned())).await.expect("bootstrap");
    let leptos_options = leptos::config::LeptosOptions::builder().output_name("warden").build();
    let state = AppState { leptos_options, settings: Arc::new(settings), domain };
    let app = warden::server::app::router(state).await.expect("router");
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.expect("serve");
    });
    addr
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
