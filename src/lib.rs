//! Warden: an identity-and-access console.
//!
//! - [`domain`]: types, rules, authorization and storage (plain Rust);
//! - [`api`]: the REST API, a thin adapter over the domain;
//! - [`ui`]: the browser console (Leptos pages and server functions);
//! - [`web`]: what the two HTTP edges share (app state, identity, sessions);
//! - [`server`]: wiring (middleware, the session layer, the router, the CLI); [`settings`].
//!
//! See ARCHITECTURE.md for the map.
// The policy editor's view types are deep; the WebAssembly build needs room for them.
#![recursion_limit = "512"]

pub mod domain;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod settings;
#[cfg(feature = "ssr")]
pub mod web;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // A page opened directly may first need its WebAssembly chunk (src/ui/pages/lazy.rs):
    // hydration waits for it, and the page says it is interactive only once it is.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else { return };
        leptos::mount::hydrate_from_async(body, ui::App).await.forget();
        ui::mark_hydrated();
    });
}
