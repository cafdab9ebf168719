//! Policies: the allow and deny statements an organization's roles are made of.
//!
//! - `document`: the policy content's parser and validator, pure (the policy editor runs the
//!   same checks as the admin types);
//! - `policy` and `storage`: the types, and the rows;
//! - `read` and `write`: the `Domain` methods that authorize and read or change;
//! - `own_rules`: the policy holding a role's inline rules (seed 002), owned by that role;
//! - `version`: a policy as its history recorded it, to restore;
//! - `impact`: who would gain or lose what if a policy said something else.
//!
//! Every write is validated against the permission schema and the resource catalog, checked
//! for escalation, versioned, and audited.

pub mod casl;
pub mod document;

#[cfg(feature = "ssr")]
mod impact;
#[cfg(feature = "ssr")]
mod own_rules;
#[cfg(feature = "ssr")]
mod policy;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
mod storage;
#[cfg(feature = "ssr")]
mod version;
#[cfg(feature = "ssr")]
mod write;

#[cfg(feature = "ssr")]
pub use own_rules::OwnRules;
#[cfg(feature = "ssr")]
pub use policy::{
    NewPolicy, Policy, PolicyActions, PolicyChanges, PolicyContent, PolicyFields, PolicyImpact, PolicyPage,
    PolicyQuery, ResolvedPermission, RoleRef, StoredPolicy, parse_statements,
};
#[cfg(feature = "ssr")]
pub use version::PolicyVersion;

#[cfg(feature = "ssr")]
fn policy_permission(action: &str) -> crate::domain::authz::permissions::Permission {
    crate::domain::authz::permissions::Permission::new("policy", action)
}
