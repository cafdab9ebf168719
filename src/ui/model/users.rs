//! User accounts as the users page shows them.

use serde::{Deserialize, Serialize};

use super::OrganizationItem;

/// A user account as the users page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub created_at: String,
    pub last_sign_in_at: Option<String>,
    /// The signed-in admin themselves: no status change or deletion offered.
    pub is_me: bool,
}

/// A page of the users the caller may see, with where the caller may create users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListPage {
    pub total: usize,
    pub next_cursor: Option<String>,
    /// The page before this one (empty: the first page); `None` on the first page.
    pub previous_cursor: Option<String>,
    pub users: Vec<UserRow>,
    /// Organizations a new user can join (the caller holds `member:assign` there).
    pub create_in: Vec<OrganizationItem>,
}
