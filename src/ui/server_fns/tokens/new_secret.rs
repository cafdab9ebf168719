use leptos::prelude::*;

use crate::ui::{error::UiError, model::NewTokenSecret};

/// The token just made by a form posted without JavaScript, carried to `/tokens` once (see
/// `web::new_token`); `None` on any other visit, and for a carried secret that is not one of
/// the signed-in user's own tokens (a planted cookie shows nothing).
#[server(prefix = "/api", endpoint = "new-token-secret")]
pub async fn new_secret() -> Result<Option<NewTokenSecret>, UiError> {
    let parts = use_context::<axum::http::request::Parts>();
    let Some(revealed) = parts.and_then(|p| p.extensions.get::<crate::web::new_token::Revealed>().cloned()) else {
        return Ok(None);
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let own = call.domain.is_own_secret(&call.actor, &revealed.secret).await?;
    Ok(own.then_some(NewTokenSecret { name: revealed.name, secret: revealed.secret }))
}
