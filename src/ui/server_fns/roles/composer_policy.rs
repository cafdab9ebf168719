use leptos::prelude::*;

use crate::ui::{error::UiError, model::ComposerPolicy};

/// The policy the composer's policy picker chose (by its name or id), with its statements for
/// the matrix. One the caller may not read is answered as "no such policy" under the field.
#[server(prefix = "/api", endpoint = "composer-policy")]
pub async fn find_composer_policy(org_id: String, id_or_name: String) -> Result<ComposerPolicy, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    super::policy_to_add(&call, &org_id, &id_or_name).await.map(ComposerPolicy::from)
}
