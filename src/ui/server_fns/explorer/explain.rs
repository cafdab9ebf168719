use leptos::prelude::*;

use crate::ui::{error::UiError, model::AccessAnswerItem};

/// The access explorer's "can this user do this here, and why?".
#[server(prefix = "/api", endpoint = "explain-access")]
pub async fn explain_access(org: String, user: String, permission: String) -> Result<AccessAnswerItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let answer = call.domain.explain_access(&call.actor, org.trim(), Some(user.trim()), permission.trim()).await?;
    Ok(answer_item(answer))
}

/// The explanation as the explorer shows it.
#[cfg(feature = "ssr")]
pub fn answer_item(answer: crate::domain::explorer::AccessExplanation) -> AccessAnswerItem {
    use crate::{domain::authz::Reason, ui::model::ChainStepItem};
    let (link, blocked) = match &answer.reason {
        Reason::Allowed { link } | Reason::DeniedByStatement { link } => (Some(link.clone()), None),
        Reason::NoAllowingRole { blocked: Some(b) } => (Some(b.link.clone()), Some(b.clone())),
        Reason::NoAllowingRole { blocked: None } => (None, None),
    };
    let chain = answer
        .chain
        .into_iter()
        .map(|step| ChainStepItem {
            blocked_by: blocked.as_ref().filter(|b| b.blocked_at_org_id == step.org_id).map(|b| b.flag.to_owned()),
            decided_here: link.as_ref().is_some_and(|l| l.membership_org_id == step.org_id),
            org_id: step.org_id,
            name: step.name,
            parent_has_access: step.parent_has_access,
            parent_has_access_to_descendants: step.parent_has_access_to_descendants,
            member_here: step.member_here,
        })
        .collect();
    AccessAnswerItem {
        allowed: answer.allowed,
        permission: answer.permission,
        user_email: answer.user_email,
        org_name: answer.org_name,
        summary: answer.summary,
        chain,
        role: link.as_ref().map(|l| l.role_name.clone()),
        policy: link.as_ref().map(|l| format!("{} (statement {})", l.policy_name, l.statement_index + 1)),
        statement: link.as_ref().map(|l| serde_json::to_string(&l.statement).unwrap_or_default()),
        fix: answer.fix,
    }
}
