//! The organization tree: roots, children, paths, search, the organization page and its changes.

mod children;
mod create_child;
mod delete;
mod detail;
mod move_to;
mod my_organizations;
mod path;
mod preview_move;
mod search;
mod tree_roots;
mod update;

pub use children::{OrganizationChildren, organization_children};
pub use create_child::{CreateChildOrganization, create_child_organization};
pub use delete::{DeleteOrganization, delete_organization};
pub use detail::{LoadOrganizationDetail, load_organization_detail};
pub use move_to::{MoveOrganization, move_organization};
pub use my_organizations::{MyOrganizations, my_organizations};
pub use path::{OrganizationPath, organization_path};
pub use preview_move::{PreviewMove, preview_move};
pub use search::{SearchOrganizations, search_organizations};
pub use tree_roots::{OrganizationTreeRoots, organization_tree_roots};
pub use update::{UpdateOrganization, update_organization};
