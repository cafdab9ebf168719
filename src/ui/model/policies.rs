//! Policies as the policies page and the policy editor show them.

use serde::{Deserialize, Serialize};

use super::InstanceItem;
use crate::domain::{authz::statements::Statement, schema::PermissionSchema};

/// A row of the policies page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyListItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub managed: bool,
    pub roles: i64,
    pub users: i64,
    pub allow_count: usize,
    pub deny_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyListPage {
    pub org_name: String,
    pub total: i64,
    pub next_cursor: Option<String>,
    pub items: Vec<PolicyListItem>,
    pub may_create: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub statements: Vec<Statement>,
    pub version: i64,
    pub managed: bool,
    pub roles_dependency_count: i64,
    pub users_dependency_count: i64,
}

/// Everything the policy editor starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyEditorData {
    pub org_id: String,
    pub org_name: String,
    pub schema: PermissionSchema,
    /// `None` for a new policy.
    pub policy: Option<PolicyItem>,
    /// The names of the instances the policy names.
    pub instances: Vec<InstanceItem>,
    /// Whether the reader may open the object's history (`audit:read` here).
    pub may_read_history: bool,
    /// The policy is filled with an older version from its history, to review and save.
    pub restoring: Option<super::RestoredVersion>,
    pub may_save: bool,
    pub may_delete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftItem {
    pub permission: String,
    pub gain: bool,
    pub member_count: usize,
    pub first_names: Vec<String>,
}

/// What saving would change: the roles using the policy and who gains or loses what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactItem {
    pub roles: Vec<String>,
    pub member_count: usize,
    /// How many of them were decided (fewer than all only past the preview's maximum).
    pub previewed_member_count: usize,
    pub affected_member_count: usize,
    pub shifts: Vec<ShiftItem>,
}

#[cfg(feature = "ssr")]
impl ImpactItem {
    /// The preview as the page shows it.
    pub fn new(roles: Vec<String>, members: crate::domain::authz::impact::MemberShifts) -> Self {
        Self {
            roles,
            member_count: members.member_count,
            previewed_member_count: members.previewed_member_count,
            affected_member_count: members.affected_member_count,
            shifts: members
                .shifts
                .into_iter()
                .map(|s| ShiftItem {
                    permission: s.permission,
                    gain: s.change == "gain",
                    member_count: s.member_count,
                    first_names: s.first_names,
                })
                .collect(),
        }
    }
}
