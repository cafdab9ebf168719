use leptos::prelude::*;

use crate::ui::{error::UiError, model::MyTokensPage};

/// `/tokens`: your tokens, and what a new one may be (lifetimes within your organizations'
/// policy, the schema for the permission picker).
#[server(prefix = "/api", endpoint = "my-tokens")]
pub async fn list_my_tokens() -> Result<MyTokensPage, UiError> {
    use crate::{domain::tokens::LIFETIMES, ui::model::TokenRow};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let policy = call.domain.token_policy_of(&call.user()?.id).await?;
    let tokens = call.domain.my_tokens(&call.actor).await?.into_iter().map(TokenRow::new).collect();
    Ok(MyTokensPage {
        tokens,
        lifetimes: LIFETIMES.into_iter().filter(|d| *d <= policy.max_lifetime_days).collect(),
        max_lifetime_days: policy.max_lifetime_days,
        allow_no_expiry: policy.allow_no_expiry,
        schema: call.domain.schema().await?,
    })
}
