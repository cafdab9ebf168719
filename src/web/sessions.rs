//! What a browser session holds: the user's id and the user's session epoch at sign-in. It is
//! honoured only while the account is active and still in that epoch (see
//! `Domain::session_user`).

use tower_sessions::Session;

use crate::domain::{Domain, DomainError, DomainResult, User};

pub const COOKIE_NAME: &str = "warden_session";
const USER_ID: &str = "user_id";
const SESSION_EPOCH: &str = "session_epoch";

/// The session's user, if the session is valid. An invalid session is discarded.
pub async fn signed_in_user(domain: &Domain, session: &Session) -> DomainResult<Option<User>> {
    let user_id: Option<String> = session.get(USER_ID).await.map_err(internal)?;
    let Some(user_id) = user_id else { return Ok(None) };
    let epoch: i64 = session.get(SESSION_EPOCH).await.map_err(internal)?.unwrap_or(-1);
    let user = domain.session_user(&user_id, epoch).await?;
    if user.is_none() {
        session.flush().await.map_err(internal)?;
    }
    Ok(user)
}

/// Starts a signed-in session under a new id (so a planted session id is worthless).
pub async fn start(session: &Session, user: &User) -> DomainResult<()> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, &user.id).await.map_err(internal)?;
    session.insert(SESSION_EPOCH, user.session_epoch).await.map_err(internal)
}

/// Keeps the current session alive in a new epoch (after the user changed their password).
pub async fn continue_in_epoch(session: &Session, epoch: i64) -> DomainResult<()> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(SESSION_EPOCH, epoch).await.map_err(internal)
}

/// Deletes the session from the store; its cookie is void from now on.
pub async fn end(session: &Session) -> DomainResult<()> {
    session.flush().await.map_err(internal)
}

fn internal(error: tower_sessions::session::Error) -> DomainError {
    DomainError::Internal(format!("session store: {error}"))
}
