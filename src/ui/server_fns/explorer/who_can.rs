use leptos::prelude::*;

use crate::ui::{error::UiError, model::WhoCanItem};

/// The access explorer's "who can do this here?", 50 at a time after `cursor`, each with why.
#[server(prefix = "/api", endpoint = "who-can")]
pub async fn who_can(org: String, permission: String, cursor: String) -> Result<WhoCanItem, UiError> {
    use crate::ui::model::{AllowedUserItem, HiddenHoldersItem};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let page = call
        .domain
        .who_can(&call.actor, org.trim(), permission.trim(), Some(cursor.as_str()).filter(|c| !c.is_empty()), 50)
        .await?;
    Ok(WhoCanItem {
        total: page.total,
        next_cursor: page.next_cursor,
        users: page
            .users
            .into_iter()
            .map(|u| AllowedUserItem { email: u.email, full_name: u.full_name, reason: u.reason })
            .collect(),
        hidden: page.hidden.into_iter().map(|h| HiddenHoldersItem { line: h.to_string() }).collect(),
    })
}
