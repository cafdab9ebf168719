//! What every request passes through before its route, and every response after, in one
//! middleware. Each `from_fn` layer boxes the next one's future and clones the boxed chain on
//! every request; seven of them in a row cost a fifth of a small API request's time. So the
//! steps live in their own modules as plain functions, called here in order, outermost first:
//!
//! 1. the request's id, client address and log span (`request_context`);
//! 2. the Content-Security-Policy, with a nonce for pages (`security`);
//! 3. the time limit (`limits`), around
//! 4. the body size limit (`limits`) and the refusal of cross-site writes (`security`),
//!    and then the route;
//! 5. on the way out: `Cache-Control` (`caching`), the security headers, the request id.

use std::sync::Arc;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

use super::{caching, limits, request_context, security};
use crate::settings::Settings;

pub async fn edge(State(settings): State<Arc<Settings>>, mut req: Request, next: Next) -> Response {
    let context = request_context::open(&settings, &mut req);
    let handling = async {
        let csp = security::content_security_policy_for(&mut req);
        let hashed_asset = caching::is_hashed_asset(req.uri().path());
        // Boxed: this future is moved whole into each layer's future around it, and the
        // route's own (with the time limit's timer) is large.
        let mut response = limits::within_time_limit(Box::pin(checked(&settings, req, next))).await;
        caching::add_cache_control(&mut response, hashed_asset);
        security::add_security_headers(response.headers_mut(), csp);
        response
    };
    let mut response = handling.instrument(context.span.clone()).await;
    context.close(&mut response);
    response
}

/// The route, for a request within the limits that is not a cross-site write.
async fn checked(settings: &Settings, req: Request, next: Next) -> Response {
    let refusal = limits::refuse_declared_too_large(&req).or_else(|| security::refuse_cross_site_write(settings, &req));
    match refusal {
        Some(refusal) => refusal,
        None => next.run(limits::limit_body(req)).await,
    }
}
