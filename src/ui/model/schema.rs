//! The permission schema and the resource catalog as the schema page and the pickers show them.

use serde::{Deserialize, Serialize};

use crate::domain::schema::PermissionSchema;

/// A registered resource instance, as the instance picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceItem {
    pub resource_type: String,
    pub id: String,
    pub name: String,
}

/// The schema page: the whole schema, and the application types as an editable document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaEditorData {
    pub schema: PermissionSchema,
    pub application_document: String,
    pub may_edit: bool,
}
