//! How long browsers may keep what the server answers:
//! - pages and API answers may hold personal data: never stored (`no-store`);
//! - asset files whose names carry their content's hash (cargo-leptos `hash-files`) never
//!   change under their name: kept for a year without asking again (`immutable`);
//! - other static files: kept, but checked with the server before each use (`no-cache`).

use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::Response,
};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Sets `Cache-Control` unless the handler did; `hashed_asset` says whether the request asked
/// for a hashed asset file (see [`is_hashed_asset`]).
pub fn add_cache_control(response: &mut Response, hashed_asset: bool) {
    let headers = response.headers();
    if headers.contains_key(header::CACHE_CONTROL) {
        return;
    }
    let policy = if is_dynamic(headers) {
        "no-store"
    } else if hashed_asset && response.status().is_success() {
        IMMUTABLE
    } else {
        "no-cache"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
}

/// Pages and API answers may hold personal data: keep them out of shared caches.
fn is_dynamic(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"))
}

/// `/pkg/warden.<hash>.wasm`: cargo-leptos names hashed files with the unpadded base64url of
/// their MD5 (22 characters) before the extension. The WebAssembly chunks' loader is written
/// first as `__wasm_split.______________________.js` (22 underscores), a placeholder, not a hash.
pub fn is_hashed_asset(path: &str) -> bool {
    let Some(name) = path.strip_prefix("/pkg/") else { return false };
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash)) = (parts.next(), parts.next()) else { return false };
    parts.next().is_some()
        && hash.len() == 22
        && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && hash.bytes().any(|b| b != b'_')
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn only_hashed_names_under_pkg_are_hashed_assets() {
        assert!(is_hashed_asset("/pkg/warden.4mbMjb0hhQRGxAcl8Q3Y_A.wasm"));
        assert!(is_hashed_asset("/pkg/warden.Zf-1lzXc0GmvRUv2Ybd3Pw.css"));
        assert!(!is_hashed_asset("/pkg/warden.wasm"));
        assert!(!is_hashed_asset("/pkg/warden_bg.wasm"));
        assert!(!is_hashed_asset("/pkg/4mbMjb0hhQRGxAcl8Q3Y_A.wasm"));
        assert!(!is_hashed_asset("/warden.4mbMjb0hhQRGxAcl8Q3Y_A.svg"));
        assert!(!is_hashed_asset("/pkg/warden.4mbMjb0hhQRGxAcl8Q3Y!A.js"));
        assert!(is_hashed_asset("/pkg/__wasm_split.u8R-b2Uq0mJvYp3bX_9Q1w.js"));
        assert!(!is_hashed_asset("/pkg/__wasm_split.______________________.js"));
    }
}
