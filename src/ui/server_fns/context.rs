//! What a server function needs from the request: the domain, the caller, the session.
#![cfg(feature = "ssr")]

use axum::http::request::Parts;
use leptos::prelude::use_context;
use tower_sessions::Session;

use crate::{
    domain::{Actor, Domain, DomainError, User},
    ui::error::{UiError, UiErrorKind},
    web::{AppState, identity::Identity},
};

pub struct Call {
    pub domain: Domain,
    pub actor: Actor,
    pub user: Option<User>,
    pub session: Session,
}

impl Call {
    /// The signed-in user, or the error that tells the page to sign in again.
    pub fn user(&self) -> Result<&User, UiError> {
        self.user.as_ref().ok_or_else(|| DomainError::Unauthenticated.into())
    }
}

pub fn call() -> Result<Call, UiError> {
    let missing = || UiError::new(UiErrorKind::Internal, "Server context missing");
    let state = use_context::<AppState>().ok_or_else(missing)?;
    let parts = use_context::<Parts>().ok_or_else(missing)?;
    let identity = parts.extensions.get::<Identity>().cloned().ok_or_else(missing)?;
    let session = parts.extensions.get::<Session>().cloned().ok_or_else(missing)?;
    Ok(Call { domain: state.domain.clone(), actor: identity.actor, user: identity.user, session })
}

/// Like [`call`], but refuses callers without a session: every server function except
/// sign-in starts with this.
pub fn signed_in_call() -> Result<Call, UiError> {
    let call = call()?;
    call.user()?;
    Ok(call)
}
