//! How answers travel: compressed when the client accepts it (never a secret shown once), and
//! cached by browsers as long as each kind may be (asset files with a hash in their name for a
//! year, pages and API answers never).

use std::io::{Read, Write};

use axum::http::StatusCode;
use warden::domain::Engine;

use crate::support::{
    TestApp,
    http::{Req, Response},
};

fn decoded(response: &Response) -> String {
    let mut text = String::new();
    match response.header("content-encoding") {
        Some("br") => brotli::Decompressor::new(&response.body[..], 4096).read_to_string(&mut text),
        Some("gzip") => flate2::read::GzDecoder::new(&response.body[..]).read_to_string(&mut text),
        None => return response.text(),
        Some(other) => panic!("unexpected encoding {other}"),
    }
    .expect("a well-formed compressed body");
    text
}

async fn pages_and_api_answers_are_compressed_when_the_client_accepts_it(engine: Engine) {
    let Some(app) = TestApp::start(engine).await else { return };
    let cookie = app.admin_cookie().await;

    let plain = app.send(Req::page("/users").cookie(&cookie)).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None, "no Accept-Encoding, no compression");

    let page = app.send(Req::page("/users").cookie(&cookie).header("accept-encoding", "br, gzip")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-encoding"), Some("br"));
    assert_eq!(page.header("cache-control"), Some("no-store"), "a page may hold personal data");
    let html = decoded(&page);
    assert!(html.contains("</html>") && html.contains(crate::support::ADMIN_EMAIL), "the whole page: {html}");
    println!("users page: {} bytes as HTML, {} as brotli", html.len(), page.body.len());
    assert!(page.body.len() * 2 < html.len(), "compression halves a page at least");

    let me = app.send(Req::get("/v1/me").cookie(&cookie).header("accept-encoding", "gzip")).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.header("content-encoding"), Some("gzip"));
    assert_eq!(me.header("cache-control"), Some("no-store"));
    let body: serde_json::Value = serde_json::from_str(&decoded(&me)).expect("JSON");
    assert_eq!(body["email"], crate::support::ADMIN_EMAIL, "{body}");
}

/// A site root with a hashed asset (and its precompressed copy), an unhashed one, and nothing
/// else: what `cargo leptos build --release --precompress` leaves, in small.
fn site_root() -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("warden-site-{}", warden::domain::ids::new_id()));
    std::fs::create_dir_all(root.join("pkg")).expect("site root");
    let script = "export function hydrate() { /* the app */ }\n".repeat(40);
    std::fs::write(root.join("pkg/warden.Zf-1lzXc0GmvRUv2Ybd3Pw.js"), &script).expect("asset");
    let mut precompressed = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut precompressed, 4096, 11, 22);
        writer.write_all(script.as_bytes()).expect("brotli");
    }
    std::fs::write(root.join("pkg/warden.Zf-1lzXc0GmvRUv2Ybd3Pw.js.br"), precompressed).expect("asset");
    std::fs::write(root.join("warden.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n".repeat(4))
        .expect("icon");
    // A bundle without a precompressed copy, as a debug build leaves it.
    std::fs::write(root.join("pkg/warden.Qx9-bundle0GmvRUv2Ybd3P.wasm"), vec![0u8; 64 * 1024]).expect("bundle");
    root
}

async fn hashed_assets_are_cached_for_a_year_and_served_precompressed(engine: Engine) {
    let root = site_root();
    let Some(app) = TestApp::start_serving(engine, &root.to_string_lossy()).await else { return };

    let script = app
        .send(Req::get("/pkg/warden.Zf-1lzXc0GmvRUv2Ybd3Pw.js").header("accept-encoding", "gzip, deflate, br"))
        .await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert_eq!(script.header("content-encoding"), Some("br"), "the precompressed copy");
    let on_disk = std::fs::read(root.join("pkg/warden.Zf-1lzXc0GmvRUv2Ybd3Pw.js.br")).expect("asset");
    assert_eq!(script.body.as_ref(), on_disk.as_slice(), "served as it is, not compressed again");
    assert!(decoded(&script).starts_with("export function hydrate()"));

    let icon = app.send(Req::get("/warden.svg").header("accept-encoding", "gzip")).await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.header("cache-control"), Some("no-cache"), "an unhashed name must be checked before use");
    assert_eq!(icon.header("content-encoding"), Some("gzip"), "compressed on the fly");
    assert!(decoded(&icon).starts_with("<svg"));

    // Never compressed on the fly: that would hold a worker thread for seconds on a large one.
    let bundle =
        app.send(Req::get("/pkg/warden.Qx9-bundle0GmvRUv2Ybd3P.wasm").header("accept-encoding", "br, gzip")).await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert_eq!(bundle.header("content-type"), Some("application/wasm"));
    assert_eq!(bundle.header("content-encoding"), None, "served as it is");
    assert_eq!(bundle.body.len(), 64 * 1024);

    let missing = app.send(Req::get("/pkg/warden.AAAAAAAAAAAAAAAAAAAAAA.js")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(missing.header("cache-control"), Some("public, max-age=31536000, immutable"), "a miss is not kept");
    std::fs::remove_dir_all(root).ok();
}

on_both_engines!(
    pages_and_api_answers_are_compressed_when_the_client_accepts_it,
    hashed_assets_are_cached_for_a_year_and_served_precompressed,
);
