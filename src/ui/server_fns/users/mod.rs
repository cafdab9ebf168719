//! User accounts: list, create, enable or disable, delete.

mod create;
mod delete;
mod list;
mod set_status;

pub use create::{CreateUser, JOIN_PERMISSION, create_user};
pub use delete::{DeleteUser, delete_user};
pub use list::{ListUsers, list_users};
pub use set_status::{SetUserStatus, set_user_status};
