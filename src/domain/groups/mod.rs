//! User groups: named sets of an organization's members that hold roles there like a member
//! does. Every user in a group inherits its roles, and explanations name the group.
//!
//! - `group`: the types;
//! - `read` and `write`: the `Domain` methods that authorize and read or change;
//! - `members`: who is in a group, and finding members by the emails an admin types.

mod group;
mod members;
mod read;
mod write;

pub use {
    group::{GroupFields, GroupPage, MAX_GROUP_MEMBERS, MAX_GROUP_ROLES, UserGroup},
    members::GroupMember,
};

use crate::domain::DomainError;

fn not_found(group_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "user_group", resource_id: group_id.to_owned() }
}
