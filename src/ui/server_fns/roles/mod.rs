//! Roles: list, the composer, its impact preview, save.

/// Policies and roles offered on one page; larger organizations search through the REST API.
#[cfg(feature = "ssr")]
const CHOICES: usize = 200;

mod list;
mod load_composer;
mod preview_impact;
mod save;

pub use list::{ListRoles, list_roles};
pub use load_composer::{LoadRoleComposer, load_role_composer};
pub use preview_impact::{PreviewRoleImpact, preview_role_impact};
pub use save::{SaveRole, save_role};
