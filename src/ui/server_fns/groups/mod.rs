//! User groups: list, save, delete.

mod delete;
mod list;
mod save;

pub use delete::{DeleteUserGroup, delete_user_group};
pub use list::{LoadUserGroups, load_user_groups};
pub use save::{SaveUserGroup, save_user_group};
