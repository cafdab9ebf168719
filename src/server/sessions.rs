//! The session layer: tower-sessions with its sqlx store on Warden's own database (what a
//! session holds is in [`crate::web::sessions`]).

use std::{convert::Infallible, str::FromStr};

use async_trait::async_trait;
use axum::{extract::Request, response::Response};
use time::Duration;
use tower::{Layer, Service};
use tower_sessions::{
    Expiry, SessionManagerLayer, SessionStore,
    cookie::SameSite,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
};
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
pub async fn with_sessions<App>(
    app: App,
    settings: &Settings,
) -> DomainResult<(
    impl Service<Request, Response = Response, Error = Infallible, Future: Send + 'static> + Clone + Send + Sync + 'static,
    SessionCacheProbe,
)>
where
    App: Service<Request, Response = Response, Error = Infallible> + Clone + Send + Sync + 'static,
    App::Future: Send,
{
    let url = &settings.database_url;
    let store = match Engine::of_url(url)? {
        Engine::Sqlite => {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .busy_timeout(std::time::Duration::from_secs(5))
                .journal_mode(tower_sessions_sqlx_store::sqlx::sqlite::SqliteJournalMode::Wal);
            let store = SqliteStore::new(SqlitePool::connect_with(options).await?);
            store.migrate().await?;
            CachedStore::new(EngineStore::Sqlite(store), Peers::None)
        }
        Engine::Postgres => {
            let pool = PgPool::connect(url).await?;
            let store = PostgresStore::new(pool.clone());
            store.migrate().await?;
            CachedStore::new(EngineStore::Postgres(store), Peers::Postgres { pool, url: url.clone() })
        }
    };
    tokio::spawn(store.clone().continuously_delete_expired(tokio::time::Duration::from_secs(300)));
    let probe = store.probe();
    let layer = SessionManagerLayer::new(store)
        .with_name(COOKIE_NAME)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.cookies_secure())
        .with_path("/")
        // Saved when changed; a signed-in session is touched at most once a minute to push its
        // idle expiry back (web::sessions::keep_alive), so reads do not write.
        .with_expiry(Expiry::OnInactivity(Duration::minutes(settings.session_idle_timeout_minutes)));
    Ok((layer.layer(app), probe))
}

/// The sessions' table on the configured engine: one type for both, so that the layer around
/// the app has one type whatever the engine (no boxing, nothing cloned per request for it).
#[derive(Debug, Clone)]
pub enum EngineStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

/// The same call on whichever engine's store this is.
macro_rules! on_engine {
    ($engine_store:expr, $store:ident => $call:expr) => {
        match $engine_store {
            EngineStore::Sqlite($store) => $call,
            EngineStore::Postgres($store) => $call,
        }
    };
}

#[async_trait]
impl SessionStore for EngineStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        on_engine!(self, store => store.create(record).await)
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        on_engine!(self, store => store.save(record).await)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        on_engine!(self, store => store.load(id).await)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        on_engine!(self, store => store.delete(id).await)
    }
}

#[async_trait]
impl ExpiredDeletion for EngineStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        on_engine!(self, store => store.delete_expired().await)
    }
}
