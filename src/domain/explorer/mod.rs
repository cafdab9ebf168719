//! The access explorer: questions answered by the decision function itself, with its reasons.
//!
//! - `explain`: can this user do this here, and why (the chain from the root, the fix);
//! - `who_can` and `allowed_users`: who can do this here (the SQL that finds them fast);
//! - `effective`: what can this user do, where;
//! - `redact`: what the asker may see of the organizations, roles and policies a decision names.

mod allowed_users;
mod effective;
mod explain;
mod redact;
mod who_can;

pub use {
    effective::{EffectivePage, OrganizationPermissions},
    explain::{AccessExplanation, ChainStep, fix_for},
    who_can::{AllowedUser, HiddenHolders, WhoCanPage},
};

use crate::domain::{DomainError, DomainResult, FieldError, authz::permissions::Permission};

/// The permission asked about; a problem is located at `permission` in `source` (`body` or
/// `query`).
pub(crate) fn parse_permission(source: &str, text: &str) -> DomainResult<Permission> {
    Permission::parse(text).map_err(|e| {
        DomainError::Invalid(vec![FieldError {
            loc: vec![source.into(), "permission".into()],
            msg: e.to_string(),
            kind: "value_error.permission".into(),
        }])
    })
}
