use leptos::prelude::*;

use crate::ui::{error::UiError, model::WhoCanItem};

/// The access explorer's "who can do this here?" (the first 50, with why).
#[server(prefix = "/api", endpoint = "who-can")]
pub async fn who_can(org: String, permission: String) -> Result<WhoCanItem, UiError> {
    use crate::ui::model::AllowedUserItem;
    let call = super::context::signed_in_call()?;
    let page = call.domain.who_can(&call.actor, org.trim(), permission.trim(), None, 50).await?;
    Ok(WhoCanItem {
        total: page.total,
        users: page
            .users
            .into_iter()
            .map(|u| AllowedUserItem { email: u.email, full_name: u.full_name, reason: u.reason })
            .collect(),
    })
}
