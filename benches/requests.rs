//! Large requests through the real server: the whole app on a TCP port, called by a plain
//! HTTP/1.1 client over sockets. Prints figures; asserts nothing.
//!
//!     cargo bench --features ssr --bench requests
//!
//! Measures how long a 1 MB policy document takes to be answered (a list of permission strings
//! far over the limit, and statements spelling out the most resource-action pairs allowed, each
//! to be validated), and how fast `/healthz` answers while such documents keep arriving.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The router's page types are deep, as in the crate itself.
#![recursion_limit = "512"]

mod support;

use std::time::{Duration, Instant};

use serde_json::json;
use support::{send, serve_app, sign_in};

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() as f64 - 1.0) * p).round() as usize]
}

fn report(label: &str, samples: &mut [Duration], target: &str) {
    let (p50, p99) = (percentile(samples, 0.50), percentile(samples, 0.99));
    println!("{label:<62} p50 {:>10.3?}  p99 {:>10.3?}  (n={}; target {target})", p50, p99, samples.len());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let addr = serve_app("requests").await;
    let origin = format!("http://{addr}");
    let cookie = sign_in(addr).await;

    // 60,000 permission strings: far over the 1,000 allowed.
    let strings: Vec<String> = (0..60_000).map(|i| format!("nosuchtype{i}:read")).collect();
    let too_many = json!({ "name": "Too many", "permissions": strings }).to_string();
    // 50 statements of 200 resources each: the 10,000 pairs allowed, every one looked at.
    let statements: Vec<_> = (0..50)
        .map(|s| {
            let resources: Vec<String> = (0..200).map(|r| format!("an_application_resource_type_with_a_long_descriptive_key_as_some_platforms_name_them_{s:03}_{r:04}")).collect();
            json!({ "effect": "allow", "actions": ["read"], "resources": resources })
        })
        .collect();
    let widest = json!({ "name": "Widest", "statements": statements }).to_string();
    let headers = [("origin", origin.as_str()), ("cookie", cookie.as_str()), ("content-type", "application/json")];
    let policies = "/v1/orgs/root/iam/policies";
    for (label, body) in [("permission strings", &too_many), ("statements, 10,000 pairs", &widest)] {
        let mut samples = Vec::new();
        let mut answered = 0;
        for _ in 0..20 {
            let started = Instant::now();
            let (status, _) = send(addr, "POST", policies, &headers, body.as_bytes()).await;
            samples.push(started.elapsed());
            answered = status;
        }
        let size = body.len() as f64 / 1_048_576.0;
        report(&format!("a {size:.1} MB policy of {label} (answered {answered})"), &mut samples, "<= 100 ms");
    }

    // /healthz while large documents keep arriving.
    let mut health = Vec::new();
    let flood = {
        let (headers, widest) = (headers.map(|(n, v)| (n.to_owned(), v.to_owned())), widest.clone());
        tokio::spawn(async move {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            loop {
                send(addr, "POST", policies, &headers, widest.as_bytes()).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..200 {
        let started = Instant::now();
        let (status, _) = send(addr, "GET", "/healthz", &[], b"").await;
        health.push(started.elapsed());
        assert_eq!(status, 200);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    flood.abort();
    report("/healthz while 1 MB policies keep arriving", &mut health, "fast (<= 10 ms)");
}
