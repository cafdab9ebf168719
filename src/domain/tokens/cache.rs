//! What keeps token authentication off the database on most requests: a short-lived cache of
//! what each presented secret's hash stands for, and a batch writer of when tokens were last
//! used.
//!
//! An entry lives at most [`ENTRY_TTL`], and only while the decision cache has seen no change
//! (its epoch, bumped by every change that alters decisions, local or, within its check
//! interval, made by another app server; revoking a token is one). So a revocation, a disabled
//! creator or a lost role reach every app server within a second.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use super::storage::StoredToken;
use crate::domain::{Timestamp, User};

pub const ENTRY_TTL: Duration = Duration::from_secs(1);
/// Entries kept at most (unknown secrets are cached too, so that they cost what known ones do).
const MAX_ENTRIES: usize = 10_000;
/// How often a token's last use is written at most.
pub const USE_RECORDED_EVERY: Duration = Duration::from_secs(60);
/// How often the batch writer writes what it gathered.
pub const USE_FLUSH_INTERVAL: Duration = Duration::from_secs(5);

/// What a presented secret stands for: a usable token, with its creator and when it stops
/// working under its creator's organizations' policy; or nothing usable.
#[derive(Debug, Clone)]
pub struct Usable {
    pub token: StoredToken,
    pub creator: User,
    pub effective_expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
struct Entry {
    usable: Option<Arc<Usable>>,
    cached_at: Instant,
    epoch: u64,
}

/// A use of a token waiting to be written: when, and from where.
#[derive(Debug, Clone)]
pub struct Use {
    pub at: String,
    pub addr: String,
}

#[derive(Debug, Default)]
struct Uses {
    pending: HashMap<String, Use>,
    /// When each token's use was last taken for writing.
    recorded_at: HashMap<String, Instant>,
    writer_running: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TokenCache {
    entries: Arc<Mutex<HashMap<String, Entry>>>,
    uses: Arc<Mutex<Uses>>,
}

impl TokenCache {
    /// What the hash stands for, if cached at this decision-cache `epoch` less than a second ago.
    pub fn get(&self, secret_hash: &str, epoch: u64) -> Option<Option<Arc<Usable>>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = entries.get(secret_hash)?;
        (entry.epoch == epoch && entry.cached_at.elapsed() < ENTRY_TTL).then(|| entry.usable.clone())
    }

    pub fn put(&self, secret_hash: String, epoch: u64, usable: Option<Arc<Usable>>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.epoch == epoch && e.cached_at.elapsed() < ENTRY_TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(secret_hash, Entry { usable, cached_at: Instant::now(), epoch });
    }

    /// Notes a use of the token; returns whether the batch writer must be started. A token's
    /// use is taken at most once a minute.
    pub fn note_use(&self, token_id: &str, addr: Option<&str>) -> bool {
        let mut uses = self.uses.lock().unwrap_or_else(PoisonError::into_inner);
        if uses.recorded_at.get(token_id).is_some_and(|at| at.elapsed() < USE_RECORDED_EVERY) {
            return false;
        }
        uses.recorded_at.insert(token_id.to_owned(), Instant::now());
        let at = Timestamp::now().to_rfc3339();
        uses.pending.insert(token_id.to_owned(), Use { at, addr: addr.unwrap_or_default().to_owned() });
        let start = !uses.writer_running;
        uses.writer_running = true;
        start
    }

    /// The uses gathered since the last call. When there are none, the writer stops (and the
    /// next use starts it again).
    pub fn take_uses(&self) -> Vec<(String, Use)> {
        let mut uses = self.uses.lock().unwrap_or_else(PoisonError::into_inner);
        uses.recorded_at.retain(|_, at| at.elapsed() < USE_RECORDED_EVERY);
        if uses.pending.is_empty() {
            uses.writer_running = false;
        }
        uses.pending.drain().collect()
    }
}
