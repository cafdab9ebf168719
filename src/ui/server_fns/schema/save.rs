use leptos::prelude::*;

use crate::ui::error::UiError;

/// Replaces the application resource types with the document's.
#[server(prefix = "/api", endpoint = "save-schema")]
pub async fn save_schema(version: i64, document: String) -> Result<(), UiError> {
    use crate::domain::schema::SchemaType;
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let types: Vec<SchemaType> = serde_json::from_str(&document).map_err(|e| {
        UiError::invalid_field("document", &format!("The document is not a valid list of resource types: {e}"))
    })?;
    call.domain.replace_permission_schema(&call.actor, types, Some(version)).await?;
    leptos_axum::redirect("/schema?saved=1");
    Ok(())
}
