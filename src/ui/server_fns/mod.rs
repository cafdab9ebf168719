//! Server functions: one per file, each a thin adapter from a form or a page to the domain.

mod context;

pub mod bulk_member_roles;
pub mod change_password;
pub mod create_child_org;
pub mod create_user;
pub mod current_user;
pub mod delete_org;
pub mod delete_policy;
pub mod delete_user;
pub mod delete_user_group;
pub mod effective_permissions;
pub mod explain_access;
pub mod list_members;
pub mod list_policies;
pub mod list_users;
pub mod load_policy_editor;
pub mod member_detail;
pub mod move_org;
pub mod my_organizations;
pub mod org_detail;
pub mod org_path;
pub mod organization_tree;
mod policy_document;
pub mod policy_impact;
pub mod role_composer;
pub mod role_impact;
pub mod save_policy;
pub mod save_role;
pub mod save_user_group;
pub mod schema_editor;
pub mod search_orgs;
pub mod search_resources;
pub mod set_member_roles;
pub mod set_user_status;
pub mod sign_in;
pub mod sign_out;
pub mod update_org;
pub mod user_groups;
pub mod who_can;

pub use bulk_member_roles::{BulkMemberRoles, preview_bulk_member_roles};
pub use change_password::{ChangePassword, change_password};
pub use create_child_org::CreateChildOrg;
pub use create_user::CreateUser;
pub use current_user::current_user;
pub use delete_org::{DeleteOrg, org_deletion_impact};
pub use delete_policy::DeletePolicy;
pub use delete_user::DeleteUser;
pub use delete_user_group::DeleteUserGroup;
pub use effective_permissions::effective_permissions;
pub use explain_access::explain_access;
pub use list_members::list_members;
pub use list_policies::list_policies;
pub use list_users::list_users;
pub use load_policy_editor::load_policy_editor;
pub use member_detail::member_detail;
pub use move_org::{MoveOrg, move_targets};
pub use my_organizations::my_organizations;
pub use org_detail::load_org_detail;
pub use org_path::org_path;
pub use organization_tree::{org_children, org_tree_roots};
pub use policy_impact::preview_policy_impact;
pub use role_composer::{list_roles, load_role_composer};
pub use role_impact::preview_role_impact;
pub use save_policy::SavePolicy;
pub use save_role::SaveRole;
pub use save_user_group::SaveUserGroup;
pub use schema_editor::{SaveSchema, load_schema_editor};
pub use search_orgs::search_orgs;
pub use search_resources::search_resources;
pub use set_member_roles::SetMemberRoles;
pub use set_user_status::SetUserStatus;
pub use sign_in::{SignIn, sign_in};
pub use sign_out::{SignOut, sign_out};
pub use update_org::UpdateOrg;
pub use user_groups::load_user_groups;
pub use who_can::who_can;

/// Where a change made from a list goes back to: `back` when it is that list's own address
/// (starting with `list`), else the list; with `done` saying what happened.
#[cfg(feature = "ssr")]
fn back_with_done(back: &str, list: &str, done: &str) -> String {
    with_done(if back.starts_with(list) { back } else { list }, done)
}

/// `href` (an address with a query) with `done` saying what happened.
#[cfg(feature = "ssr")]
fn with_done(href: &str, done: &str) -> String {
    format!("{href}&done={}", crate::ui::url::encode(done))
}
