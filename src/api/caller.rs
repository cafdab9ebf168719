//! `SignedIn`: the extractor of REST handlers that need a caller. Who the caller is was
//! settled by the authentication middleware (see `server::identity`).

use axum::{extract::FromRequestParts, http::request::Parts};

use super::error::ApiError;
use crate::{
    domain::{Actor, User},
    web::identity::Identity,
};

pub struct SignedIn {
    pub actor: Actor,
    pub user: User,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Identity>() {
            Some(Identity { actor, user: Some(user) }) => Ok(Self { actor: actor.clone(), user: user.clone() }),
            _ => Err(ApiError::unauthenticated()),
        }
    }
}
