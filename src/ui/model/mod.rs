//! What pages show, as sent from server functions to the browser: one file per capability,
//! named as the pages and server functions are. Conversions from the domain's types are here
//! too (server only).

pub mod audit;
pub mod explorer;
pub mod groups;
pub mod members;
pub mod orgs;
pub mod pick;
pub mod policies;
pub mod roles;
pub mod schema;
pub mod sessions;
pub mod sso;
pub mod tokens;
pub mod users;

pub use {
    audit::*, explorer::*, groups::*, members::*, orgs::*, pick::*, policies::*, roles::*, schema::*, sessions::*,
    sso::*, tokens::*, users::*,
};
