//! Server wiring: settings, the HTTP stack (middleware, sessions, routes), and the CLI.

pub mod app;
pub mod cli;
pub mod identity;
pub mod logging;
pub mod request_context;
pub mod security;
pub mod server_fn_status;
pub mod sessions;
pub mod settings;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::domain::Domain;
pub use settings::Settings;

/// What every handler and server function can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub domain: Domain,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
