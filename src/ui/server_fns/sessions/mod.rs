//! Signing in and out, the current user, and changing one's own password.

mod change_password;
mod current_user;
mod sign_in;
mod sign_out;

pub use change_password::{ChangePassword, change_password};
pub use current_user::{CurrentUser, current_user};
pub use sign_in::{SignIn, sign_in};
pub use sign_out::{SignOut, sign_out};
