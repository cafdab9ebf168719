//! Policies: list, the editor, its impact preview, save, delete.

mod delete;
#[cfg(feature = "ssr")]
mod document;
mod list;
mod load_editor;
mod preview_impact;
mod save;

pub use delete::{DeletePolicy, delete_policy};
pub use list::{ListPolicies, list_policies};
pub use load_editor::{LoadPolicyEditor, load_policy_editor};
pub use preview_impact::{PreviewPolicyImpact, preview_policy_impact};
pub use save::{SavePolicy, save_policy};
