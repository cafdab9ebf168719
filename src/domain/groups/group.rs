//! A user group as requests give it and as the API shows it.

use serde::Serialize;

/// The most members and roles one request may give a group.
pub const MAX_GROUP_MEMBERS: usize = 1000;
pub const MAX_GROUP_ROLES: usize = 100;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserGroup {
    pub group_id: String,
    pub org_id: String,
    pub name: String,
    pub description: String,
    pub user_ids: Vec<String>,
    pub role_ids: Vec<String>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: Option<String>,
}

/// A page of an organization's groups, by name (then id).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupPage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    pub groups: Vec<UserGroup>,
}

/// A group as a request gives it; on update, each field given replaces the stored one.
#[derive(Debug, Clone, Default)]
pub struct GroupFields {
    pub name: Option<String>,
    pub description: Option<String>,
    pub user_ids: Option<Vec<String>>,
    pub role_ids: Option<Vec<String>>,
    pub version: Option<i64>,
}
