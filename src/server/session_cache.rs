//! Sessions kept in memory in front of their database store, so that a signed-in request reads
//! no session row.
//!
//! A session changes rarely: at sign-in, once a minute to push its idle expiry back, when its id
//! is cycled, at sign-out. Every such write goes to the database first and then drops the cached
//! copy, here and, on PostgreSQL, on every other app server: a notice on [`CHANNEL`] names the
//! session by a digest of its id (the id itself is a credential). While a server does not listen
//! (before its listener connects, after the connection is lost) it reads every session from the
//! database, so a session ended elsewhere is never honoured from memory. SQLite is one server.
//!
//! tower-sessions' own `CachingSessionStore` has no way to hear of other servers' writes, nor to
//! refuse a stale read that raced with one: hence this store.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use async_trait::async_trait;
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, postgres::PgListener};
use time::OffsetDateTime;
use tower_sessions::{
    SessionStore,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
};

pub const CHANNEL: &str = "warden_sessions";
/// Past this many cached sessions the cache starts over, so memory stays bounded.
const MAX_CACHED: usize = 100_000;

/// How the cache has been kept: what tests look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionCacheStats {
    /// Sessions read from the database.
    pub loads: u64,
    /// Whether sessions are served from memory (always on SQLite; on PostgreSQL while listening).
    pub serving: bool,
}

/// Who else writes the sessions this cache holds.
#[derive(Debug, Clone)]
pub enum Peers {
    /// Nobody: one server (SQLite).
    None,
    /// Other app servers on this PostgreSQL database, told through notices.
    Postgres { pool: PgPool, url: String },
}

#[derive(Debug, Default)]
struct State {
    records: HashMap<[u8; 32], Record>,
    /// Bumped by every write: a read from the database that began before one is not kept.
    writes: u64,
    stats: SessionCacheStats,
}

/// Reads a session cache's statistics (for tests and benchmarks).
#[derive(Debug, Clone)]
pub struct SessionCacheProbe(Arc<Mutex<State>>);

impl SessionCacheProbe {
    pub fn stats(&self) -> SessionCacheStats {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).stats
    }
}

#[derive(Debug, Clone)]
pub struct CachedStore<Store> {
    inner: Store,
    peers: Peers,
    state: Arc<Mutex<State>>,
}

impl<Store: SessionStore + Clone> CachedStore<Store> {
    /// The cache in front of `inner`; on PostgreSQL it starts listening to the other servers.
    pub fn new(inner: Store, peers: Peers) -> Self {
        let serving = matches!(peers, Peers::None);
        let state = State { stats: SessionCacheStats { serving, ..Default::default() }, ..Default::default() };
        let store = Self { inner, peers, state: Arc::new(Mutex::new(state)) };
        if let Peers::Postgres { url, .. } = &store.peers {
            tokio::spawn(listen(url.clone(), Arc::clone(&store.state)));
        }
        store
    }

    /// A handle on the cache's statistics, whatever the store behind it.
    pub fn probe(&self) -> SessionCacheProbe {
        SessionCacheProbe(Arc::clone(&self.state))
    }

    /// Drops the session here and on the other servers, after it was written.
    async fn written(&self, id: &Id) -> session_store::Result<()> {
        let key = digest(id);
        forget(&self.state, &key);
        if let Peers::Postgres { pool, .. } = &self.peers {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(URL_SAFE_NO_PAD.encode(key))
                .execute(pool)
                .await
                .map_err(|error| session_store::Error::Backend(error.to_string()))?;
        }
        Ok(())
    }
}

#[async_trait]
impl<Store: SessionStore + Clone> SessionStore for CachedStore<Store> {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.inner.create(record).await?;
        self.written(&record.id).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.inner.save(record).await?;
        self.written(&record.id).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = digest(id);
        let writes = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            if state.stats.serving
                && let Some(record) = state.records.get(&key)
            {
                if record.expiry_date > OffsetDateTime::now_utc() {
                    return Ok(Some(record.clone()));
                }
                state.records.remove(&key);
            }
            state.writes
        };
        let record = self.inner.load(id).await?;
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.stats.loads += 1;
        if let Some(record) = record.as_ref().filter(|_| state.stats.serving && state.writes == writes) {
            if state.records.len() >= MAX_CACHED {
                state.records.clear();
            }
            state.records.insert(key, record.clone());
        }
        Ok(record)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.inner.delete(id).await?;
        self.written(id).await
    }
}

#[async_trait]
impl<Store: ExpiredDeletion + Clone> ExpiredDeletion for CachedStore<Store> {
    /// Expired sessions in memory are refused on their own (see `load`).
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.inner.delete_expired().await
    }
}

fn forget(state: &Mutex<State>, key: &[u8; 32]) {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    state.writes += 1;
    state.records.remove(key);
}

/// Serving from memory only while other servers' writes are heard; whatever was missed while
/// not listening is unknown, so the cache starts over each time.
fn set_serving(state: &Mutex<State>, serving: bool) {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    state.writes += 1;
    state.records.clear();
    state.stats.serving = serving;
}

/// Hears the other servers' session writes, for as long as the process runs.
async fn listen(url: String, state: Arc<Mutex<State>>) {
    loop {
        if let Ok(mut listener) = PgListener::connect(&url).await
            && listener.listen(CHANNEL).await.is_ok()
        {
            set_serving(&state, true);
            // `Ok(None)`: the connection was lost, and notices with it.
            while let Ok(Some(notification)) = listener.try_recv().await {
                match decode(notification.payload()) {
                    Some(key) => forget(&state, &key),
                    None => set_serving(&state, true),
                }
            }
            set_serving(&state, false);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The digest of the id as its cookie writes it (`Id`'s `Display`, without the formatting
/// machinery: this runs on every signed-in request).
fn digest(id: &Id) -> [u8; 32] {
    Sha256::digest(URL_SAFE_NO_PAD.encode(id.0.to_le_bytes())).into()
}

fn decode(text: &str) -> Option<[u8; 32]> {
    URL_SAFE_NO_PAD.decode(text).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_is_of_the_id_as_the_cookie_writes_it() {
        for id in [Id(0), Id(1), Id(-1), Id(i128::MAX), Id(i128::MIN), Id(0x0123_4567_89ab_cdef_0011_2233_4455_6677)] {
            let expected: [u8; 32] = Sha256::digest(id.to_string().as_bytes()).into();
            assert_eq!(digest(&id), expected, "{id}");
        }
    }
}
