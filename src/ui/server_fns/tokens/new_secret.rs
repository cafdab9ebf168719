use leptos::prelude::*;

use crate::ui::{error::UiError, model::NewTokenSecret};

/// The token just made by a form posted without JavaScript, carried to `/tokens` once (see
/// `web::new_token`); `None` on any other visit.
#[server(prefix = "/api", endpoint = "new-token-secret")]
pub async fn new_secret() -> Result<Option<NewTokenSecret>, UiError> {
    let parts = use_context::<axum::http::request::Parts>();
    let revealed = parts.and_then(|p| p.extensions.get::<crate::web::new_token::Revealed>().cloned());
    Ok(revealed.map(|r| NewTokenSecret { name: r.name, secret: r.secret }))
}
