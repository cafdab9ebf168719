//! What the two HTTP edges (the REST API and the console's server functions) share, so that
//! neither imports the other nor the server's wiring: the app state, who is calling, and what
//! a browser session holds.

pub mod identity;
pub mod new_token;
pub mod sessions;

use std::{ops::Deref, sync::Arc};

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::{domain::Domain, settings::Settings};

/// What every handler and server function can reach. Handlers and middleware clone it for
/// every request, so it is one shared allocation (cloning its parts cost several, and showed
/// in the profile of the cheapest requests).
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

#[derive(Debug)]
pub struct Shared {
    pub leptos_options: LeptosOptions,
    pub settings: Arc<Settings>,
    pub domain: Domain,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, settings: Arc<Settings>, domain: Domain) -> Self {
        Self(Arc::new(Shared { leptos_options, settings, domain }))
    }
}

impl Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
