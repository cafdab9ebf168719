//! The access explorer's answers.

use serde::{Deserialize, Serialize};

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

/// The explorer's answer to "can this API token do Y here?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenAnswerItem {
    pub allowed: bool,
    pub summary: String,
    pub token_name: String,
    pub prefix: String,
    /// Not revoked nor expired.
    pub usable: bool,
    /// One of its restriction's permissions covers the permission (or it has none).
    pub restriction_permits: bool,
    /// The organization is inside its restriction's subtree (or it has none).
    pub restriction_reaches: bool,
    /// Its creator's own answer.
    pub creator: AccessAnswerItem,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedUserItem {
    pub email: String,
    pub full_name: String,
    pub reason: String,
}

/// Allowed users the asker may not see, counted by where their access comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenHoldersItem {
    /// A line such as "3 user(s) through Root, whose members you cannot see".
    pub line: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanItem {
    pub total: usize,
    pub next_cursor: Option<String>,
    pub users: Vec<AllowedUserItem>,
    pub hidden: Vec<HiddenHoldersItem>,
}

/// An organization where a user holds anything, with what (the explorer's third question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationPermissionsItem {
    pub org_id: String,
    pub org_name: String,
    pub permissions: Vec<String>,
}

/// A page of the explorer's third answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationPermissionsPage {
    pub orgs: Vec<OrganizationPermissionsItem>,
    pub next_cursor: Option<String>,
}
