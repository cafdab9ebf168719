//! Members as the members page, its drawer and its bulk changes show them.

use serde::{Deserialize, Serialize};

use super::RoleOption;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub joined_at: String,
    pub last_sign_in_at: Option<String>,
    pub roles: Vec<RoleOption>,
}

/// One page of an organization's members, with what the page needs around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberListPage {
    pub org_name: String,
    pub total: i64,
    pub next_cursor: Option<String>,
    /// The page before this one (empty: the first page); `None` on the first page.
    pub previous_cursor: Option<String>,
    pub members: Vec<MemberRow>,
    /// Why the role filter matched nothing: no role here is called so.
    pub role_problem: Option<String>,
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
    /// Their API tokens that still work (`None` without `token:read` here).
    pub tokens: Option<Vec<super::TokenRow>>,
    /// Where their history is (the organization's audit log narrowed to them), for readers of
    /// that log.
    pub history_org_id: Option<String>,
}

/// What a bulk role change is about to do, for its confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkPreviewItem {
    pub role_id: String,
    pub role_name: String,
    pub selected: i64,
    /// The id of the role the list was filtered by, as the count resolved it (so the change
    /// covers the members counted even if that role is renamed meanwhile); empty for none.
    pub filter_role_id: String,
}
