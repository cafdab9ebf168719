use leptos::prelude::*;

use crate::ui::{error::UiError, model::Me};

#[server(prefix = "/api", endpoint = "current-user")]
pub async fn current_user() -> Result<Me, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let user = call.user()?.clone();
    Ok(Me { user_id: user.id, email: user.email, full_name: user.full_name, last_sign_in_at: user.last_sign_in_at })
}
