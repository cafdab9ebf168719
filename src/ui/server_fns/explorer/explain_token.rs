use leptos::prelude::*;

use crate::ui::{error::UiError, model::TokenAnswerItem};

/// The access explorer's "can this token do this here, and why?": its restriction, and its
/// creator's own answer.
#[server(prefix = "/api", endpoint = "explain-token")]
pub async fn explain_token(org: String, token: String, permission: String) -> Result<TokenAnswerItem, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let answer = call.domain.explain_token_access(&call.actor, org.trim(), token.trim(), permission.trim()).await?;
    Ok(TokenAnswerItem {
        allowed: answer.allowed,
        summary: answer.summary,
        token_name: answer.token.name,
        prefix: answer.token.prefix,
        usable: answer.usable,
        restriction_permits: answer.restriction.permission,
        restriction_reaches: answer.restriction.organization,
        creator: super::explain::answer_item(answer.creator),
    })
}
