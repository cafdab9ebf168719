//! An organization's members: list, detail, set roles, bulk role changes.

#[cfg(feature = "ssr")]
use crate::ui::error::UiError;

mod bulk_roles;
mod detail;
mod list;
mod preview_bulk_roles;
mod set_roles;

pub use bulk_roles::{BulkMemberRoles, bulk_member_roles};
pub use detail::{MemberDetail, member_detail};
pub use list::{ListMembers, list_members};
pub use preview_bulk_roles::{PreviewBulkMemberRoles, preview_bulk_member_roles};
pub use set_roles::{SetMemberRoles, set_member_roles};

/// The id of the role the member list is filtered by (the `role` field), checked after the
/// caller's right to read the members: one without it is refused, whatever the role.
#[cfg(feature = "ssr")]
async fn role_filter(
    call: &crate::ui::server_fns::context::Call,
    org_id: &str,
    text: &str,
) -> Result<Option<String>, UiError> {
    use crate::domain::DomainError;
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match call.domain.member_role_filter(&call.actor, org_id, text).await {
        Err(error @ (DomainError::Forbidden { .. } | DomainError::NotFound { resource_type: "organization", .. })) => {
            Err(error.into())
        }
        lookup => {
            crate::ui::error::named_in_field(lookup, "role", || crate::ui::server_fns::roles::no_role_called(text))
                .map(Some)
        }
    }
}

/// Which members a bulk change covers, as the page's query carries it: the ticked `ids`
/// (comma-separated), or, with `all`, every member matching `q` and `role`.
#[cfg(feature = "ssr")]
fn selection<'a>(
    ids: &'a [String],
    all: bool,
    q: &'a str,
    role: &'a str,
) -> crate::domain::members::MemberSelection<'a> {
    use crate::domain::members::MemberSelection;
    if all {
        MemberSelection::Matching {
            q: Some(q.trim()).filter(|q| !q.is_empty()),
            role_id: Some(role).filter(|r| !r.is_empty()),
            status: None,
        }
    } else {
        MemberSelection::Users(ids)
    }
}

#[cfg(feature = "ssr")]
fn split_ids(ids: &str) -> Vec<String> {
    ids.split(',').map(str::trim).filter(|id| !id.is_empty()).map(str::to_owned).collect()
}
