use leptos::prelude::*;

use crate::ui::{error::UiError, model::SsoChoiceRow};

/// The organizations an email address or organization code signs in to with SSO (the sign-in
/// page, before anyone is signed in).
#[server(prefix = "/api", endpoint = "sso-choices")]
pub async fn sso_choices(identifier: String) -> Result<Vec<SsoChoiceRow>, UiError> {
    let call = crate::ui::server_fns::context::call()?;
    let choices = call.domain.sso_choices(&identifier).await?;
    Ok(choices.into_iter().map(|c| SsoChoiceRow { org_id: c.org_id, name: c.name }).collect())
}
