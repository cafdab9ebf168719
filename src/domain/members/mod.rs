//! Members: who belongs to an organization, with which roles.
//!
//! - `member` and `selection`: the shapes members are shown in, and which members a question
//!   or a bulk change is about;
//! - `storage`: memberships and the roles members hold;
//! - `read` and `search`: listing members (a large organization searched by a term first);
//! - `write` and `bulk`: setting one member's roles or removing them, and changing one role
//!   for many members at once. Nobody gives or takes a role they could not grant.

mod bulk;
mod member;
mod read;
mod search;
mod selection;
pub(crate) mod storage;
mod write;

pub use {
    bulk::{BulkOutcome, BulkPreview, BulkRoleChange},
    member::{MAX_MEMBER_ROLES, Member, MemberActions, MemberDetail, MemberPage, MemberQuery, RoleSummary},
    selection::{MAX_BULK_USERS, MemberSelection},
};
