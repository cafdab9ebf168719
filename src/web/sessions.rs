//! What a browser session holds: the user's id and the user's session epoch at sign-in. It is
//! honoured only while the account is active and still in that epoch (see
//! `Domain::session_user`).

use tower_sessions::Session;

use crate::domain::{Domain, DomainError, DomainResult, User};

pub const COOKIE_NAME: &str = "warden_session";
const USER_ID: &str = "user_id";
const SESSION_EPOCH: &str = "session_epoch";
/// When the session's idle expiry was last pushed back (Unix seconds).
const KEPT_ALIVE_AT: &str = "kept_alive_at";
/// How stale that may get before a request pushes it back again (the idle timeout is minutes).
const KEEP_ALIVE_EVERY_SECS: i64 = 60;

/// The session's user, if the session is valid. An invalid session is discarded.
pub async fn signed_in_user(domain: &Domain, session: &Session) -> DomainResult<Option<User>> {
    let user_id: Option<String> = session.get(USER_ID).await.map_err(internal)?;
    let Some(user_id) = user_id else { return Ok(None) };
    let epoch: i64 = session.get(SESSION_EPOCH).await.map_err(internal)?.unwrap_or(-1);
    let user = domain.session_user(&user_id, epoch).await?;
    match &user {
        None => session.flush().await.map_err(internal)?,
        Some(_) => keep_alive(session).await?,
    }
    Ok(user)
}

/// Pushes the session's idle expiry back, at most once a minute: changing the session is what
/// makes the store save it with a new expiry, and most requests then write nothing.
async fn keep_alive(session: &Session) -> DomainResult<()> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let last: Option<i64> = session.get(KEPT_ALIVE_AT).await.map_err(internal)?;
    if last.is_none_or(|at| now - at >= KEEP_ALIVE_EVERY_SECS) {
        session.insert(KEPT_ALIVE_AT, now).await.map_err(internal)?;
    }
    Ok(())
}

/// Starts a signed-in session under a new id (so a planted session id is worthless).
pub async fn start(session: &Session, user: &User) -> DomainResult<()> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, &user.id).await.map_err(internal)?;
    session.insert(KEPT_ALIVE_AT, time::OffsetDateTime::now_utc().unix_timestamp()).await.map_err(internal)?;
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
