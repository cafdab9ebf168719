//! The organization tree page and the organization page.

pub mod detail;
pub mod tree;
