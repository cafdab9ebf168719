//! A role: a set of an organization's policies, as a request gives it and as the API shows it.

use serde::Serialize;

use crate::domain::policies::{Policy, PolicyContent};

pub const MAX_GROUP_NAME_CHARS: usize = 200;
/// The most policies a role is made of, and the most SSO group names mapped onto it.
pub const MAX_POLICIES: usize = 100;
pub const MAX_SSO_GROUPS: usize = 100;

/// What the actor may do with an organization's roles (or one of them), so that pages offer
/// only what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RoleActions {
    pub may_create: bool,
    /// The role is custom and the actor may change it.
    pub may_update: bool,
}

/// What a role is made of, as a request gives it.
#[derive(Debug, Clone, Default)]
pub struct RoleFields {
    pub name: String,
    pub description: String,
    pub policy_ids: Vec<String>,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
    /// Rules given inline (seed 002), kept in a policy the role owns, beside `policy_ids`.
    pub own_rules: Option<PolicyContent>,
}

/// A change: each field given replaces the stored one; `version`, when given, must be current.
#[derive(Debug, Clone, Default)]
pub struct RoleChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub policy_ids: Option<Vec<String>>,
    pub is_default: Option<bool>,
    pub sso_group_names: Option<Vec<String>>,
    /// New inline rules: they replace the role's own rules (made if it has none).
    pub own_rules: Option<PolicyContent>,
    pub version: Option<i64>,
    /// The audit event whose version of the role this change restores (recorded as
    /// `role.restored`).
    pub restored_from: Option<String>,
}

/// A role as the API shows it, with its policies expanded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Role {
    pub role_id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub policy_ids: Vec<String>,
    pub policies: Vec<Policy>,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
    pub managed: bool,
    /// Members holding the role in its organization.
    pub member_count: i64,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RolePage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub roles: Vec<Role>,
}

/// What SSO sign-in needs of a role: the IdP groups that grant it, and whether it is given to
/// newcomers whose groups match nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleMapping {
    pub role_id: String,
    pub name: String,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
}
