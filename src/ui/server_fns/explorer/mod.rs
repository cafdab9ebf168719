//! The access explorer's questions.

mod effective_permissions;
mod explain;
mod explain_token;
mod who_can;

pub use effective_permissions::{EffectivePermissions, effective_permissions};
pub use explain::{ExplainAccess, explain_access};
pub use explain_token::{ExplainToken, explain_token};
pub use who_can::{WhoCan, who_can};
