//! Server functions: one per file, each a thin adapter from a form or a page to the domain.

mod context;

pub mod change_password;
pub mod create_child_org;
pub mod current_user;
pub mod delete_org;
pub mod move_org;
pub mod my_organizations;
pub mod org_detail;
pub mod org_path;
pub mod organization_tree;
pub mod search_orgs;
pub mod sign_in;
pub mod sign_out;
pub mod update_org;

pub use change_password::{ChangePassword, change_password};
pub use create_child_org::CreateChildOrg;
pub use current_user::current_user;
pub use delete_org::{DeleteOrg, org_deletion_impact};
pub use move_org::{MoveOrg, move_targets};
pub use my_organizations::my_organizations;
pub use org_detail::load_org_detail;
pub use org_path::org_path;
pub use organization_tree::{org_children, org_tree_roots};
pub use search_orgs::search_orgs;
pub use sign_in::{SignIn, sign_in};
pub use sign_out::{SignOut, sign_out};
pub use update_org::UpdateOrg;
