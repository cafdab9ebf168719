//! What the two HTTP edges (the REST API and the console's server functions) share, so that
//! neither imports the other nor the server's wiring: the app state, who is calling, and what
//! a browser session holds.

pub mod identity;
pub mod new_token;
pub mod sessions;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{domain::Domain, settings::Settings};

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
