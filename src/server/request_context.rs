//! The first thing done to a request (see `edge.rs`): gives it an id (the caller's
//! `X-Request-ID` if it is sensible, a new one otherwise), notes the client address (see
//! [`super::client_addr`]), logs the request inside a span that carries the id, and echoes the
//! id on the response.

use std::{net::SocketAddr, time::Instant};

use axum::{
    extract::{ConnectInfo, Request},
    http::HeaderValue,
    response::Response,
};

use super::client_addr::{FORWARDED_FOR, client_addr};
use crate::settings::Settings;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What `authenticate` needs from here for the request's actor: its id and the client's
/// address (one extension, taken out by its only reader).
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub request_id: String,
    pub client_addr: Option<String>,
}

/// A request on its way through: its id, and the span its log lines go in.
pub struct RequestContext {
    request_id: String,
    pub span: tracing::Span,
    started: Instant,
}

/// Notes the request's id and client address in its extensions, and opens its span.
pub fn open(settings: &Settings, req: &mut Request) -> RequestContext {
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| is_acceptable_request_id(id))
        .map(str::to_owned)
        .unwrap_or_else(new_request_id);
    let forwarded: Vec<&str> =
        req.headers().get_all(FORWARDED_FOR).iter().filter_map(|value| value.to_str().ok()).collect();
    let client_addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| client_addr(info.0.ip(), &forwarded, &settings.trusted_proxies).to_string());
    req.extensions_mut().insert(RequestFacts { request_id: request_id.clone(), client_addr });
    let span = tracing::info_span!("request", request_id = %request_id, method = %req.method(), path = %req.uri().path(), user_id = tracing::field::Empty, token_id = tracing::field::Empty);
    RequestContext { request_id, span, started: Instant::now() }
}

impl RequestContext {
    /// Logs the answer and echoes the request id on it.
    pub fn close(self, response: &mut Response) {
        self.span.in_scope(|| {
            tracing::info!(
                status = response.status().as_u16(),
                latency_ms = self.started.elapsed().as_millis() as u64,
                "request finished"
            );
        });
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
    }
}

/// A new random id, written without the formatting machinery (this runs on every request).
fn new_request_id() -> String {
    uuid::Uuid::new_v4().hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).to_owned()
}

/// Up to 128 visible ASCII characters: enough for any tracing id, too little for log injection.
fn is_acceptable_request_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_ids_only() {
        assert!(is_acceptable_request_id("abc-123_DEF.456"));
        assert!(!is_acceptable_request_id(""));
        assert!(!is_acceptable_request_id("has space"));
        assert!(!is_acceptable_request_id(&"x".repeat(129)));
    }
}
