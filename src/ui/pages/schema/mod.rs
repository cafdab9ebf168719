//! The permission schema page.

pub mod editor;
