//! The signed-in user, as the shell and the account page show them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: String,
    pub email: String,
    pub full_name: String,
    pub last_sign_in_at: Option<String>,
}
