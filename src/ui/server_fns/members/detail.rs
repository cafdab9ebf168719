use leptos::prelude::*;

use crate::ui::{error::UiError, model::MemberDetailItem};

/// The member drawer: the member's roles here and every permission they hold, each explained,
/// and (with `token:read` here) their API tokens that still work.
#[server(prefix = "/api", endpoint = "member-detail")]
pub async fn member_detail(org_id: String, user_id: String) -> Result<MemberDetailItem, UiError> {
    use crate::ui::model::{ExplainedPermission, RoleOption, TokenRow};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let detail = call.domain.member_detail(&call.actor, &org_id, &user_id).await?;
    let tokens = call
        .domain
        .member_tokens(&call.actor, &org_id, &detail.member.user_id)
        .await?
        .map(|tokens| tokens.into_iter().map(TokenRow::new).collect());
    let history_org_id = call.domain.may_read_audit(&call.actor, &org_id).await?.then(|| org_id.clone());
    Ok(MemberDetailItem {
        tokens,
        history_org_id,
        user_id: detail.member.user_id,
        email: detail.member.email,
        full_name: detail.member.full_name,
        status: detail.member.status,
        roles: detail.member.roles_detail.into_iter().map(RoleOption::held).collect(),
        permissions: detail
            .explained
            .into_iter()
            .map(|(permission, reason)| ExplainedPermission { permission, reason })
            .collect(),
    })
}
