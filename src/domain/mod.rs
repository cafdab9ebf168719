//! The domain: Warden's types, rules, authorization and storage, in plain Rust.
//! No web framework types live here; the REST API and the UI are adapters over [`Domain`].
//!
//! Pure parts (errors, email rules) compile for the browser too; everything that touches the
//! database is server-only.

pub mod email;
pub mod error;
pub mod fields;
pub mod organization_rules;
pub mod permissions;
pub mod policy_document;
pub mod schema;
pub mod statements;

#[cfg(feature = "ssr")]
pub mod access_explorer;
#[cfg(feature = "ssr")]
pub mod actor;
#[cfg(feature = "ssr")]
mod allowed_users;
#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
mod auth;
#[cfg(feature = "ssr")]
pub mod authz;
#[cfg(feature = "ssr")]
pub mod bootstrap;
#[cfg(feature = "ssr")]
pub mod bulk_member_roles;
#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod cursor;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod group_members;
#[cfg(feature = "ssr")]
pub mod ids;
#[cfg(feature = "ssr")]
pub mod impact;
#[cfg(feature = "ssr")]
pub mod manage_organizations;
#[cfg(feature = "ssr")]
pub mod manage_policies;
#[cfg(feature = "ssr")]
pub mod manage_roles;
#[cfg(feature = "ssr")]
pub mod manage_schema;
#[cfg(feature = "ssr")]
pub mod manage_users;
#[cfg(feature = "ssr")]
mod member_search;
#[cfg(feature = "ssr")]
pub mod members;
#[cfg(feature = "ssr")]
pub mod memberships;
#[cfg(feature = "ssr")]
pub mod organizations;
#[cfg(feature = "ssr")]
pub mod passwords;
#[cfg(feature = "ssr")]
pub mod policies;
#[cfg(feature = "ssr")]
pub mod resources;
#[cfg(feature = "ssr")]
pub mod role_impact;
#[cfg(feature = "ssr")]
pub mod roles;
#[cfg(feature = "ssr")]
pub mod throttle;
#[cfg(feature = "ssr")]
pub mod tree;
#[cfg(feature = "ssr")]
pub mod user_groups;
#[cfg(feature = "ssr")]
pub mod user_search_index;
#[cfg(feature = "ssr")]
pub mod users;

pub use error::{DomainError, DomainResult, FieldError, TreeRule};

#[cfg(feature = "ssr")]
pub use {
    actor::{Actor, Principal},
    audit::{AuditEvent, Mutation},
    clock::Timestamp,
    db::{Database, Engine, Transaction},
    throttle::ThrottlePolicy,
    users::{NewUser, User, UserStatus},
};

/// The entry point of every capability. Cheap to clone; shared by all requests.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct Domain {
    db: Database,
    throttle: ThrottlePolicy,
    authz: authz::cache::AuthzCache,
}

#[cfg(feature = "ssr")]
impl Domain {
    pub fn new(db: Database) -> Self {
        Self { db, throttle: ThrottlePolicy::default(), authz: authz::cache::AuthzCache::default() }
    }

    pub fn db(&self) -> &Database {
        &self.db
    }
}
