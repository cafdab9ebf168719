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

/// The id of the role `text` names in `org_id` (its id or its name, as a role picker holds
/// it); `None` for none. When no role is called so (or the caller may not read roles), the
/// error names `field`, the form field that held it.
#[cfg(feature = "ssr")]
async fn role_id(
    call: &crate::ui::server_fns::context::Call,
    org_id: &str,
    text: &str,
    field: &str,
) -> Result<Option<String>, UiError> {
    use crate::{
        domain::{DomainError, FieldError},
        ui::error::UiErrorKind,
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match call.domain.find_role(&call.actor, org_id, text).await {
        Ok(role) => Ok(Some(role.role_id)),
        Err(DomainError::NotFound { .. } | DomainError::Forbidden { .. }) => {
            let message = format!("No role here is called \u{201c}{text}\u{201d}");
            Err(UiError {
                kind: UiErrorKind::NotFound,
                fields: vec![FieldError::new(field, "not_found", &message)],
                message,
            })
        }
        Err(error) => Err(error.into()),
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
