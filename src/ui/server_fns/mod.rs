//! Server functions: one per file, each a thin adapter from a form or a page to the domain.

mod context;

pub mod change_password;
pub mod current_user;
pub mod my_organizations;
pub mod sign_in;
pub mod sign_out;

pub use change_password::{ChangePassword, change_password};
pub use current_user::current_user;
pub use my_organizations::my_organizations;
pub use sign_in::{SignIn, sign_in};
pub use sign_out::{SignOut, sign_out};
