use leptos::prelude::*;

use crate::ui::error::UiError;

/// Creates or changes a policy from the editor: `document` is the text view (statements as
/// JSON), which the matrix keeps in step, so the form also works without JavaScript;
/// `restored_from`, the audit event whose version this save restores.
#[server(prefix = "/api", endpoint = "save-policy")]
pub async fn save_policy(
    org_id: String,
    policy_id: Option<String>,
    version: Option<i64>,
    name: String,
    description: String,
    document: String,
    restored_from: Option<String>,
) -> Result<(), UiError> {
    use crate::domain::policies::{NewPolicy, PolicyChanges};
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let content = super::document::content(&document)?;
    let saved = match policy_id.filter(|id| !id.is_empty()) {
        Some(id) => {
            let changes = PolicyChanges {
                name: Some(name),
                description: Some(description),
                content: Some(content),
                version,
                restored_from: restored_from.filter(|id| !id.is_empty()),
            };
            call.domain.update_policy(&call.actor, &org_id, &id, changes).await?
        }
        None => {
            let new = NewPolicy { name, description: Some(description), content };
            call.domain.create_policy(&call.actor, &org_id, new).await?
        }
    };
    // `saved` names the version saved: each save is another address, so the editor loads the
    // policy again (its new version, for the next save) even after one save followed another.
    leptos_axum::redirect(&format!("/orgs/{org_id}/policies/{}?saved={}", saved.policy_id, saved.version));
    Ok(())
}
