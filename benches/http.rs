//! Requests per second through the real router beside a bare axum handler that answers the same
//! bytes, both on this machine in the same run, measured by a real load generator (npm
//! `autocannon`, 16 connections kept alive). Prints figures; asserts nothing.
//!
//!     cargo bench --features ssr --bench http
//!
//! Each endpoint is first called once through Warden; its answer (headers and body, the same bytes
//! on the wire but for the date) is what the bare handler then sends for the same path.
//! `WARDEN_BENCH_BARE_HEADERS=content-type` makes the bare handler send only Warden's content type
//! beside the body, as this benchmark did before 2026-12-07 (a shorter head than Warden's).
//! The two are loaded in turns, Warden then the
//! bare handler, `WARDEN_BENCH_ROUNDS` times (default 3): this machine's speed drifts by a fifth
//! within minutes, and turns put both under the same drift. The ratio is Warden's requests over
//! the bare handler's, all rounds together; each round's ratio is printed beside it.
//! `WARDEN_BENCH_SECONDS` (default 5) sets how long each run lasts; `WARDEN_BENCH_CONNECTIONS`
//! (default 16) how many connections the load generator keeps open; `AUTOCANNON` the load
//! generator (default node_modules/.bin/autocannon);
//! `WARDEN_BENCH_ENDPOINT` runs only the endpoints whose label holds it (to profile one);
//! `WARDEN_BENCH_CALLS` (default 20,000) how many calls each in-process figure makes.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The router's page types are deep, as in the crate itself.
#![recursion_limit = "512"]

mod support;

use std::{collections::HashMap, net::SocketAddr, sync::Arc};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, HeaderName, HeaderValue, Uri, header},
    response::{IntoResponse, Response},
};
use support::{head_and_body, send, serve_app_and_router, sign_in};
use tower::ServiceExt;

/// The issue's figure: 16 connections. `WARDEN_BENCH_CONNECTIONS` changes it, to see how a
/// figure moves with more or fewer requests in flight.
fn connections() -> String {
    std::env::var("WARDEN_BENCH_CONNECTIONS").unwrap_or_else(|_| "16".to_owned())
}

struct Endpoint {
    label: &'static str,
    method: &'static str,
    path: String,
    body: &'static str,
    signed_in: bool,
}

/// One autocannon run's figures, or several runs' together.
struct Load {
    requests_per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    failures: u64,
}

async fn autocannon(url: &str, endpoint: &Endpoint, headers: &[(&str, &str)]) -> Load {
    let program = std::env::var("AUTOCANNON").unwrap_or_else(|_| "node_modules/.bin/autocannon".to_owned());
    let seconds = std::env::var("WARDEN_BENCH_SECONDS").unwrap_or_else(|_| "5".to_owned());
    let mut command = tokio::process::Command::new(&program);
    command.args(["-c", &connections(), "-d", &seconds, "-j", "-m", endpoint.method]);
    for (name, value) in headers {
        command.args(["-H", &format!("{name}={value}")]);
    }
    if !endpoint.body.is_empty() {
        command.args(["-b", endpoint.body]);
    }
    let output = command.arg(url).output().await.unwrap_or_else(|e| panic!("{program}: {e} (run npm install)"));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("autocannon: {e}: {}", String::from_utf8_lossy(&output.stderr)));
    let figure = |path: &str| report.pointer(path).and_then(serde_json::Value::as_f64).unwrap_or(f64::NAN);
    Load {
        requests_per_second: figure("/requests/average"),
        p50_ms: figure("/latency/p50"),
        p99_ms: figure("/latency/p99"),
        max_ms: figure("/latency/max"),
        failures: [figure("/non2xx"), figure("/errors"), figure("/timeouts")].iter().map(|f| *f as u64).sum(),
    }
}

impl Load {
    /// The figures of all `runs` (of equal length) together: their mean rate, the median of
    /// their medians, the worst of their tails.
    fn together(runs: &[Load]) -> Load {
        let mut medians: Vec<f64> = runs.iter().map(|run| run.p50_ms).collect();
        medians.sort_by(f64::total_cmp);
        let worst = |figure: fn(&Load) -> f64| runs.iter().map(figure).fold(f64::NAN, f64::max);
        Load {
            requests_per_second: runs.iter().map(|run| run.requests_per_second).sum::<f64>() / runs.len() as f64,
            p50_ms: medians.get(medians.len() / 2).copied().unwrap_or(f64::NAN),
            p99_ms: worst(|run| run.p99_ms),
            max_ms: worst(|run| run.max_ms),
            failures: runs.iter().map(|run| run.failures).sum(),
        }
    }
}

/// Warden's and the bare handler's figures for one endpoint, loaded in turns.
async fn in_turns(
    warden: SocketAddr,
    bare: SocketAddr,
    endpoint: &Endpoint,
    headers: &[(&str, &str)],
) -> (Load, Load, Vec<f64>) {
    let rounds: usize = std::env::var("WARDEN_BENCH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(3);
    let (mut real, mut plain, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) {
        let warden = autocannon(&format!("http://{warden}{}", endpoint.path), endpoint, headers).await;
        let bare = autocannon(&format!("http://{bare}{}", endpoint.path), endpoint, headers).await;
        ratios.push(warden.requests_per_second / bare.requests_per_second);
        real.push(warden);
        plain.push(bare);
    }
    (Load::together(&real), Load::together(&plain), ratios)
}

/// What the bare server answers for one path: Warden's headers and body.
#[derive(Clone)]
struct Answer {
    headers: HeaderMap,
    body: Bytes,
}

type Answers = Arc<HashMap<String, Answer>>;

async fn bare_answer(State(answers): State<Answers>, uri: Uri) -> Response {
    let answer = answers.get(uri.path()).cloned().expect("a recorded path");
    let mut response = answer.body.into_response();
    *response.headers_mut() = answer.headers;
    response
}

/// Warden's response as the bare handler will send it: its headers but those the server writes
/// itself (date, length, framing, connection), and its body (unchunked). With
/// `WARDEN_BENCH_BARE_HEADERS=content-type`, only the content type of its headers.
fn recorded_answer(response: &[u8]) -> Answer {
    let (head, body) = head_and_body(response);
    let only_content_type = std::env::var("WARDEN_BENCH_BARE_HEADERS").is_ok_and(|only| only == "content-type");
    let mut headers = HeaderMap::new();
    let mut chunked = false;
    for line in head.lines().skip(1).filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':').expect("a header line");
        let name = HeaderName::from_bytes(name.trim().as_bytes()).expect("a header name");
        let value = HeaderValue::from_str(value.trim()).expect("a header value");
        chunked |= name == header::TRANSFER_ENCODING && value == "chunked";
        let written_by_the_server =
            [header::DATE, header::CONTENT_LENGTH, header::TRANSFER_ENCODING, header::CONNECTION].contains(&name);
        if !written_by_the_server && (!only_content_type || name == header::CONTENT_TYPE) {
            headers.append(name, value);
        }
    }
    let body = if chunked { unchunked(&body) } else { body };
    Answer { headers, body: Bytes::from(body) }
}

/// A chunked body's content.
fn unchunked(mut body: &[u8]) -> Vec<u8> {
    let mut content = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n").expect("a chunk size");
        let size = usize::from_str_radix(std::str::from_utf8(&body[..line_end]).expect("hex").trim(), 16).expect("hex");
        if size == 0 {
            return content;
        }
        content.extend_from_slice(&body[line_end + 2..line_end + 2 + size]);
        body = &body[line_end + 2 + size + 2..];
    }
}

async fn serve_bare(answers: Answers) -> (SocketAddr, Router) {
    let listener = warden::server::listener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("port");
    let addr = axum::serve::Listener::local_addr(&listener).expect("address");
    let app = Router::new().fallback(bare_answer).with_state(answers);
    let served = app.clone();
    tokio::spawn(async move { axum::serve(listener, served).await.expect("serve") });
    (addr, app)
}

/// Microseconds per request when the router is called in process, one request after another
/// (no network, no load generator): the server's own work for the endpoint.
async fn in_process_micros(router: &Router, endpoint: &Endpoint, headers: &[(&str, &str)]) -> f64 {
    let calls: u32 = std::env::var("WARDEN_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let started = std::time::Instant::now();
    for _ in 0..calls {
        let mut request = axum::http::Request::builder().method(endpoint.method).uri(&endpoint.path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(axum::body::Body::from(endpoint.body)).expect("request");
        let response = router.clone().oneshot(request).await.expect("answer");
        assert!(response.status().is_success(), "{}: {}", endpoint.label, response.status());
        axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(calls)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let (warden, router) = serve_app_and_router("http").await;
    let origin = format!("http://{warden}");
    let cookie = sign_in(warden).await;
    let signed_in = [("cookie", cookie.as_str()), ("origin", origin.as_str())];
    let (_, root) = send(warden, "GET", "/v1/orgs/root", &signed_in, b"").await;
    let root: serde_json::Value = serde_json::from_slice(&head_and_body(&root).1).expect("the root");
    let root = root["id"].as_str().expect("the root's id").to_owned();

    let endpoints = [
        Endpoint { label: "GET /healthz", method: "GET", path: "/healthz".into(), body: "", signed_in: false },
        Endpoint { label: "GET /v1/me (signed in)", method: "GET", path: "/v1/me".into(), body: "", signed_in: true },
        Endpoint {
            label: "POST .../iam/check",
            method: "POST",
            path: format!("/v1/orgs/{root}/iam/check"),
            body: r#"{"permission":"member:read"}"#,
            signed_in: true,
        },
        Endpoint {
            label: "GET .../iam/members (REST list)",
            method: "GET",
            path: format!("/v1/orgs/{root}/iam/members"),
            body: "",
            signed_in: true,
        },
        Endpoint {
            label: "GET /orgs/{id}/members (page)",
            method: "GET",
            path: format!("/orgs/{root}/members"),
            body: "",
            signed_in: true,
        },
    ];

    // Warden's answers, recorded for the bare server.
    let mut answers = HashMap::new();
    for endpoint in &endpoints {
        let headers = headers_for(endpoint, &signed_in);
        let (status, response) =
            send(warden, endpoint.method, &endpoint.path, &headers, endpoint.body.as_bytes()).await;
        assert_eq!(status, 200, "{}: {}", endpoint.label, String::from_utf8_lossy(&response));
        if std::env::var_os("WARDEN_BENCH_HEADS").is_some() {
            let (head, body) = head_and_body(&response);
            println!("{}: {} bytes of head, {} of body\n{head}", endpoint.label, head.len(), body.len());
        }
        answers.insert(endpoint.path.clone(), recorded_answer(&response));
    }
    let (bare, bare_router) = serve_bare(Arc::new(answers)).await;

    println!(
        "{} connections, kept alive; p50 / p99 / max latency; Warden's req/s as a share of the bare \
         handler's (each round's in brackets)",
        connections()
    );
    println!("{:<34} {:>22} {:>30} {:>8}", "", "Warden", "bare axum, same bytes", "ratio");
    let only = std::env::var("WARDEN_BENCH_ENDPOINT").unwrap_or_default();
    for endpoint in endpoints.iter().filter(|endpoint| endpoint.label.contains(&only)) {
        let headers = headers_for(endpoint, &signed_in);
        let (real, plain, rounds) = in_turns(warden, bare, endpoint, &headers).await;
        let ratio = real.requests_per_second / plain.requests_per_second;
        let rounds: Vec<String> = rounds.iter().map(|ratio| format!("{:.0}", ratio * 100.0)).collect();
        println!(
            "{:<34} {:>7.0} req/s {:>4.1}/{:>5.1}/{:>6.1} ms | {:>7.0} req/s {:>4.1}/{:>5.1}/{:>6.1} ms | {:>5.0}% ({}){}",
            endpoint.label,
            real.requests_per_second,
            real.p50_ms,
            real.p99_ms,
            real.max_ms,
            plain.requests_per_second,
            plain.p50_ms,
            plain.p99_ms,
            plain.max_ms,
            ratio * 100.0,
            rounds.join(" / "),
            if real.failures + plain.failures > 0 {
                format!("  ({} failed requests)", real.failures + plain.failures)
            } else {
                String::new()
            },
        );
    }
    println!("targets: iam/check and /v1/me >= 50% of the bare handler's req/s, p99 <= 10 ms");

    println!("\nIn process (the router called directly, one request after another, no network): us per request");
    for endpoint in endpoints.iter().filter(|endpoint| endpoint.label.contains(&only)) {
        let headers = headers_for(endpoint, &signed_in);
        let real = in_process_micros(&router, endpoint, &headers).await;
        let plain = in_process_micros(&bare_router, endpoint, &headers).await;
        println!("{:<34} {real:>8.1} us | bare {plain:>6.1} us", endpoint.label);
    }
}

/// The headers every request sends, and the session's when the endpoint needs one.
fn headers_for<'a>(endpoint: &Endpoint, signed_in: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut headers = vec![("content-type", "application/json"), ("accept", "text/html,application/json")];
    if endpoint.signed_in {
        headers.extend_from_slice(signed_in);
    }
    headers
}
