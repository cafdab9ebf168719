//! The permission schema page and the resource picker.

mod load_editor;
mod save;
mod search_resources;

pub use load_editor::{LoadSchemaEditor, load_schema_editor};
pub use save::{SaveSchema, save_schema};
pub use search_resources::{SearchResources, search_resources};
