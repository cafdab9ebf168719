//! Browser sessions: tower-sessions with its sqlx store on Warden's own database.
//!
//! A session holds the user's id and the user's session epoch at sign-in; it is honoured only
//! while the account is active and still in that epoch (see `Domain::session_user`).

use std::str::FromStr;

use axum::Router;
use time::Duration;
use tower_sessions::{
    Expiry, Session, SessionManagerLayer, SessionStore, cookie::SameSite, session_store::ExpiredDeletion,
};
use tower_sessions_sqlx_store::{
    PostgresStore, SqliteStore,
    sqlx::{PgPool, SqlitePool, sqlite::SqliteConnectOptions},
};

use super::Settings;
use crate::domain::{Domain, DomainError, DomainResult, Engine, User};

pub const COOKIE_NAME: &str = "warden_session";
const USER_ID: &str = "user_id";
const SESSION_EPOCH: &str = "session_epoch";

/// Puts the session layer around `router`, with a store on the configured database.
pub async fn with_sessions<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    settings: &Settings,
) -> DomainResult<Router<S>> {
    let url = &settings.database_url;
    Ok(match Engine::of_url(url)? {
        Engine::Sqlite => {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .busy_timeout(std::time::Duration::from_secs(5))
                .journal_mode(tower_sessions_sqlx_store::sqlx::sqlite::SqliteJournalMode::Wal);
            let store = SqliteStore::new(SqlitePool::connect_with(options).await?);
            store.migrate().await?;
            router.layer(layer(store, settings))
        }
        Engine::Postgres => {
            let store = PostgresStore::new(PgPool::connect(url).await?);
            store.migrate().await?;
            router.layer(layer(store, settings))
        }
    })
}

fn layer<Store: SessionStore + ExpiredDeletion + Clone>(
    store: Store,
    settings: &Settings,
) -> SessionManagerLayer<Store> {
    tokio::spawn(store.clone().continuously_delete_expired(tokio::time::Duration::from_secs(300)));
    SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.cookies_secure())
        .with_path("/")
        .with_always_save(true) // every request pushes the idle expiry back
        .with_expiry(Expiry::OnInactivity(Duration::minutes(settings.session_idle_timeout_minutes)))
}

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
