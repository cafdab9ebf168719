//! The browser's way through SSO: `POST /sso/start` (from the sign-in page's form: an email
//! address or organization code, or the organization picked among several) sends the browser to
//! the provider; `GET /sso/callback` is where the provider sends it back. They set the session
//! and move the browser on, so they are plain handlers (a page cannot set a cookie or redirect
//! while it streams); any failure lands on the sign-in page with a code it explains.
//!
//! The way to the provider is a page that moves on by itself (a meta refresh, and a link), not a
//! redirect: the console's `form-action 'self'` policy forbids a form's redirect to another
//! origin, and each organization's provider is one.

use axum::{
    Extension, Form,
    extract::{Query, State},
    http::header,
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{
    domain::sso::{SsoCallback, SsoFailure},
    web::{
        AppState,
        identity::{Identity, SIGN_IN_PATH, safe_return_path},
        sessions,
    },
};

/// The session key holding the value that ties a pending sign-in to this browser.
const BINDING: &str = "sso_binding";
/// The page that lets someone pick among several organizations.
pub const CHOOSE_PATH: &str = "/sign-in/sso";

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    identifier: String,
    org_id: Option<String>,
    next: Option<String>,
}

/// Where a failure is explained: the sign-in page, or the Account page for someone already
/// signed in who was connecting their account (the sign-in page sends them away).
fn to_explanation(failure: SsoFailure, identity: &Identity) -> Response {
    match identity.user {
        Some(_) => Redirect::to(&format!("/account?sso_error={}", failure.code())).into_response(),
        None => to_sign_in(failure, ""),
    }
}

fn to_sign_in(failure: SsoFailure, identifier: &str) -> Response {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("sso_error", failure.code())
        .append_pair("identifier", identifier)
        .finish();
    Redirect::to(&format!("{SIGN_IN_PATH}?{query}")).into_response()
}

pub async fn start(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
    Form(form): Form<StartForm>,
) -> Response {
    let identifier = form.identifier.trim();
    let next = safe_return_path(form.next.as_deref());
    let org_id = match form.org_id.filter(|id| !id.is_empty()) {
        Some(org_id) => org_id,
        None if identifier.is_empty() => return to_sign_in(SsoFailure::IdentifierMissing, identifier),
        None => match state.domain.sso_choices(identifier).await {
            Ok(choices) if choices.len() == 1 => choices[0].org_id.clone(),
            Ok(choices) if choices.is_empty() => return to_sign_in(SsoFailure::NoOrganization, identifier),
            Ok(_) => {
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("identifier", identifier)
                    .append_pair("next", &next)
                    .finish();
                return Redirect::to(&format!("{CHOOSE_PATH}?{query}")).into_response();
            }
            Err(_) => return to_sign_in(SsoFailure::IdentifierMissing, identifier),
        },
    };
    let failed = |failure| match identity.user {
        Some(_) => to_explanation(failure, &identity),
        None => to_sign_in(failure, identifier),
    };
    match state.domain.begin_sso_sign_in(&identity.actor, &org_id, Some(identifier), &next).await {
        Ok(started) => match session.insert(BINDING, &started.binding).await {
            Ok(()) => on_to_provider(&started.authorization_url),
            Err(_) => failed(SsoFailure::Unavailable),
        },
        Err(failure) => failed(failure),
    }
}

/// A page that takes the browser to `url` at once, with a link for when it does not.
fn on_to_provider(url: &str) -> Response {
    let url = escape_attribute(url);
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>Signing in · Warden</title></head>\
         <body><p>Taking you to your organization's sign-in page… \
         <a href=\"{url}\" data-testid=\"sso-continue\">Continue</a></p></body></html>"
    );
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

fn escape_attribute(text: &str) -> String {
    text.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    state: Option<String>,
    code: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

pub async fn callback(
    State(state): State<AppState>,
    Extension(identity): Extension<Identity>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let binding: Option<String> = session.remove(BINDING).await.ok().flatten();
    let answer = SsoCallback {
        state: query.state,
        code: query.code,
        error: query.error,
        error_description: query.error_description,
    };
    match state.domain.finish_sso_sign_in(&identity.actor, answer, binding.as_deref()).await {
        Ok(signed_in) => match sessions::start(&session, &signed_in.user, Some(&signed_in.issuer)).await {
            Ok(()) => Redirect::to(&safe_return_path(Some(&signed_in.return_to))).into_response(),
            Err(_) => to_explanation(SsoFailure::Unavailable, &identity),
        },
        Err(failure) => to_explanation(failure, &identity),
    }
}
