use leptos::prelude::*;

use crate::ui::{error::UiError, model::ConnectionReportView};

/// Test connection: the provider at `issuer` (the saved one when empty), checked step by step.
#[server(prefix = "/api", endpoint = "test-sso-connection")]
pub async fn test_sso_connection(org_id: String, issuer: String) -> Result<ConnectionReportView, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let issuer = Some(issuer.as_str()).filter(|i| !i.trim().is_empty());
    Ok(call.domain.test_sso_connection(&call.actor, &org_id, issuer).await?.into())
}
