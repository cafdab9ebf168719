//! User accounts: who can sign in, their names and status, and finding them by a search term.
//!
//! - `user`: the types and their rules;
//! - `storage` and `search_index`: the rows, and each engine's trigram index of search keys;
//! - `read` and `write`: the `Domain` methods that authorize and read or change.

mod read;
pub mod search_index;
/// Public for the integration tests' fixtures; other capabilities go through `Domain` methods.
pub mod storage;
mod user;
mod write;

pub use user::{
    Account, AccountChanges, AccountFilter, AccountPage, MAX_NAME_PART_CHARS, NewAccount, NewUser, User, UserNames,
    UserStatus, search_key,
};

use crate::domain::DomainError;
use user::names_problems;

fn user_not_found(user_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "user", resource_id: user_id.to_owned() }
}
