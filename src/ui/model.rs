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

#[cfg(feature = "ssr")]
impl From<crate::domain::organizations::OrgLink> for OrgCrumb {
    fn from(link: crate::domain::organizations::OrgLink) -> Self {
        Self { id: link.id, name: link.name }
    }
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

/// A registered resource instance, as the instance picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceItem {
    pub resource_type: String,
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyItem {
    pub id: String,
    pub name: String,
    pub description: String,
    pub statements: Vec<crate::domain::statements::Statement>,
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
    pub schema: crate::domain::schema::PermissionSchema,
    /// `None` for a new policy.
    pub policy: Option<PolicyItem>,
    /// The names of the instances the policy names.
    pub instances: Vec<InstanceItem>,
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
    pub affected_member_count: usize,
    pub shifts: Vec<ShiftItem>,
}

/// The schema page: the whole schema, and the application types as an editable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaEditorData {
    pub schema: crate::domain::schema::PermissionSchema,
    pub application_document: String,
    pub may_edit: bool,
}

/// One organization on the way to the one asked about, with its flags (when readable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainStepItem {
    pub org_id: String,
    pub name: String,
    pub parent_has_access: Option<bool>,
    pub parent_has_access_to_descendants: Option<bool>,
    pub member_here: bool,
    /// The flag of this organization that stopped access from above, if any.
    pub blocked_by: Option<String>,
    /// The user's membership here holds the role that decided.
    pub decided_here: bool,
}

/// The explorer's answer to "can X do Y here?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessAnswerItem {
    pub allowed: bool,
    pub permission: String,
    pub user_email: String,
    pub org_name: String,
    pub summary: String,
    pub chain: Vec<ChainStepItem>,
    /// Role, policy and statement of the deciding (or blocked) link.
    pub role: Option<String>,
    pub policy: Option<String>,
    pub statement: Option<String>,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedUserItem {
    pub email: String,
    pub full_name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanItem {
    pub total: usize,
    pub next_cursor: Option<String>,
    pub users: Vec<AllowedUserItem>,
}

/// A role of an organization, as a choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleOption {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub roles: Vec<RoleOption>,
}

/// One page of an organization's members, with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListPage {
    pub org_name: String,
    pub total: i64,
    pub next_cursor: Option<String>,
    pub members: Vec<MemberRow>,
    /// Every role of the organization (filter, bulk change, assign dialog).
    pub roles: Vec<RoleOption>,
    pub may_assign: bool,
}

/// A permission the member holds here, with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedPermission {
    pub permission: String,
    pub reason: String,
}

/// The member drawer: who, which roles, and everything they may do here, each explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetailItem {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub roles: Vec<RoleOption>,
    pub permissions: Vec<ExplainedPermission>,
}

/// What a bulk role change is about to do, for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPreviewItem {
    pub role_id: String,
    pub role_name: String,
    pub selected: i64,
}

/// A policy as the role composer offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComposerPolicy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub statements: Vec<crate::domain::statements::Statement>,
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
    pub schema: crate::domain::schema::PermissionSchema,
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

/// A user account as the users page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub last_sign_in_at: Option<String>,
    /// The signed-in admin themselves: no status change or deletion offered.
    pub is_me: bool,
}

/// A page of the users the caller may see, with where the caller may create users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListPage {
    pub total: usize,
    pub next_cursor: Option<String>,
    pub users: Vec<UserRow>,
    /// Organizations a new user can join (the caller holds `member:assign` there).
    pub create_in: Vec<OrganizationItem>,
}

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
    pub role_ids: Vec<String>,
    pub members: Vec<GroupMemberItem>,
}

/// An organization's user groups, for the groups page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserGroupsPage {
    pub org_name: String,
    pub groups: Vec<GroupRow>,
    pub roles: Vec<RoleOption>,
    pub may_manage: bool,
    pub editing: Option<GroupEditItem>,
}

/// An organization where a user holds anything, with what (the explorer's third question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgPermissionsItem {
    pub org_id: String,
    pub org_name: String,
    pub permissions: Vec<String>,
}
