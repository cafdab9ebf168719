//! The domain: Warden's types, rules, authorization and storage, in plain Rust.
//! No web framework types live here; the REST API and the UI are adapters over [`Domain`].
//!
//! One folder per capability, each with the same shape: its types and rules, its storage, and
//! the `impl Domain` methods that authorize and read or change (`read.rs`, `write.rs`).
//! Capabilities call each other through `Domain` methods, never through each other's storage;
//! [`authz`] holds what they share about authorization. Cross-cutting plumbing (database,
//! audit log, errors, ids, clock, cursors, field rules) sits at the top.
//!
//! Pure parts (errors, field rules, permissions, the schema, policy documents) compile for
//! the browser too; everything that touches the database is server-only.

pub mod authz;
pub mod email;
pub mod error;
pub mod fields;
pub mod orgs;
pub mod policies;
pub mod schema;
pub mod sso;

#[cfg(feature = "ssr")]
pub mod actor;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod bootstrap;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod cursor;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod explorer;
#[cfg(feature = "ssr")]
pub mod groups;
#[cfg(feature = "ssr")]
pub mod ids;
#[cfg(feature = "ssr")]
pub mod members;
#[cfg(feature = "ssr")]
pub mod named;
#[cfg(feature = "ssr")]
pub mod order;
#[cfg(feature = "ssr")]
pub mod roles;
#[cfg(feature = "ssr")]
pub mod sessions;
#[cfg(feature = "ssr")]
pub mod tokens;
#[cfg(feature = "ssr")]
pub mod trigram_index;
#[cfg(feature = "ssr")]
pub mod users;

pub use error::{DomainError, DomainResult, FieldError, MissingPermission, TreeRule};

#[cfg(feature = "ssr")]
pub use {
    actor::{ActingToken, Actor, Principal, TokenRestriction},
    audit::{AuditEvent, Mutation},
    clock::Timestamp,
    db::{Database, Engine, Transaction},
    sessions::ThrottlePolicy,
    users::{NewUser, User, UserStatus},
};

/// The entry point of every capability. Cheap to clone; shared by all requests.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct Domain {
    db: Database,
    throttle: ThrottlePolicy,
    authz: authz::cache::AuthzCache,
    tokens: tokens::cache::TokenCache,
    sso: sso::SsoSettings,
}

#[cfg(feature = "ssr")]
impl Domain {
    /// The domain on `db`. On PostgreSQL it also starts listening for the changes other app
    /// servers make (see `authz::broadcast`).
    pub fn new(db: Database) -> Self {
        let authz = authz::cache::AuthzCache::default();
        authz::broadcast::listen(&db, authz.clone());
        Self {
            db,
            throttle: ThrottlePolicy::default(),
            authz,
            tokens: tokens::cache::TokenCache::default(),
            sso: sso::SsoSettings::default(),
        }
    }

    /// Where providers send people back, and the keys that seal client secrets.
    pub fn with_sso(mut self, settings: sso::SsoSettings) -> Self {
        self.sso = settings;
        self
    }

    pub fn db(&self) -> &Database {
        &self.db
    }

    /// How the decision cache has been kept (for tests and benchmarks).
    pub fn authz_cache_stats(&self) -> authz::cache::CacheStats {
        self.authz.stats()
    }
}
