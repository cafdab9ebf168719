//! The organization tree: roots, children, paths, search, the organization page and its changes.

mod children;
mod create_child;
mod delete;
mod deletion_impact;
mod detail;
mod move_targets;
mod move_to;
mod my_organizations;
mod path;
mod search;
mod tree_roots;
mod update;

pub use children::{OrgChildren, org_children};
pub use create_child::{CreateChildOrg, create_child_org};
pub use delete::{DeleteOrg, delete_org};
pub use deletion_impact::{OrgDeletionImpact, org_deletion_impact};
pub use detail::{LoadOrgDetail, load_org_detail};
pub use move_targets::{MoveTargets, move_targets};
pub use move_to::{MoveOrg, move_org};
pub use my_organizations::{MyOrganizations, my_organizations};
pub use path::{OrgPath, org_path};
pub use search::{SearchOrgs, search_orgs};
pub use tree_roots::{OrgTreeRoots, org_tree_roots};
pub use update::{UpdateOrg, update_org};
