//! The roles page and the role composer.

pub mod composer;
pub mod list;
