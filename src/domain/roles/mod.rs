//! Roles: sets of an organization's policies that members and groups hold.
//!
//! - `predefined`: Super Admin, Admin and Member, which every organization gets, read-only;
//! - `role` and `storage`: the types, and the rows;
//! - `read` and `write`: the `Domain` methods that authorize and read or change;
//! - `root`: the platform's own roles (the root organization's), as seed 002 serves them;
//! - `version`: a role as its history recorded it, to restore;
//! - `impact`: who would gain or lose what if a role were composed differently.

mod impact;
mod predefined;
mod read;
mod role;
mod root;
mod storage;
mod version;
mod write;

pub use {
    predefined::Predefined,
    role::{
        MAX_GROUP_NAME_CHARS, MAX_POLICIES, MAX_SSO_GROUPS, Role, RoleActions, RoleChanges, RoleFields, RoleMapping,
        RolePage,
    },
    version::RoleVersion,
};

use crate::domain::{DomainError, authz::permissions::Permission};

fn role_permission(action: &str) -> Permission {
    Permission::new("role", action)
}

fn not_found(role_id: &str) -> DomainError {
    DomainError::NotFound { resource_type: "role", resource_id: role_id.to_owned() }
}
