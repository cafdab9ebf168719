use leptos::prelude::*;

use crate::ui::{error::UiError, model::NewTokenSecret};

/// Makes a token for you. `expiry` is a number of days, `date` (then `expires_on`) or `never`;
/// `permissions` (separated by commas, semicolons or new lines) and `org_id` (an
/// organization's id or code) restrict it. With JavaScript the secret comes
/// back in the answer; a form posted without it is sent to `/tokens`, which shows the secret
/// once (see `web::new_token`).
#[server(prefix = "/api", endpoint = "create-token")]
pub async fn create_token(
    name: String,
    expiry: String,
    expires_on: String,
    permissions: String,
    org_id: String,
) -> Result<NewTokenSecret, UiError> {
    use crate::{
        domain::{
            DomainError, TokenRestriction,
            tokens::{Expiry, NewToken},
        },
        ui::model::PickKind,
    };
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let expiry = match expiry.as_str() {
        "never" => Expiry::Never,
        "date" => Expiry::Date(expires_on),
        days => Expiry::Days(days.parse().map_err(|_| {
            DomainError::invalid("expires_in_days", "value_error.expiry", "Pick a lifetime, a date or no expiry")
        })?),
    };
    let listed: Vec<String> =
        permissions.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect();
    let restriction = TokenRestriction {
        permissions: (!listed.is_empty()).then_some(listed),
        org_id: Some(org_id).filter(|o| !o.is_empty()),
    };
    let created = match call.domain.create_token(&call.actor, NewToken { name, expiry, restriction }).await {
        Err(DomainError::NotFound { resource_type: "organization", resource_id }) => {
            let hint = crate::ui::server_fns::pick::did_you_mean(&call, PickKind::Organization, "", &resource_id).await;
            let message = format!("No organization you can see is called \u{201c}{resource_id}\u{201d}{hint}");
            return Err(UiError::invalid_field("org_id", &message));
        }
        created => created?,
    };
    let new = NewTokenSecret { name: created.token.name, secret: created.secret.reveal().to_owned() };
    if posted_without_javascript() {
        carry_to_tokens_page(&new);
    }
    Ok(new)
}

/// A form posted by the browser itself (it asks for a page back), not by the app's script.
#[cfg(feature = "ssr")]
fn posted_without_javascript() -> bool {
    use_context::<axum::http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
    })
}

/// Sends the browser to `/tokens` with the secret in the one-time cookie (`web::new_token`).
#[cfg(feature = "ssr")]
fn carry_to_tokens_page(new: &NewTokenSecret) {
    use crate::web::new_token::{PAGE, Revealed, carrying_cookie};
    let secure = use_context::<crate::web::AppState>().is_some_and(|s| s.settings.cookies_secure());
    let revealed = Revealed { name: new.name.clone(), secret: new.secret.clone() };
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::HeaderValue::from_str(&carrying_cookie(&revealed, secure)),
    ) {
        response.append_header(axum::http::header::SET_COOKIE, cookie);
    }
    leptos_axum::redirect(PAGE);
}
