//! Roles: list, the composer (a policy chosen in it), its impact preview, save.

#[cfg(feature = "ssr")]
use crate::ui::model::PickKind;

mod composer_policy;
mod list;
mod load_composer;
mod preview_impact;
mod save;

pub use composer_policy::{FindComposerPolicy, find_composer_policy};
pub use list::{ListRoles, list_roles};
pub use load_composer::{LoadRoleComposer, load_role_composer};
pub use preview_impact::{PreviewRoleImpact, preview_role_impact};
pub use save::{SaveRole, save_role};

/// The id of the role `text` names in `org_id` (its id or its name, as a role picker holds
/// it) for the caller to give or take; `None` for none. When no role the caller may read is
/// called so, the error is `field`'s, the form field that held it.
#[cfg(feature = "ssr")]
pub(crate) async fn role_to_grant(
    call: &crate::ui::server_fns::context::Call,
    org_id: &str,
    text: &str,
    field: &str,
) -> Result<Option<String>, crate::ui::error::UiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let role = call.domain.find_role(&call.actor, org_id, text).await;
    let asked = (PickKind::Role, org_id, text);
    let role = crate::ui::server_fns::pick::named_or_suggested(call, role, asked, field, no_role_called(text)).await?;
    Ok(Some(role.role_id))
}

#[cfg(feature = "ssr")]
pub(crate) fn no_role_called(text: &str) -> String {
    format!("No role here is called \u{201c}{text}\u{201d}")
}

/// The policy `text` names in `org_id` (its id or name, as the policy picker holds it), with
/// its statements. When no policy the caller may read is called so, the error is the
/// `add_policy` field's, with the names it could have meant.
#[cfg(feature = "ssr")]
async fn policy_to_add(
    call: &crate::ui::server_fns::context::Call,
    org_id: &str,
    text: &str,
) -> Result<crate::domain::policies::Policy, crate::ui::error::UiError> {
    let text = text.trim();
    let policy = call.domain.find_policy(&call.actor, org_id, text).await;
    let message = format!("No policy here is called \u{201c}{text}\u{201d}");
    crate::ui::server_fns::pick::named_or_suggested(
        call,
        policy,
        (PickKind::Policy, org_id, text),
        "add_policy",
        message,
    )
    .await
}
