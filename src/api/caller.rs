//! `SignedIn`: the extractor of REST handlers that need a caller. Who the caller is was
//! settled by the authentication middleware (see `server::identity`).

use axum::{extract::FromRequestParts, http::request::Parts};

use super::error::ApiError;
use crate::{
    domain::{Actor, User},
    web::identity::Identity,
};

/// The caller, boxed: a handler's future holds it across every await and is moved whole
/// through the router's layers.
pub struct SignedIn {
    pub actor: Box<Actor>,
    pub user: Box<User>,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    /// Takes the identity out of the request rather than copying it: a REST handler is the
    /// last to read it.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.remove::<Identity>() {
            Some(Identity { actor, user: Some(user) }) => Ok(Self { actor: Box::new(actor), user: Box::new(user) }),
            _ => Err(ApiError::unauthenticated()),
        }
    }
}
