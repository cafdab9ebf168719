//! Authentication: `authenticate` turns the session, or on `/v1` an API token, into an
//! [`Identity`] in the request's extensions, for REST handlers and server functions alike;
//! `require_sign_in_for_pages` sends signed-out browsers to the sign-in page (and back
//! afterwards). Both run in axum middleware, before any page starts streaming.
//!
//! A token comes in `Authorization: Bearer <token>` or `X-API-KEY: <token>`, never in the query
//! string, and never beside a cookie (a request is either a browser's or a program's). It is
//! read here and nowhere else, and never logged.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::request_context::RequestFacts;
use crate::{
    api::error::ApiError,
    domain::{Actor, DomainError},
    web::{
        AppState,
        identity::{Identity, SIGN_IN_PATH},
        sessions,
    },
};

pub async fn authenticate(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    // Taken, not copied: the actor made here is their only reader.
    let (request_id, client_addr) = match req.extensions_mut().remove::<RequestFacts>() {
        Some(facts) => (Some(facts.request_id), facts.client_addr),
        None => (None, None),
    };
    if req.uri().path().starts_with("/v1/") {
        match presented_token(&req) {
            Presented::Nothing => {}
            Presented::Refused(message) => {
                return ApiError::status(StatusCode::BAD_REQUEST, "BAD_REQUEST", message).into_response();
            }
            Presented::Token(text) => {
                let (user, token) = match Box::pin(state.domain.authenticate_token(&text, client_addr.as_deref())).await
                {
                    Ok(found) => found,
                    Err(DomainError::Unauthenticated) => return ApiError::unauthenticated().into_response(),
                    Err(error) => {
                        tracing::error!(%error, "could not check an API token");
                        return ApiError::internal().into_response();
                    }
                };
                let span = tracing::Span::current();
                span.record("user_id", tracing::field::display(&user.id));
                span.record("token_id", tracing::field::display(&token.token_id));
                let actor = Actor::signed_in(&user, request_id, client_addr).through_token(token);
                req.extensions_mut().insert(Identity { actor, user: Some(user) });
                return next.run(req).await;
            }
        }
    }
    // Boxed, as the token's check above: this middleware's future is moved whole into the
    // layers around it.
    let signed_in = match Box::pin(sessions::signed_in_user(&state.domain, &session)).await {
        Ok(signed_in) => signed_in,
        Err(error) => {
            tracing::error!(?error, "could not read the session");
            return ApiError::internal().into_response();
        }
    };
    let (actor, user) = match signed_in {
        Some(sessions::SignedIn { user, provider }) => {
            let actor = Actor { provider, ..Actor::signed_in(&user, request_id, client_addr) };
            (actor, Some(user))
        }
        None => (Actor::anonymous(request_id, client_addr), None),
    };
    if user.is_some() {
        tracing::Span::current().record("user_id", tracing::field::display(actor.audit_id().unwrap_or_default()));
    }
    req.extensions_mut().insert(Identity { actor, user });
    next.run(req).await
}

/// What a `/v1` request presents besides (or instead of) a session.
enum Presented {
    Nothing,
    Token(String),
    /// Presented in a way Warden refuses outright (400): why.
    Refused(&'static str),
}

/// Query parameters that programs commonly put credentials in.
const CREDENTIAL_PARAMETERS: [&str; 5] = ["token", "access_token", "api_key", "apikey", "x-api-key"];

fn presented_token(req: &Request) -> Presented {
    let query = req.uri().query().unwrap_or_default();
    let in_query = url::form_urlencoded::parse(query.as_bytes()).any(|(key, value)| {
        CREDENTIAL_PARAMETERS.contains(&key.to_ascii_lowercase().as_str())
            || value.starts_with(crate::domain::tokens::secret::PREFIX)
    });
    if in_query {
        return Presented::Refused(
            "API tokens are not accepted in the query string (it ends up in logs and browser history); \
             send it in the Authorization: Bearer header or the X-API-KEY header",
        );
    }
    let header_text = |name| req.headers().get(name).map(|v: &HeaderValue| v.to_str().unwrap_or_default().trim());
    let bearer = header_text(header::AUTHORIZATION).map(|value| match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim().to_owned(),
        // Another scheme: a credential Warden does not know, refused like an unknown token.
        _ => String::new(),
    });
    let api_key = header_text(HeaderName::from_static("x-api-key")).map(str::to_owned);
    let token = match (bearer, api_key) {
        (None, None) => return Presented::Nothing,
        (Some(_), Some(_)) => return Presented::Refused("Send the API token once: in Authorization or in X-API-KEY"),
        (Some(token), None) | (None, Some(token)) => token,
    };
    if req.headers().contains_key(header::COOKIE) {
        return Presented::Refused(
            "A request carries either a session cookie or an API token, not both; send the token without cookies",
        );
    }
    Presented::Token(token)
}

pub async fn require_sign_in_for_pages(req: Request, next: Next) -> Response {
    let signed_in = req.extensions().get::<Identity>().is_some_and(|i| i.user.is_some());
    let path = req.uri().path();
    if !is_page_request(req.method(), req.headers()) {
        return next.run(req).await;
    }
    if path == SIGN_IN_PATH && signed_in {
        return Redirect::to("/").into_response();
    }
    if !signed_in && !is_public_path(path) {
        let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let location = format!(
            "{SIGN_IN_PATH}?next={}",
            url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        );
        return Redirect::to(&location).into_response();
    }
    next.run(req).await
}

/// A browser navigating to a page (not fetching an asset or calling an API).
fn is_page_request(method: &Method, headers: &HeaderMap) -> bool {
    matches!(*method, Method::GET | Method::HEAD)
        && headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

fn is_public_path(path: &str) -> bool {
    path == SIGN_IN_PATH
        || path == super::sso_sign_in::CHOOSE_PATH
        || path == "/healthz"
        || path == super::api_reference::PATH
        || ["/v1/", "/api/", "/pkg/", "/sso/"].iter().any(|prefix| path.starts_with(prefix))
}
