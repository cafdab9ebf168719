use leptos::prelude::*;

use crate::ui::{error::UiError, model::MemberTokensPage};

/// `/orgs/:id/tokens`: the tokens of the organization's members, filtered by creator, status
/// and dormancy (days unused), a page at a time.
#[server(prefix = "/api", endpoint = "member-tokens")]
pub async fn list_member_tokens(
    org_id: String,
    creator: String,
    status: String,
    dormant_days: String,
    cursor: String,
) -> Result<MemberTokensPage, UiError> {
    use crate::{
        domain::{
            DomainError,
            tokens::{TokenFilter, TokenStatus},
        },
        ui::model::{PickKind, TokenRow},
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let status = match status.as_str() {
        "" => None,
        text => Some(TokenStatus::parse(text).ok_or_else(|| DomainError::invalid("status", "enum", "Unknown status"))?),
    };
    let dormant_days = match dormant_days.trim() {
        "" => None,
        days => Some(days.parse::<i64>().ok().filter(|d| (1..=36_500).contains(d)).ok_or_else(|| {
            DomainError::invalid("dormant_days", "value_error.number", "Days unused is a number from 1 to 36500")
        })?),
    };
    let filter = TokenFilter { creator: Some(creator.clone()).filter(|c| !c.trim().is_empty()), status, dormant_days };
    let org = call.domain.visible_organization(&call.actor, &org_id).await?;
    let cursor = Some(&cursor).filter(|c| !c.is_empty()).map(String::as_str);
    let may_read_history = call.domain.may_read_audit(&call.actor, &org.id).await?;
    let page = match call.domain.organization_tokens(&call.actor, &org.id, &filter, cursor, 50).await {
        Ok(page) => page,
        // A creator typed (without JavaScript) who is nobody the reader can see: said above an
        // empty list, with the members it could mean, rather than as a page that failed.
        Err(DomainError::NotFound { resource_type: "user", .. }) => {
            let typed = creator.trim();
            let hint = crate::ui::server_fns::pick::did_you_mean(&call, PickKind::Member, &org.id, typed).await;
            return Ok(MemberTokensPage {
                org_name: org.name,
                total: Some(0),
                next_cursor: None,
                tokens: Vec::new(),
                may_revoke: false,
                may_read_history,
                creator_problem: Some(format!("No member you can see has the email \u{201c}{typed}\u{201d}{hint}")),
            });
        }
        Err(error) => return Err(error.into()),
    };
    Ok(MemberTokensPage {
        may_read_history,
        total: page.total,
        next_cursor: page.next_cursor,
        tokens: page.tokens.into_iter().map(TokenRow::new).collect(),
        may_revoke: page.may_revoke,
        org_name: org.name,
        creator_problem: None,
    })
}
