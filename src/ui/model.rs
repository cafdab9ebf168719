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
