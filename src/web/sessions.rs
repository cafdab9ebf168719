//! What a browser session holds: the user's id, the user's session epoch at sign-in, and the
//! identity provider signed in through, if any (for the audit log). It is honoured only while the account is active and still in that epoch (see
//! `Domain::session_user`).

use tower_sessions::Session;

use crate::domain::{Domain, DomainError, DomainResult, User};

pub const COOKIE_NAME: &str = "warden_session";
const USER_ID: &str = "user_id";
const SESSION_EPOCH: &str = "session_epoch";
const PROVIDER: &str = "provider";
/// When the session's idle expiry was last pushed back (Unix seconds).
const KEPT_ALIVE_AT: &str = "kept_alive_at";
/// How stale that may get before a request pushes it back again (the idle timeout is minutes).
const KEEP_ALIVE_EVERY_SECS: i64 = 60;

/// Who a valid session belongs to.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    /// The identity provider's issuer, when the session was started through SSO.
    pub provider: Option<String>,
}

/// The session's user, if the session is valid. An invalid session is discarded.
pub async fn signed_in_user(domain: &Domain, session: &Session) -> DomainResult<Option<SignedIn>> {
    let user_id: Option<String> = session.get(USER_ID).await.map_err(internal)?;
    let Some(user_id) = user_id else { return Ok(None) };
    let epoch: i64 = session.get(SESSION_EPOCH).await.map_err(internal)?.unwrap_or(-1);
    let Some(user) = domain.session_user(&user_id, epoch).await? else {
        session.flush().await.map_err(internal)?;
        return Ok(None);
    };
    keep_alive(session).await?;
    let provider = session.get(PROVIDER).await.map_err(internal)?;
    Ok(Some(SignedIn { user, provider }))
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

/// Starts a signed-in session under a new id (so a planted session id is worthless), through
/// `provider` (an issuer) or with a password.
pub async fn start(session: &Session, user: &User, provider: Option<&str>) -> DomainResult<()> {
    session.cycle_id().await.map_err(internal)?;
    session.insert(USER_ID, &user.id).await.map_err(internal)?;
    if let Some(provider) = provider {
        session.insert(PROVIDER, provider).await.map_err(internal)?;
    }
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
