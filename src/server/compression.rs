//! Compression of answers on the fly (brotli or gzip, as the client accepts): pages, JSON and
//! static files that have no precompressed copy (a release build ships `.br` and `.gz`
//! beside each asset, which `leptos_axum`'s file handler serves as they are).
//!
//! An answer that shows a secret marks itself [`Uncompressed`]: compressing a secret beside
//! text an attacker chooses lets them guess it from the size (BREACH).
//!
//! The WebAssembly bundle is never compressed on the fly: a release build serves its
//! precompressed copy, and a debug build's (17 MB) would cost every request that fetches it
//! seconds of a worker thread, stalling every other answer of that server meanwhile.

use axum::http::{Extensions, HeaderMap, StatusCode, Version};
use tower_http::compression::{CompressionLayer, DefaultPredicate, Predicate, predicate::NotForContentType};

/// Put in a response's extensions to send it as it is.
#[derive(Debug, Clone, Copy)]
pub struct Uncompressed;

pub fn layer() -> CompressionLayer<impl Predicate> {
    let predicate =
        DefaultPredicate::new().and(NotForContentType::const_new("application/wasm")).and(not_marked_uncompressed);
    CompressionLayer::new().no_deflate().no_zstd().compress_when(predicate)
}

fn not_marked_uncompressed(_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions) -> bool {
    extensions.get::<Uncompressed>().is_none()
}
