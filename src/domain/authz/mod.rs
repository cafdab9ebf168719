//! Authorization: the one place where "may this user do this here?" is answered, and the
//! pieces every capability shares to ask it and to change what it answers.
//!
//! - [`permissions`] and [`statements`]: the language (`type[:id]:action`, allow/deny
//!   statements); pure, compiled for the browser too.
//! - [`decision`]: THE decision function, pure, with its reasons.
//! - [`cache`]: the tree and each user's roles, kept in memory for decisions; `tree`: the
//!   cached tree, walked up by slot; `names`: the cached tree by name, for organization searches.
//! - `access`: `Domain::decide`, `authorize`, `may`, and `authorized_organization` (look an
//!   organization up and return it only when the actor may act there); `ActorView`, `may`'s
//!   answers for one actor read from one state of the cache.
//! - `change`: THE anti-escalation rule (`authorize_change`), one check for every change that
//!   can alter a decision, described by its effect.
//! - `commit`: committing a change that can alter decisions (generation bump, cache drop).
//! - `broadcast`: telling other app servers what changed (PostgreSQL `LISTEN/NOTIFY`).
//! - [`impact`]: who would gain or lose what if an edit were saved (the previews' tally).

pub mod permissions;
pub mod statements;

#[cfg(feature = "ssr")]
mod access;
#[cfg(feature = "ssr")]
pub mod broadcast;
#[cfg(feature = "ssr")]
pub mod cache;
#[cfg(feature = "ssr")]
mod change;
#[cfg(feature = "ssr")]
mod commit;
#[cfg(feature = "ssr")]
pub mod decision;
#[cfg(feature = "ssr")]
pub mod impact;
#[cfg(feature = "ssr")]
mod names;
#[cfg(feature = "ssr")]
mod tree;

#[cfg(feature = "ssr")]
pub(crate) use access::ActorView;
#[cfg(feature = "ssr")]
pub use {
    access::RestrictionCheck,
    change::ChangeEffect,
    commit::serialize_checked_changes,
    decision::{Decision, Reason},
};
