//! What pages show, as sent from server functions to the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub last_sign_in_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationItem {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub is_root: bool,
}

/// An organization as a node of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNodeItem {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    pub child_count: i64,
    pub member_count: i64,
    pub can_have_children: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCrumb {
    pub id: String,
    pub name: String,
}

/// A search hit, with the path above it (from the top of what the user may see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSearchHit {
    pub node: OrgNodeItem,
    pub path: Vec<OrgCrumb>,
}

/// Everything the organization page shows, and which actions it offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDetail {
    pub id: String,
    pub name: String,
    pub code: Option<String>,
    /// False when the user sees the org only through its parent (settings hidden).
    pub full_access: bool,
    pub contact_email: String,
    pub updates_email: String,
    pub logo_url: String,
    pub can_have_child_organizations: bool,
    pub parent_has_access: bool,
    pub parent_has_access_to_descendants: bool,
    pub version: i64,
    pub path: Vec<OrgCrumb>,
    pub is_root: bool,
    pub may_update: bool,
    pub may_create_child: bool,
    pub may_move: bool,
    pub may_delete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletionImpactItem {
    pub organizations: i64,
    pub memberships: i64,
    pub roles: i64,
}
