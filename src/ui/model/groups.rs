//! User groups as the groups page shows them.

use serde::{Deserialize, Serialize};

use super::RoleOption;

/// A user group in the organization's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub member_count: usize,
    pub role_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupMemberItem {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
}

/// The group open in the editor (`id` empty for a new one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupEditItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub version: i64,
    /// The roles the group holds here, with their names.
    pub roles: Vec<RoleOption>,
    pub members: Vec<GroupMemberItem>,
}

/// An organization's user groups, for the groups page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroupsPage {
    pub org_name: String,
    pub groups: Vec<GroupRow>,
    /// Where the next page of groups starts, when there is one.
    pub next_cursor: Option<String>,
    pub may_manage: bool,
    /// Whether the reader may open the organization's audit log (and so a group's history).
    pub may_read_history: bool,
    pub editing: Option<GroupEditItem>,
}
