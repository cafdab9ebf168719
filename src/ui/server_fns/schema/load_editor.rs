use leptos::prelude::*;

use crate::ui::{error::UiError, model::SchemaEditorData};

/// The schema page: every type, and the application types as a JSON document that a Super
/// Admin of the root may edit.
#[server(prefix = "/api", endpoint = "schema-editor")]
pub async fn load_schema_editor() -> Result<SchemaEditorData, UiError> {
    let call = crate::ui::server_fns::context::signed_in_call()?;
    let schema = call.domain.schema().await?;
    let may_edit = call.domain.may_change_schema(&call.actor).await?;
    let application_document = serde_json::to_string_pretty(&schema.application_types())
        .map_err(|e| UiError::new(crate::ui::error::UiErrorKind::Internal, e.to_string()))?;
    Ok(SchemaEditorData { schema, application_document, may_edit })
}
