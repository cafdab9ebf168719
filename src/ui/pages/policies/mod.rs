//! The policies page and the policy editor.

pub mod editor;
pub mod list;

pub use editor::PolicyBadge;
