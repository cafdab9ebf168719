//! Roles as the roles page, the role composer and the pickers show them.

use serde::{Deserialize, Serialize};

use crate::domain::{authz::statements::Statement, schema::PermissionSchema};

/// A role of an organization, as a choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: String,
    pub name: String,
    /// Where a member's role comes from ("manual", "default", "SSO group engineering"); empty
    /// where the option is not a held role.
    #[serde(default)]
    pub source: String,
}

impl RoleOption {
    /// The name with where it comes from, as member lists show it.
    pub fn held_label(&self) -> String {
        if self.source.is_empty() { self.name.clone() } else { format!("{} ({})", self.name, self.source) }
    }
}

/// A policy as the role composer shows it: one the role holds, or one chosen to add.
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
    /// Whether the reader may open the object's history (`audit:read` here).
    pub may_read_history: bool,
    /// The role is filled with an older version from its history, to review and save.
    pub restoring: Option<super::RestoredVersion>,
    pub may_save: bool,
    /// The impact of the form as it opens (the policies it ticks, and what saving them would
    /// change), sent with the page: the impact panel asks the server again only once the
    /// admin changes the policies ticked.
    pub opening_impact: (Vec<String>, Result<super::ImpactItem, crate::ui::error::UiError>),
}

/// An organization's roles, for the roles page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleListPage {
    pub org_name: String,
    /// How many roles match, on every page.
    pub total: i64,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
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

#[cfg(feature = "ssr")]
impl From<crate::domain::policies::Policy> for ComposerPolicy {
    fn from(policy: crate::domain::policies::Policy) -> Self {
        Self {
            id: policy.policy_id,
            name: policy.name,
            description: policy.description,
            statements: policy.statements,
            managed: policy.managed,
        }
    }
}

#[cfg(feature = "ssr")]
impl RoleOption {
    /// A role a member holds, with where it comes from.
    pub fn held(role: crate::domain::members::RoleSummary) -> Self {
        let source = match (role.source.as_str(), role.sso_group) {
            ("sso", Some(group)) => format!("SSO group {group}"),
            ("default", _) => "default at SSO sign-in".to_owned(),
            _ => "manual".to_owned(),
        };
        Self { id: role.role_id, name: role.name, source }
    }
}
