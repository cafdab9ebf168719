//! Roles as the roles page, the role composer and the pickers show them.

use serde::{Deserialize, Serialize};

use crate::domain::{authz::statements::Statement, schema::PermissionSchema};

/// A role of an organization, as a choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: String,
    pub name: String,
}

/// A policy as the role composer offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposerPolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub statements: Vec<Statement>,
    pub managed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub policy_ids: Vec<String>,
    pub is_default: bool,
    pub sso_group_names: Vec<String>,
    pub managed: bool,
    pub member_count: i64,
    pub version: i64,
}

/// Everything the role composer starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleComposerData {
    pub org_id: String,
    pub org_name: String,
    pub schema: PermissionSchema,
    pub policies: Vec<ComposerPolicy>,
    /// `None` for a new role.
    pub role: Option<RoleItem>,
    pub may_save: bool,
}

/// An organization's roles, for the roles page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleListPage {
    pub org_name: String,
    pub roles: Vec<RoleItem>,
    pub may_create: bool,
}

#[cfg(feature = "ssr")]
impl From<crate::domain::roles::Role> for RoleItem {
    fn from(role: crate::domain::roles::Role) -> Self {
        Self {
            id: role.role_id,
            name: role.name,
            description: role.description,
            policy_ids: role.policy_ids,
            is_default: role.is_default,
            sso_group_names: role.sso_group_names,
            managed: role.managed,
            member_count: role.member_count,
            version: role.version,
        }
    }
}
