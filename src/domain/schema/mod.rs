//! The permission schema: the resource types and their actions that policies can name, with
//! Warden's own types built in; and the resource catalog of instances policies can name one
//! by one.
//!
//! - `types`: the schema and its validation, pure (the schema page and the policy editor's
//!   picker run them in the browser too);
//! - `read` and `write`: the `Domain` methods that authorize and read or replace it;
//! - `resources`: the catalog of registered instances.

mod types;

#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
mod resources;
#[cfg(feature = "ssr")]
mod write;

pub use types::{
    MAX_ACTIONS, MAX_DESCRIPTION_CHARS, MAX_KEY_CHARS, MAX_LABEL_CHARS, MAX_TYPES, PermissionSchema, SchemaAction,
    SchemaType, builtin_types, validate_application_types,
};

#[cfg(feature = "ssr")]
pub use {
    read::{SchemaTypeView, SchemaView},
    resources::{MAX_ID_CHARS, Resource, ResourcePage},
};
