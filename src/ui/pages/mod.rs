//! The console's pages, one folder per capability (named as the domain's and the server
//! functions' folders are); the dashboard and the not-found page belong to the shell.

pub mod audit;
pub mod dashboard;
pub mod explorer;
pub mod groups;
pub mod lazy;
pub mod members;
pub mod not_found;
pub mod orgs;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod sessions;
pub mod sso;
pub mod tokens;
pub mod users;
