//! Organizations and their tree.
//!
//! Structure versus entities: an org's node (name, code, place in the tree) belongs to its
//! parent, so reading it through the parent, creating children, moving and deleting are
//! decided at the parent. Its settings, flags and everything in it are decided at the org.
//!
//! - `rules`: the fields' rules as pure functions (the browser runs them as the admin types);
//! - `organization`: the type, its settings' validation, and the shapes it is shown in;
//! - `storage` and `tree`: the rows, and the closure table of the tree;
//! - `read` and `write`: the `Domain` methods that authorize and read or change;
//! - `reach`: who reaches into an organization from above, and what a move or a flag changes.

pub mod rules;

#[cfg(feature = "ssr")]
mod organization;
#[cfg(feature = "ssr")]
mod reach;
#[cfg(feature = "ssr")]
mod read;
#[cfg(feature = "ssr")]
mod storage;
#[cfg(feature = "ssr")]
mod tree;
#[cfg(feature = "ssr")]
mod write;

#[cfg(feature = "ssr")]
pub use {
    organization::{
        DeletionImpact, MAX_METADATA_BYTES, Organization, OrganizationLink, OrganizationNode, OrganizationSettings,
    },
    reach::ReachImpact,
    read::{ChildrenPage, ChildrenQuery, OrganizationFilter, OrganizationOverview, OrganizationPage, OrganizationView},
    write::NewOrganization,
};

#[cfg(feature = "ssr")]
fn org_permission(action: &str) -> crate::domain::authz::permissions::Permission {
    crate::domain::authz::permissions::Permission::new("org", action)
}
