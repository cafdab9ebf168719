//! The session layer: tower-sessions with its sqlx store on Warden's own database (what a
//! session holds is in [`crate::web::sessions`]).

use std::{convert::Infallible, str::FromStr};

use axum::{Router, extract::Request, response::Response};
use time::Duration;
use tower::{Layer, Service};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore, cookie::SameSite, session_store::ExpiredDeletion};
use tower_sessions_sqlx_store::{
    PostgresStore, SqliteStore,
    sqlx::{PgPool, SqlitePool, sqlite::SqliteConnectOptions},
};

use super::session_cache::{CachedStore, Peers, SessionCacheProbe};
use crate::{
    domain::{DomainResult, Engine},
    settings::Settings,
    web::sessions::COOKIE_NAME,
};

/// Puts the session layer around `app`, with a store on the configured database behind an
/// in-memory cache (see `session_cache.rs`); returns a probe on that cache.
pub async fn with_sessions<App>(app: App, settings: &Settings) -> DomainResult<(Router, SessionCacheProbe)>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    App::Future: Send,
{
    let url = &settings.database_url;
    Ok(match Engine::of_url(url)? {
        Engine::Sqlite => {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .busy_timeout(std::time::Duration::from_secs(5))
                .journal_mode(tower_sessions_sqlx_store::sqlx::sqlite::SqliteJournalMode::Wal);
            let store = SqliteStore::new(SqlitePool::connect_with(options).await?);
            store.migrate().await?;
            let store = CachedStore::new(store, Peers::None);
            (around(app, store.clone(), settings), store.probe())
        }
        Engine::Postgres => {
            let pool = PgPool::connect(url).await?;
            let store = PostgresStore::new(pool.clone());
            store.migrate().await?;
            let store = CachedStore::new(store, Peers::Postgres { pool, url: url.clone() });
            (around(app, store.clone(), settings), store.probe())
        }
    })
}

/// `app` inside the session layer on `store`, as a `Router` (each engine's store is its own type).
fn around<App, Store>(app: App, store: Store, settings: &Settings) -> Router
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    App::Future: Send,
    Store: SessionStore + ExpiredDeletion + Clone,
{
    tokio::spawn(store.clone().continuously_delete_expired(tokio::time::Duration::from_secs(300)));
    let layer = SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.cookies_secure())
        .with_path("/")
        // Saved when changed; a signed-in session is touched at most once a minute to push its
        // idle expiry back (web::sessions::keep_alive), so reads do not write.
        .with_expiry(Expiry::OnInactivity(Duration::minutes(settings.session_idle_timeout_minutes)));
    Router::new().fallback_service(layer.layer(app))
}
