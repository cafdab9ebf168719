//! A member of an organization as the API and pages show one, and the questions asked of an
//! organization's members.

use serde::Serialize;

use crate::domain::order::PeopleOrder;

/// The most roles one request may give a member.
pub const MAX_MEMBER_ROLES: usize = 100;

/// Which members to list: matching `q` (email or name), holding `role_id`, with `status`, in
/// `order`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MemberQuery<'a> {
    pub q: Option<&'a str>,
    pub role_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: usize,
    /// One of [`MEMBER_ORDERS`](crate::domain::order::MEMBER_ORDERS).
    pub order: PeopleOrder,
}

/// What the actor may do with an organization's members (and its user groups, which hand out
/// roles the same way), so that pages offer only what is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberActions {
    /// Give and take roles, add members, manage user groups.
    pub may_assign: bool,
    pub may_remove: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RoleSummary {
    pub role_id: String,
    pub name: String,
    pub description: String,
    pub is_default: bool,
    /// Where the member's role comes from: `manual` (an admin gave it), `default` or `sso`
    /// (an SSO sign-in gave it: the organization's default, or the IdP group `sso_group`).
    pub source: String,
    pub sso_group: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: String,
    pub org_id: String,
    pub username: String,
    pub email: String,
    pub full_name: String,
    pub avatar_url: Option<String>,
    pub role_ids: Vec<String>,
    pub roles_detail: Vec<RoleSummary>,
    /// Every permission of the schema the member holds here, as the decision function says.
    pub permissions: Vec<String>,
    pub status: String,
    pub joined_at: String,
    /// When the member last signed in, if ever.
    pub last_sign_in_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberDetail {
    pub member: Member,
    /// Each permission held, with why.
    pub explained: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberPage {
    pub total: i64,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    /// The cursor of the page before this one (absent on the first page).
    pub previous_cursor: Option<String>,
    pub members: Vec<Member>,
}
