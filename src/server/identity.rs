//! Authentication: `authenticate` turns the session into an [`Identity`] in the request's
//! extensions, for REST handlers and server functions alike; `require_sign_in_for_pages`
//! sends signed-out browsers to the sign-in page (and back afterwards). Both run in axum
//! middleware, before any page starts streaming.

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

use super::request_context::{ClientAddr, RequestId};
use crate::{
    domain::Actor,
    web::{
        AppState,
        identity::{Identity, SIGN_IN_PATH},
        sessions,
    },
};

pub async fn authenticate(State(state): State<AppState>, session: Session, mut req: Request, next: Next) -> Response {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let client_addr = req.extensions().get::<ClientAddr>().and_then(|c| c.0.clone());
    let user = match sessions::signed_in_user(&state.domain, &session).await {
        Ok(user) => user,
        Err(error) => {
            tracing::error!(?error, "could not read the session");
            return crate::api::error::ApiError::internal().into_response();
        }
    };
    let actor = match &user {
        Some(user) => Actor::user(user.id.clone(), user.full_name.clone(), request_id, client_addr),
        None => Actor::anonymous(request_id, client_addr),
    };
    if user.is_some() {
        tracing::Span::current().record("user_id", tracing::field::display(actor.audit_id().unwrap_or_default()));
    }
    req.extensions_mut().insert(Identity { actor, user });
    next.run(req).await
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
        || path == "/healthz"
        || ["/v1/", "/api/", "/pkg/"].iter().any(|prefix| path.starts_with(prefix))
}
