//! Browser-facing protections:
//! - security headers on every response: for pages a per-request CSP nonce that only the
//!   hydration scripts carry (nothing else inline may run); for the REST API a policy that
//!   allows nothing;
//! - refusal of state-changing requests that come from another origin (CSRF).

use axum::{
    extract::Request,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::api::error::ApiError;
use crate::settings::Settings;

/// The nonce of this response's Content-Security-Policy; the page shell puts it on the
/// hydration scripts.
#[derive(Debug, Clone)]
pub struct CspNonce(pub String);

/// The Content-Security-Policy for this request's response: for a page, one with a new nonce,
/// which goes into the request's extensions for the page shell.
pub fn content_security_policy_for(req: &mut Request) -> HeaderValue {
    if is_api_path(req.uri().path()) {
        return HeaderValue::from_static(API_CONTENT_SECURITY_POLICY);
    }
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let csp = HeaderValue::from_str(&content_security_policy(&nonce));
    req.extensions_mut().insert(CspNonce(nonce));
    csp.unwrap_or_else(|_| HeaderValue::from_static(API_CONTENT_SECURITY_POLICY))
}

/// The headers every response carries.
pub fn add_security_headers(headers: &mut HeaderMap, csp: HeaderValue) {
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: https:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Refuses writes whose `Origin` (or, lacking it, `Referer`) is not Warden's public URL.
/// REST calls without a cookie carry their own credentials and are not exposed to CSRF.
pub fn refuse_cross_site_write(settings: &Settings, req: &Request) -> Option<Response> {
    let safe = !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let cookieless_api_call = is_api_path(req.uri().path()) && !req.headers().contains_key(header::COOKIE);
    if safe || cookieless_api_call || is_same_origin(req.headers(), settings.public_origin()) {
        return None;
    }
    tracing::warn!(origin = ?req.headers().get(header::ORIGIN), "refused a cross-origin write");
    Some(
        ApiError::status(StatusCode::FORBIDDEN, "FORBIDDEN", "Cross-origin request refused")
            .with_details(json!({ "reason": "origin_mismatch" }))
            .into_response(),
    )
}

fn is_api_path(path: &str) -> bool {
    path.starts_with("/v1/") || path == "/healthz"
}

fn is_same_origin(headers: &HeaderMap, public_origin: &str) -> bool {
    let header_text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    match (header_text(header::ORIGIN), header_text(header::REFERER)) {
        (Some(origin), _) => origin == public_origin,
        (None, Some(referer)) => referer == public_origin || referer.starts_with(&format!("{public_origin}/")),
        (None, None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).expect("valid header"));
        }
        map
    }

    #[test]
    fn same_origin_by_origin_or_referer() {
        let origin = "http://127.0.0.1:3000";
        assert!(is_same_origin(&headers(&[(header::ORIGIN, origin)]), origin));
        assert!(is_same_origin(&headers(&[(header::REFERER, "http://127.0.0.1:3000/account")]), origin));
        assert!(!is_same_origin(&headers(&[(header::ORIGIN, "http://evil.example")]), origin));
        assert!(!is_same_origin(&headers(&[(header::REFERER, "http://127.0.0.1:30000/")]), origin));
        assert!(!is_same_origin(&headers(&[(header::ORIGIN, "null")]), origin));
        assert!(!is_same_origin(&HeaderMap::new(), origin));
    }

    #[test]
    fn csp_allows_only_the_nonce_inline() {
        let csp = content_security_policy("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
