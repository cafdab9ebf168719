//! Server wiring: the HTTP stack (middleware, sessions, routes), logging, the CLI, and the
//! OpenID client the domain signs people in through.

pub mod api_reference;
pub mod app;
pub mod caching;
pub mod cli;
pub mod client_addr;
pub mod compression;
pub mod edge;
pub mod identity;
pub mod limits;
pub mod listener;
pub mod logging;
pub mod maintenance;
pub mod new_token;
pub mod oidc;
pub mod request_context;
pub mod secret_key;
pub mod security;
pub mod server_fn_status;
pub mod session_cache;
pub mod sessions;
pub mod sso_sign_in;
pub mod typed_values;
