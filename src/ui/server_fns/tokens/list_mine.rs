use leptos::prelude::*;

use crate::ui::{error::UiError, model::MyTokensPage};

/// How many of your newest tokens the page shows (at most `MAX_TOKENS_PER_USER` of them work;
/// the rest are revoked or expired), and says how many more there are.
#[cfg(feature = "ssr")]
const SHOWN: usize = 1_000;

/// `/tokens`: your newest tokens, and what a new one may be (lifetimes within your organizations'
/// policy, the schema for the permission picker).
#[server(prefix = "/api", endpoint = "my-tokens")]
pub async fn list_my_tokens() -> Result<MyTokensPage, UiError> {
    use crate::{domain::tokens::LIFETIMES, ui::model::TokenRow};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let policy = call.domain.token_policy_of(&call.user()?.id).await?;
    let page = call.domain.my_tokens(&call.actor, None, SHOWN).await?;
    Ok(MyTokensPage {
        total: page.total,
        tokens: page.tokens.into_iter().map(TokenRow::new).collect(),
        lifetimes: LIFETIMES.into_iter().filter(|d| *d <= policy.max_lifetime_days).collect(),
        max_lifetime_days: policy.max_lifetime_days,
        allow_no_expiry: policy.allow_no_expiry,
        schema: call.domain.schema().await?,
    })
}
