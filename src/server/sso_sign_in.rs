//! The browser's way through SSO: `POST /sso/start` (from the sign-in page's form: an email
//! address or organization code, or the organization picked among several) redirects to the
//! provider; `GET /sso/callback` is where the provider sends the browser back. Both redirect,
//! so they are plain handlers (a page cannot set a cookie or redirect while it streams); any
//! failure lands on the sign-in page with a code it explains.

use axum::{
    Extension, Form,
    extract::{Query, State},
    response::{IntoResponse, Redirect, Response},
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
    match state.domain.begin_sso_sign_in(&identity.actor, &org_id, Some(identifier), &next).await {
        Ok(started) => match session.insert(BINDING, &started.binding).await {
            Ok(()) => Redirect::to(&started.authorization_url).into_response(),
            Err(_) => to_sign_in(SsoFailure::Unavailable, identifier),
        },
        Err(failure) => to_sign_in(failure, identifier),
    }
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
        Ok((user, return_to)) => match sessions::start(&session, &user).await {
            Ok(()) => Redirect::to(&safe_return_path(Some(&return_to))).into_response(),
            Err(_) => to_sign_in(SsoFailure::Unavailable, ""),
        },
        Err(failure) => to_sign_in(failure, ""),
    }
}
