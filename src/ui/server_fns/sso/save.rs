// One argument per field of the form, as the server function macro wants them.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::ui::error::UiError;

/// Saves the configuration form. An empty client secret keeps the stored one.
#[server(prefix = "/api", endpoint = "save-sso")]
pub async fn save_sso(
    org_id: String,
    issuer: String,
    client_id: String,
    client_secret: String,
    scopes: String,
    groups_claim: String,
    allowed_email_domains: String,
    mapping_mode: String,
    jit_provisioning: Option<String>,
    enabled: Option<String>,
    version: Option<i64>,
) -> Result<(), UiError> {
    use super::split_list;
    use crate::domain::sso::SsoChanges;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let changes = SsoChanges {
        issuer: Some(issuer),
        client_id: Some(client_id),
        client_secret: Some(client_secret),
        scopes: Some(split_list(&scopes)),
        groups_claim: Some(groups_claim),
        allowed_email_domains: Some(split_list(&allowed_email_domains)),
        jit_provisioning: Some(jit_provisioning.is_some()),
        mapping_mode: Some(mapping_mode),
        enabled: Some(enabled.is_some()),
        version,
    };
    let saved = call.domain.set_sso_configuration(&call.actor, &org_id, changes).await?;
    leptos_axum::redirect(&format!("/orgs/{}/sso?done=SSO+configuration+saved", saved.org_id));
    Ok(())
}
